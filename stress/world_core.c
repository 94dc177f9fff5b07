// world_core.c - one capacity's world: the Ps, the Gs and what the world's files share
// (world.h), the G names, sched.lock and the round's tick.
//
// Every world_*.c file is compiled once per capacity and Go version against that copy of
// the port (its symbols carry the RUNQ_NS prefix; -DRUNQ_GO_MASTER for Go master's port):
// the part of stress/ that calls the port's entry points and reads its P layout. The
// names they share carry the same prefix (world.h), so the copies link side by side; the
// rest of stress/ is compiled once and reaches a copy through its struct stress_engine.
#include "torture.h"

#include <time.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

#ifndef STRESS_ENGINE
#error "compile with -DSTRESS_ENGINE=stress_engine_c<capacity>"
#endif

p *allp;
g *allg;
struct pextra *px;
#ifdef RUNQ_GO_MASTER
m *allm;
g *allcurg;
#endif

int *pidle;
int npidle;
_Atomic int npidle_hint;

unsigned mix_cum[PHASE_N][MIX_N];
unsigned mix_total[PHASE_N];
int coprimes[STRESS_MAX_PROCS];
int ncoprimes;

// ---- small helpers ---------------------------------------------------------------------

uint32_t goid_of(g *gp) {
    uintptr_t a = (uintptr_t)gp, b = (uintptr_t)allg;
    if (a < b || a >= b + (uintptr_t)srun()->params.gs * sizeof(g) || (a - b) % sizeof(g) != 0) {
        return 0;
    }
    return (uint32_t)((a - b) / sizeof(g)) + 1;
}

uint32_t ring_len(p *pp) {
    // relaxed: statistics only; must add no happens-before.
    return atomic_load_explicit(&pp->runqtail, memory_order_relaxed) -
           atomic_load_explicit(&pp->runqhead, memory_order_relaxed);
}

void lock_sched(void) {
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
}
void unlock_sched(void) {
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
}
// try_lock_sched: sched.lock within about ms milliseconds, else false. For the monitor and
// the failure path, which must never wait on a thread that failed while holding it.
bool try_lock_sched(int ms) {
    for (int k = 0;; k++) {
        if (rq_trylock(&sched.lock, RQ_SITE_caller_lock)) {
            return true;
        }
        if (k >= ms) {
            return false;
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

void tick(struct mstate *m) {
    uint64_t it = atomic_load_explicit(&m->iter, memory_order_relaxed) + 1;
    atomic_store_explicit(&m->iter, it, memory_order_relaxed);
    // The log's clock every 8th round (and after every steal that got a G): a TSC read
    // costs ~25 ns in a VM, more than a queue op, and a round is ~0.2 us, so the stamps
    // still order the threads' logs to within a few microseconds. --schedule's rounds
    // (one tick per op, with delays between) restamp every time.
    if ((it & 7) == 0 || srun()->schedule) {
        oplog_restamp(m);
    }
    if ((it & 63) == 0) {
        m->now_ms = now_coarse_ms();
    }
}
