// gplace.h - the one vocabulary of where a G is, for every driver (the deterministic
// engine's ledger, runq-torture's audits and dumps). Capacity-neutral and engine-free:
// link harness_qwalk (qwalk.c) for the names and the queue walker (qwalk.h).
#ifndef HARNESS_GPLACE_H
#define HARNESS_GPLACE_H

#include <stdbool.h>

enum gplace {
    GPLACE_FREE,   // nowhere yet (not created or not placed), or between two places
    GPLACE_HAND,   // held by one thread: taken from a queue, being put, or running
    GPLACE_RING,   // in a P's ring, a slot in [runqhead, runqtail)
    GPLACE_NEXT,   // in a P's runnext
    GPLACE_GLOBAL, // in the global queue (sched.runq)
    GPLACE_DONE,   // ran to completion (engine) and is queued nowhere
    GPLACE_PARKED, // parked off every queue, to be readied again (runq-torture)
    GPLACE_COUNT
};

// "in ring", "in runnext", "in the global queue", ... (the phrase messages use).
const char *gplace_name(enum gplace w);

// In a run queue (ring, runnext or the global queue): what runq-torture's holder token
// calls queued.
static inline bool gplace_queued(enum gplace w) {
    return w == GPLACE_RING || w == GPLACE_NEXT || w == GPLACE_GLOBAL;
}

#endif
