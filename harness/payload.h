// payload.h - the G payload: plain (non-atomic) memory each holder of a G writes and
// checks. It is the only part of the engine compiled with ThreadSanitizer, so a missing
// release/acquire in the port shows up as a data race on the payload between two
// simulated threads, on the exact interleaving of the schedule.
#ifndef HARNESS_PAYLOAD_H
#define HARNESS_PAYLOAD_H

#include "runq.h"

// The new holder t of gp takes it over: checks the last holder's stamp, writes its own.
void payload_take(g *gp, int t);

#endif
