// world_loop.c - the scheduler loop every thread runs (the engine's worker) and the P
// hand-off with --handoff.
//
// The loop imitates Go 1.19's schedule/findrunnable/stealWork (proc.go):
//   every 61st round globrunqget(pp, 1); runqget; globrunqget(pp, 0); 4 steal passes over
//   the other Ps in random order (stealOrder), runnext allowed on the last; then idle.
// Running a G performs ops from the mix until one ends its turn (yield, park) or the slice
// runs out (preempted: yield). Parked Gs belong to a P and are woken by its owner, like
// timers: no harness lock between threads, so no happens-before the queue did not create.
#include "record.h"
#include "torture.h"

#include <sched.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

static void pause_thread(void) {
    sched_yield();
}

// ---- P hand-off (acquirep/releasep) ----------------------------------------------------

static void releasep(struct mstate *m, int pid) {
    set_doing(m, OP_RELEASEP, pid, 0, 0);
    atomic_store_explicit(&px[pid].owner, -1, memory_order_relaxed);
    atomic_store_explicit(&allp[pid].status, _Pidle, memory_order_relaxed);
    atomic_store_explicit(&m->pid, -1, memory_order_relaxed);
    lock_sched();
    pidle[npidle++] = pid;
    atomic_store_explicit(&npidle_hint, npidle, memory_order_relaxed);
    unlock_sched();
    // A fresh stamp at each end of a tenure (hand-off is rare: the clock's cost does not
    // show): the failure schedule orders a P's tenures under different threads by them.
    oplog_restamp(m);
    oplog_add(m, OP_RELEASEP, pid, 0, 0, 0);
}

void own_p(struct mstate *m, int pid) {
    if (px[pid].last_owner != m->id) {
        ctr_add(m, CTR_HANDOFFS, 1);
    }
    px[pid].last_owner = m->id;
    atomic_store_explicit(&px[pid].owner, m->id, memory_order_relaxed);
    atomic_store_explicit(&allp[pid].status, _Prunning, memory_order_relaxed);
    atomic_store_explicit(&m->pid, pid, memory_order_relaxed);
}

static int acquirep(struct mstate *m) {
    if (atomic_load_explicit(&npidle_hint, memory_order_relaxed) == 0) {
        return -1;
    }
    set_doing(m, OP_ACQUIREP, 0xff, 0, 0);
    int pid = -1;
    lock_sched();
    if (npidle > 0) {
        int k = (int)rng_n(m, (uint32_t)npidle);
        pid = pidle[k];
        pidle[k] = pidle[--npidle];
        atomic_store_explicit(&npidle_hint, npidle, memory_order_relaxed);
    }
    unlock_sched();
    if (pid >= 0) {
        own_p(m, pid);
        oplog_restamp(m); // see releasep
        oplog_add(m, OP_ACQUIREP, pid, 0, 0, 0);
    }
    return pid;
}

// syscall (--handoff): the G enters a syscall, its thread releases the P; on the way out
// it takes any idle P (maybe another's), or if none the G goes to the global queue and
// the thread waits for a P (exitsyscall0). Returns the P now held, or -1.
static int op_syscall(struct mstate *m, int pid, uint32_t goid, bool *ok) {
#ifdef RUNQ_GO_MASTER
    // entersyscall: for a moment the P is still held while its G is in the syscall; a
    // thief that sees that in runqgrab takes runnext without backing off.
    atomic_store_explicit(&allcurg[pid].atomicstatus, _Gsyscall, memory_order_relaxed);
    sched_yield();
    atomic_store_explicit(&allcurg[pid].atomicstatus, _Grunning, memory_order_relaxed);
#endif
    releasep(m, pid);
    ctr_add(m, CTR_SYSCALLS, 1);
    if (rng_n(m, 4) == 0) {
        sched_yield(); // a slow syscall: give the idle thread time to take the P
    }
    int np = acquirep(m);
    if (np >= 0) {
        return np;
    }
    if (!ledger_release(m, goid, TOK_QUEUED, OP_GLOBRUNQPUT, 0xff)) {
        *ok = false;
        return -1;
    }
    set_doing(m, OP_GLOBRUNQPUT, 0xff, 0, goid);
    lock_sched();
    globrunqput(&allg[goid - 1]);
    unlock_sched();
    ctr_add(m, CTR_QOPS, 1);
    oplog_add(m, OP_GLOBRUNQPUT, 0xff, 0, goid, 0);
    return -1;
}

