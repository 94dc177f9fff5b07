// world_inject.c - the planted failures: --stall (T0 spins holding its P, for the
// watchdog) and --inject KIND (a throw, a stall under sched.lock, a race, a lost G, a bad
// payload, a duplicate G), each one the run must report and end on.
#include "torture.h"

#include <sched.h>
#include <unistd.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

// inject_stall (--stall D, to test the watchdog): T0 spins holding its P, once, for D.
void inject_stall(struct mstate *m, int pid) {
    static bool done; // T0's own
    if (done) {
        return;
    }
    done = true;
    set_doing(m, OP_STALL, pid, 0, 0);
    oplog_add(m, OP_STALL, pid, 0, 0, 0);
    uint64_t end = now_ns() + (uint64_t)(srun()->params.stall * 1e9);
    while (now_ns() < end && !atomic_load_explicit(&srun()->stop, memory_order_relaxed)) {
        sched_yield();
    }
}

long STRESS_W(race_victim); // plain (not atomic) on purpose: --inject race
// inject_failure (--inject KIND): plants one failure of the kind the run must report and
// end on, at t=0.5s, from T0 (and T1 for a race). Returns only for kinds that go on.
void inject_failure(struct mstate *m, int pid) {
    static _Thread_local bool done;
    if (done || m->id > (srun()->params.inject == INJECT_RACE ? 1 : 0)) {
        return;
    }
    g *gp = NULL;
    switch (srun()->params.inject) {
    case INJECT_THROW:
        rq_throw("injected (--inject throw)");
    case INJECT_THROW_LOCKED:
        lock_sched();
        rq_throw("injected while holding sched.lock (--inject throw-locked)");
    case INJECT_STALL_LOCKED:
        lock_sched();
        set_doing(m, OP_STALL, pid, 1, 0);
        oplog_add(m, OP_STALL, pid, 1, 0, 0);
        for (;;) { // holds sched.lock until the process ends
            pause();
        }
    case INJECT_RACE: {
        // T0 writes, then T1 writes once it has seen (relaxed: no happens-before) that T0
        // did; T0 waits meanwhile without any synchronisation, so the two writes race.
        // Either may come first by seconds on a loaded machine, so each waits up to 8 s
        // (under the 10 s watchdog): once a wait gives up, the other's write may come after
        // a queue operation that orders it, and TSan then rightly reports nothing.
        static _Atomic int wrote[2];
        done = true;
        uint64_t end = now_ns() + 8000000000u;
        if (m->id == 1) {
            while (!atomic_load_explicit(&wrote[0], memory_order_relaxed) && now_ns() < end) {
                sched_yield();
            }
        }
        STRESS_W(race_victim) += m->id + 1;
        atomic_store_explicit(&wrote[m->id], 1, memory_order_relaxed);
        if (m->id == 0) {
            while (!atomic_load_explicit(&wrote[1], memory_order_relaxed) && now_ns() < end) {
                sched_yield();
            }
        }
        return;
    }
    case INJECT_DUP: // planted by the monitor with the world stopped (plant_dup)
        done = true;
        return;
    case INJECT_LOST:
    case INJECT_PAYLOAD:
        lock_sched();
        gp = gQueue_pop(&sched.runq);
        if (gp == NULL) { // nothing on the global queue now: try again next round
            unlock_sched();
            return;
        }
        done = true;
#ifndef RUNQ_GO_MASTER
        sched.runqsize--; // master's gQueue_pop counts sched.runq.size itself
#endif
        if (srun()->params.inject == INJECT_PAYLOAD) {
            ledger_corrupt_payload(goid_of(gp));
            globrunqput(gp);
        }
        unlock_sched();
        return; // INJECT_LOST: gp is nowhere now
    default:
        return;
    }
}

// plant_dup (--inject dup; the monitor, world stopped): takes a G from the first P whose
// queue holds one and queues it twice in that P's ring, so the audit that follows in the
// same stop finds it in two places (dup-g) before any thread can meet a copy. Planted by a
// running thread instead, whichever check met a copy first would report it (a second take,
// a drain's count, a put-back by a non-holder, an audit after one copy parked), each a true
// report but a different one each run. False: no P holds a G now (try at the next stop).
bool world_plant_dup(void) {
    for (int pid = 0; pid < srun()->params.procs; pid++) {
        bool inheritTime;
        g *gp = runqget(&allp[pid], &inheritTime); // as the owner: every owner is stopped
        if (gp != NULL) {                          // its token still says "queued": twice now
            runqput(&allp[pid], gp, false);
            runqput(&allp[pid], gp, false);
            return true;
        }
    }
    return false;
}
