// outpath.h - can an output file be written? Asked at start, so that a long run (or a
// search) does not end with its result lost to a mistyped path.
#ifndef HARNESS_OUTPATH_H
#define HARNESS_OUTPATH_H

#include <stdbool.h>
#include <stddef.h>

// 0 if path can be created, or written over, now; else -1 and why says why ("is a
// directory", "its folder ... does not exist", "cannot be written: No space left on
// device", ...). Tested by doing it: a new file is created, written and removed again; an
// existing regular file gets one byte appended and is truncated back; a character device
// other than a terminal gets one byte (so /dev/full fails, /dev/null passes). Refused without
// a test: directories, block devices, kernel interface files (/proc, /sys). Pipes, sockets
// and terminals are taken as they are (a test byte would reach a reader).
int outpath_check(const char *path, char *why, size_t whylen);

// The same, saying "PROG: OPT: cannot write 'PATH': WHY" on stderr when it fails.
bool outpath_ok(const char *prog, const char *opt, const char *path);

#endif