static int pick_op(struct mstate *m, int phase) {
    uint32_t r = rng_n(m, mix_total[phase]);
    for (int i = 0; i < MIX_N; i++) {
        if (r < mix_cum[phase][i]) {
            return i;
        }
    }
    return MIX_YIELD;
}

// run: thread m, on P pid, runs goid until its turn ends. Returns the P held afterwards.
static int run(struct mstate *m, int pid, uint32_t goid) {
    ctr_add(m, CTR_RUNS, 1);
    oplog_add(m, OP_RUN, pid, 0, goid, 0);
    bool ok = true;
    int phase = atomic_load_explicit(&srun()->phase, memory_order_relaxed);
    for (int ops = 0; ok; ops++) {
        if (ops >= srun()->params.slice) {
            ctr_add(m, CTR_PREEMPTS, 1);
            put_g(m, pid, goid, false);
            return pid;
        }
        switch (pick_op(m, phase)) {
        case MIX_READY:
            ok = op_ready(m, pid);
            break;
        case MIX_BATCH:
            ok = op_batch(m, pid, 1 + (int)rng_n(m, (uint32_t)srun()->params.batch_max));
            break;
        case MIX_DRAIN:
            ok = op_drain(m, pid);
            break;
        case MIX_SYSCALL:
            pid = op_syscall(m, pid, goid, &ok);
            if (pid < 0) {
                return -1;
            }
            break;
        case MIX_WORK: {
            // Compute: while the G runs, what it readied sits in runnext, stealable. Longer
            // than a thief's 3us back-off (which really sleeps ~50us) lets thefts succeed.
            set_doing(m, OP_RUN, pid, 0, goid);
            uint64_t end = now_ns() + rng_n(m, (uint32_t)(srun()->params.work_max * 1e9));
            while (now_ns() < end) {
            }
            break;
        }
        case MIX_PARK: {
            struct pextra *x = &px[pid];
            if (ledger_release(m, goid, TOK_PARKED, OP_PARK, pid)) {
                x->parked[x->nparked++] = &allg[goid - 1];
                atomic_store_explicit(&x->nparked_hint, x->nparked, memory_order_relaxed);
                ctr_add(m, CTR_PARKS, 1);
                oplog_add(m, OP_PARK, pid, 0, goid, 0);
            }
            return pid;
        }
        default:
            if (put_g(m, pid, goid, false)) {
                ctr_add(m, CTR_YIELDS, 1);
            }
            return pid;
        }
    }
    return pid;
}

// ---- finding work ----------------------------------------------------------------------

// steal: Go's stealWork without timers: 4 passes, each over all other Ps in a random
// order (start + coprime stride, as stealOrder), runnext only on the last pass.
static uint32_t steal(struct mstate *m, int pid) {
    const int stealTries = 4;
    for (int i = 0; i < stealTries; i++) {
        bool stealRunNextG = i == stealTries - 1;
        uint32_t start = rng_n(m, (uint32_t)srun()->params.procs);
        uint32_t inc = (uint32_t)coprimes[rng_n(m, (uint32_t)ncoprimes)];
        for (int k = 0; k < srun()->params.procs; k++) {
            if (atomic_load_explicit(&stw_requested, memory_order_relaxed) ||
                atomic_load_explicit(&srun()->stop, memory_order_relaxed)) {
                return 0; // as Go returns on sched.gcwaiting
            }
            int v = (int)((start + (uint32_t)k * inc) % (uint32_t)srun()->params.procs);
            if (v == pid) {
                continue;
            }
            uint32_t goid = steal_from(m, pid, v, stealRunNextG);
            if (goid || stress_failed()) {
                return goid;
            }
        }
    }
    return 0;
}

