// stw.h - stop the world (stw.c): the audit barrier and --schedule's round barrier.
#ifndef STRESS_STW_H
#define STRESS_STW_H

#include "run.h"

// stw_safepoint: call where the thread holds no G. Parks at the barrier while a stop is
// requested. Cheap (one relaxed load) otherwise.
void stw_safepoint_slow(struct mstate *m);
extern _Atomic int stw_requested;
static inline void stw_safepoint(struct mstate *m) {
    if (atomic_load_explicit(&stw_requested, memory_order_relaxed)) {
        stw_safepoint_slow(m);
    }
}
void stw_init(void);
// stw_stop: request a stop and wait until every live thread is at the barrier. Returns
// false if some thread did not arrive within timeout seconds (they stay requested).
bool stw_stop(double timeout);
void stw_start(void);
void stw_thread_exit(struct mstate *m);
// --schedule mode: barrier between rounds. True: stop now (the run ended or failed).
bool round_barrier(struct mstate *m);
void round_barrier_abort(void);

#endif
