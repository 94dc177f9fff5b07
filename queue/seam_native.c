// seam_native.c - the native backend's throw: Go prints "fatal error: msg" and dies;
// this prints "runq: msg" and aborts, so a core dump or a sanitizer's abort handler
// shows where.
#include "runq_seam.h"

#include <stdio.h>
#include <stdlib.h>

_Noreturn void rq_throw(const char *msg) {
    fprintf(stderr, "runq: %s\n", msg);
    fflush(stderr);
    abort();
}