// empty_get_ok: runqget on P pid said nil. Only its owner (this thread) adds to the ring and
// runnext, so during the call they only shrank: nil is right only if they are empty now,
// the engine's spurious-empty-get (harness/world_check.c). Relaxed loads, no happens-before
// added: read-read coherence makes them no older than what runqget itself read.
static bool empty_get_ok(struct mstate *m, int pid) {
    p *pp = &allp[pid];
    uint32_t h = atomic_load_explicit(&pp->runqhead, memory_order_relaxed);
    uint32_t t = atomic_load_explicit(&pp->runqtail, memory_order_relaxed);
    guintptr next = atomic_load_explicit(&pp->runnext, memory_order_relaxed);
    if (t == h && next == 0) {
        return true;
    }
    stress_fail(m->id, INV_SPURIOUS_EMPTY_GET,
                "P%d: runqget returned nil, but its ring holds %u Gs (head=%u tail=%u) and "
                "runnext g%u (only its owner adds to them: never empty during the call)",
                pid, t - h, h, t, goid_of(guintptr_ptr(next)));
    return false;
}

// find_runnable: schedule() + findrunnable() minus netpoll, timers and GC.
static uint32_t find_runnable(struct mstate *m, int pid) {
    struct pextra *x = &px[pid];
    p *pp = &allp[pid];
    // Fairness: every 61st round look at the global queue first (Go reads runqsize
    // racily before locking; in C that read would be a data race, so always lock).
    if (++x->schedtick % 61 == 0) {
        uint32_t goid = globget(m, pid, 1);
        if (goid || stress_failed()) {
            return goid;
        }
    }
    bool inheritTime = false;
    set_doing(m, OP_RUNQGET, pid, 0, 0);
    if (REC_ON()) {
        record_op(REC_OP_GET, 1, NULL, 0);
    }
    g *gp = runqget(pp, &inheritTime);
    ctr_add(m, CTR_QOPS, 1);
    if (gp != NULL) {
        ctr_add(m, CTR_GETS, 1);
        if (inheritTime) {
            ctr_add(m, CTR_GETS_NEXT, 1);
        }
        return got(m, gp, OP_RUNQGET, pid, inheritTime, 0);
    }
    if (CHECKED && !empty_get_ok(m, pid)) {
        return 0;
    }
    uint32_t goid = globget(m, pid, 0);
    if (goid || stress_failed()) {
        return goid;
    }
    goid = steal(m, pid);
    if (goid || stress_failed()) {
        return goid;
    }
    // Nothing runnable: a parked G "times out" and runs (as a timer would ready it).
    if (x->nparked > 0) {
        goid = pop_parked(m, x);
        if (!ledger_take(m, goid, TOK_PARKED, OP_WAKE, pid)) {
            return 0;
        }
        oplog_add(m, OP_WAKE, pid, 2, goid, 0);
        ctr_add(m, CTR_WAKES_IDLE, 1);
        return goid;
    }
    return 0;
}

void *world_worker(void *arg) {
    struct mstate *m = arg;
    int pid = -1;
    self_m = m;
    if (REC_ON()) {
        record_thread_start(m->id);
    }
    m->now_ms = now_coarse_ms();
    if (m->id < srun()->params.procs) {
        pid = m->id; // thread i starts on P i; with --handoff one thread starts without a P
        own_p(m, pid);
    }
    bool idle_logged = false;
    while (!atomic_load_explicit(&srun()->stop, memory_order_relaxed)) {
        tick(m);
        set_doing(m, OP_NONE, pid, 0, 0);
        stw_safepoint(m);
        if (pid < 0) {
            pid = acquirep(m);
            if (pid < 0) {
                pause_thread();
                continue;
            }
        }
        if (srun()->params.stall > 0 && m->id == 0 && m->now_ms >= 500) {
            inject_stall(m, pid);
        }
        if (srun()->params.inject && m->now_ms >= 500) {
            inject_failure(m, pid);
        }
        uint32_t goid = find_runnable(m, pid);
        if (stress_failed()) {
            break;
        }
        if (goid == 0) {
            ctr_add(m, CTR_IDLE, 1);
            if (!idle_logged) { // one entry per idle spell keeps the log useful
                oplog_add(m, OP_IDLE, pid, 0, 0, 0);
                idle_logged = true;
            }
            pause_thread();
            continue;
        }
        idle_logged = false;
        pid = run(m, pid, goid);
    }
    // doing is left as it was: the dump after a failure shows where each thread was.
    stw_thread_exit(m);
    return NULL;
}
