// json_out.h - writing JSON strings, for the Chrome trace exporters of the engine
// (chrome_trace.c) and of runq-torture (stress/chrome_dump.c).
#ifndef HARNESS_JSON_OUT_H
#define HARNESS_JSON_OUT_H

#include <stdio.h>

// json_string writes s as a JSON string literal: quotes, backslashes and control bytes
// escaped; other bytes (UTF-8 included) as they are.
void json_string(FILE *f, const char *s);

#endif
