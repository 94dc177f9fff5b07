// world.c - one ring capacity's world: the Ps and Gs, the scheduler loop every thread
// runs, the stop-the-world audit and the queue dump (--schedule rounds: rounds.c).
// Over 500 lines: with rounds.c (the --schedule rounds), the part of stress/ compiled
// against each copy of the port (per capacity, Go version and mutant): the scheduler loop,
// the ops, the audit and the dump all call the port's entry points and read its P layout;
// the rest of stress/ is compiled once.
//
// Compiled once per capacity and Go version against that copy of the port (its symbols
// carry the RUNQ_NS prefix; -DRUNQ_GO_MASTER for Go master's port); STRESS_ENGINE names
// this copy's entry points, and everything else here is static, so the copies link side
// by side. On master each op does what master's callers do (see the GO_* helpers).
//
// The loop imitates Go 1.19's schedule/findrunnable/stealWork (proc.go):
//   every 61st round globrunqget(pp, 1); runqget; globrunqget(pp, 0); 4 steal passes over
//   the other Ps in random order (stealOrder), runnext allowed on the last; then idle.
// Running a G performs ops from the mix until one ends its turn (yield, park) or the slice
// runs out (preempted: yield). Parked Gs belong to a P and are woken by its owner, like
// timers: no harness lock between threads, so no happens-before the queue did not create.
#include "qwalk.h" // the queue walker and enum gplace, shared with the engine
#include "record.h"
#include "torture.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: shared with rounds.c under this prefix

#ifndef STRESS_ENGINE
#error "compile with -DSTRESS_ENGINE=stress_engine_c<capacity>"
#endif

// ---- runq-torture-unchecked ----------------------------------------------------------------
// With -DSTRESS_UNCHECKED (and the native port, without the flight recorder's hooks) this
// file is tools/bench_stress.sh's like-for-like bare loop: the same Ps, threads, op mix,
// stealing and hand-off as the checked program, with every check and the bookkeeping that
// serves it compiled out: holder tokens and payloads (the ledger), the op log and its
// clock, what each thread is doing, the counters other than qops and runs (ops/s and the
// watchdog), the G pointer check, the drain's walk of its gQueue, the audit's walk and the
// statistics-only peeks. What stays is what Go's scheduler loop would do anyway.
#ifdef STRESS_UNCHECKED
#define CHECKED 0
#define ledger_take(m, goid, from, op, pid)                                                        \
    ((void)(m), (void)(goid), (void)(from), (void)(op), (void)(pid), true)
#define ledger_release(m, goid, to, op, pid)                                                       \
    ((void)(m), (void)(goid), (void)(to), (void)(op), (void)(pid), true)
#define oplog_add(m, op, pid, arg, goid, n)                                                        \
    ((void)(m), (void)(op), (void)(pid), (void)(arg), (void)(goid), (void)(n))
#define oplog_restamp(m) ((void)(m))
#define set_doing(m, op, pid, arg, goid)                                                           \
    ((void)(m), (void)(op), (void)(pid), (void)(arg), (void)(goid))
// ctr_add names itself inside its own expansion: that is the inline function (run.h).
#define ctr_add(m, c, v) ((c) == CTR_QOPS || (c) == CTR_RUNS ? ctr_add(m, c, v) : (void)(v))
#else
#define CHECKED 1
#endif

p *allp;
g *allg;

// ---- the Go version's API ----------------------------------------------------------------
#ifdef RUNQ_GO_MASTER
#define GLOBAL_SIZE() sched.runq.size
#define GLOBAL_SIZE_LVALUE sched.runq.size
static m *allm;    // one M per P, running curgs[i]: runqgrab's back-off looks at it
static g *allcurg; // the G each M runs (never queued; always _Grunning here)
#else
#define GLOBAL_SIZE() sched.runqsize
#define GLOBAL_SIZE_LVALUE sched.runqsize
#endif

struct pextra *px;

// Idle Ps (with --handoff), under sched.lock like Go's sched.pidle.
static int *pidle;
static int npidle;
static _Atomic int npidle_hint;

static unsigned mix_cum[PHASE_N][MIX_N]; // cumulative weights, in thousandths
static unsigned mix_total[PHASE_N];
static int coprimes[STRESS_MAX_PROCS];
static int ncoprimes;

// ---- small helpers ---------------------------------------------------------------------

uint32_t goid_of(g *gp) {
    uintptr_t a = (uintptr_t)gp, b = (uintptr_t)allg;
    if (a < b || a >= b + (uintptr_t)srun()->params.gs * sizeof(g) || (a - b) % sizeof(g) != 0) {
        return 0;
    }
    return (uint32_t)((a - b) / sizeof(g)) + 1;
}

// checked_goid: a G the port handed out must be one of ours.
static uint32_t checked_goid(struct mstate *m, g *gp, int op, int pid) {
#ifdef STRESS_UNCHECKED
    (void)m, (void)op, (void)pid;
    return (uint32_t)(gp - allg) + 1;
#endif
    uint32_t id = goid_of(gp);
    if (id == 0) {
        stress_fail(m->id, INV_BAD_G, "%s on P%d returned %p, which is not a G", op_name(op), pid,
                    (void *)gp);
    }
    return id;
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
        oplog_add(m, OP_ACQUIREP, pid, 0, 0, 0);
    }
    return pid;
}

// ---- putting Gs ------------------------------------------------------------------------

// put_g: the holder lets goid go to pp's local queue (runqput).
bool put_g(struct mstate *m, int pid, uint32_t goid, bool next) {
    p *pp = &allp[pid];
    int op = next ? OP_RUNQPUT_NEXT : OP_RUNQPUT;
    // Will this put overflow? Peeked with relaxed loads, so a racing thief can make it an
    // over-estimate; it is a statistic, not a check.
    bool full = CHECKED && ring_len(pp) >= (uint32_t)RUNQ_CAP &&
                (!next || atomic_load_explicit(&pp->runnext, memory_order_relaxed) != 0);
    if (!ledger_release(m, goid, TOK_QUEUED, op, pid)) {
        return false;
    }
    set_doing(m, op, pid, 0, goid);
    if (REC_ON()) {
        record_op(next ? REC_OP_PUTNEXT : REC_OP_PUT, 1, &goid, 1);
    }
    runqput(pp, &allg[goid - 1], next);
    ctr_add(m, CTR_QOPS, 1);
    ctr_add(m, CTR_PUTS, 1);
    if (full) {
        ctr_add(m, CTR_OVERFLOWS, 1);
    }
    oplog_add(m, op, pid, 0, goid, 0);
    return true;
}

uint32_t pop_parked(struct mstate *m, struct pextra *x) {
    int k = (int)rng_n(m, (uint32_t)x->nparked);
    g *gp = x->parked[k];
    x->parked[k] = x->parked[--x->nparked];
    atomic_store_explicit(&x->nparked_hint, x->nparked, memory_order_relaxed);
    return goid_of(gp);
}

// ready: the running G wakes a parked G into runnext (Go's ready(gp, next=true)).
static bool op_ready(struct mstate *m, int pid) {
    struct pextra *x = &px[pid];
    if (x->nparked == 0) {
        return true;
    }
    uint32_t goid = pop_parked(m, x);
    if (!ledger_take(m, goid, TOK_PARKED, OP_WAKE, pid)) {
        return false;
    }
    oplog_add(m, OP_WAKE, pid, 0, goid, 0);
    ctr_add(m, CTR_READIES, 1);
    return put_g(m, pid, goid, true);
}

// batch: wake up to --batch-max parked Gs as one gQueue and runqputbatch them (Go's
// injectglist shape); what does not fit spills to the global queue.
bool op_batch(struct mstate *m, int pid, int k) {
    struct pextra *x = &px[pid];
    p *pp = &allp[pid];
    if (k > x->nparked) {
        k = x->nparked;
    }
    if (k == 0) {
        return true;
    }
    gQueue q = {0};
    for (int i = 0; i < k; i++) {
        uint32_t goid = pop_parked(m, x);
        if (!ledger_take(m, goid, TOK_PARKED, OP_WAKE, pid)) {
            return false;
        }
        oplog_add(m, OP_WAKE, pid, 1, goid, 0);
        x->scratch[i] = goid;
        gQueue_pushBack(&q, &allg[goid - 1]); // links while this thread holds both Gs
    }
    for (int i = 0; i < k; i++) {
        if (!ledger_release(m, x->scratch[i], TOK_QUEUED, OP_RUNQPUTBATCH, pid)) {
            return false;
        }
    }
    bool spill = CHECKED && (uint32_t)RUNQ_CAP - ring_len(pp) < (uint32_t)k;
    set_doing(m, OP_RUNQPUTBATCH, pid, 0, x->scratch[0]);
#ifdef RUNQ_GO_MASTER
    // Master's runqputbatch leaves what did not fit; its caller spills it under the lock.
    runqputbatch(pp, &q);
    if (!gQueue_empty(&q)) {
        lock_sched();
        globrunqputbatch(&q);
        unlock_sched();
    }
#else
    if (REC_ON()) {
        record_op(REC_OP_PUTBATCH, k, x->scratch, k);
    }
    runqputbatch(pp, &q, k);
#endif
    ctr_add(m, CTR_QOPS, 1);
    ctr_add(m, CTR_BATCHES, 1);
    if (spill) {
        ctr_add(m, CTR_SPILLS, 1);
    }
    oplog_add(m, OP_RUNQPUTBATCH, pid, 0, x->scratch[0], (uint32_t)k);
    return true;
}

// drain: the GC worker's move (mgc.go): runqdrain the P, then globrunqputbatch the lot
// under sched.lock. Every drained G passes through this thread's hand.
bool op_drain(struct mstate *m, int pid) {
    p *pp = &allp[pid];
    uint32_t n = 0;
    set_doing(m, OP_RUNQDRAIN, pid, 0, 0);
    if (REC_ON()) { // runqdrain and the globrunqputbatch after it: one engine op
        record_op(REC_OP_DRAIN, 1, NULL, 0);
    }
#ifdef RUNQ_GO_MASTER
    gQueue q = runqdrain(pp);
    n = (uint32_t)q.size; // master: drainQ counts itself
#else
    gQueue q = runqdrain(pp, &n);
#endif
    ctr_add(m, CTR_QOPS, 1);
    uint32_t first = CHECKED && q.head ? goid_of(guintptr_ptr(q.head)) : 0;
    oplog_add(m, OP_RUNQDRAIN, pid, 0, first, n);
    if (n == 0) {
        return true;
    }
    // Go's GC worker hands the gQueue on as it is; the checks walk it first.
    if (CHECKED) {
        uint32_t seen = 0;
        for (g *gp = guintptr_ptr(q.head); gp; gp = guintptr_ptr(gp->schedlink)) {
            uint32_t goid = checked_goid(m, gp, OP_RUNQDRAIN, pid);
            if (goid == 0 || !ledger_take(m, goid, TOK_QUEUED, OP_RUNQDRAIN, pid)) {
                return false;
            }
            if (++seen > n) {
                break;
            }
        }
        if (seen != n || q.tail == 0 || guintptr_ptr(q.tail)->schedlink != 0) {
            stress_fail(m->id, INV_DRAIN_COUNT,
                        "P%d: runqdrain said n=%u but its gQueue holds %u%s", pid, n, seen,
                        seen > n ? " or more" : "");
            return false;
        }
        for (g *gp = guintptr_ptr(q.head); gp; gp = guintptr_ptr(gp->schedlink)) {
            if (!ledger_release(m, goid_of(gp), TOK_QUEUED, OP_GLOBRUNQPUTBATCH, pid)) {
                return false;
            }
        }
    }
    set_doing(m, OP_GLOBRUNQPUTBATCH, pid, 0, first);
    lock_sched();
#ifdef RUNQ_GO_MASTER
    globrunqputbatch(&q);
#else
    globrunqputbatch(&q, (int32_t)n);
#endif
    unlock_sched();
    ctr_add(m, CTR_QOPS, 1);
    ctr_add(m, CTR_DRAINS, 1);
    ctr_add(m, CTR_DRAINED, n);
    oplog_add(m, OP_GLOBRUNQPUTBATCH, pid, 0, first, n);
    return true;
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

uint32_t got(struct mstate *m, g *gp, int op, int pid, int arg, uint32_t n) {
    uint32_t goid = checked_goid(m, gp, op, pid);
    oplog_add(m, op, pid, arg, goid, n);
    if (REC_ON() && !record_taken(m->id, goid, op_name(op), pid)) {
        return 0;
    }
    if (goid == 0 || !ledger_take(m, goid, TOK_QUEUED, op, pid)) {
        return 0;
    }
    return goid;
}

uint32_t globget(struct mstate *m, int pid, int32_t max) {
    set_doing(m, OP_GLOBRUNQGET, pid, max, 0);
    if (REC_ON()) {
        record_op(REC_OP_GLOBGET, max + 1, NULL, 0); // the engine's "globget n" has max n-1
    }
#ifdef RUNQ_GO_MASTER
    // schedule's fairness tick (max 1) takes one G (globrunqget); findRunnable takes a
    // batch of at most half a ring (globrunqgetbatch) and puts it on its P after unlocking.
    g *gp;
    gQueue q = {0};
    lock_sched();
    if (max == 1) {
        gp = globrunqget();
    } else {
        gp = globrunqgetbatch(max > 0 && max < RUNQ_CAP / 2 ? max : RUNQ_CAP / 2, &q);
    }
    unlock_sched();
    runqputbatch(&allp[pid], &q);
    if (!gQueue_empty(&q)) {
        stress_fail(m->id, INV_THROW, "P%d: couldn't put the global batch into its local runq",
                    pid);
        return 0;
    }
#else
    lock_sched();
    g *gp = globrunqget(&allp[pid], max);
    unlock_sched();
#endif
    ctr_add(m, CTR_QOPS, 1);
    if (gp == NULL) {
        return 0;
    }
    ctr_add(m, CTR_GLOBGETS, 1);
    return got(m, gp, OP_GLOBRUNQGET, pid, max, 0);
}

// steal_from: one runqsteal of pid from victim v, counted and checked. Returns the goid got.
uint32_t steal_from(struct mstate *m, int pid, int v, bool stealRunNextG) {
    p *pp = &allp[pid], *p2 = &allp[v];
    // To count runnext thefts: what the victim's runnext held just before.
    guintptr seen =
        CHECKED && stealRunNextG ? atomic_load_explicit(&p2->runnext, memory_order_relaxed) : 0;
    uint32_t t0 = CHECKED ? atomic_load_explicit(&pp->runqtail, memory_order_relaxed) : 0;
    if (seen) {
        ctr_add(m, CTR_RUNNEXT_TRIES, 1);
    }
    set_doing(m, OP_RUNQSTEAL, pid, v, stealRunNextG);
    if (REC_ON()) {
        record_op(stealRunNextG ? REC_OP_STEALNEXT : REC_OP_STEAL, v, NULL, 0);
    }
    g *gp = runqsteal(pp, p2, stealRunNextG);
    ctr_add(m, CTR_QOPS, 1);
    ctr_add(m, CTR_STEAL_TRIES, 1);
    if (gp != NULL) {
        oplog_restamp(m); // steals are what a timeline is read for
    }
    if (gp == NULL) {
        return 0;
    }
    uint32_t n = CHECKED ? atomic_load_explicit(&pp->runqtail, memory_order_relaxed) - t0 + 1 : 0;
    ctr_add(m, CTR_STEALS, 1);
    ctr_add(m, CTR_STOLEN, n);
    if (stealRunNextG && n == 1 && guintptr_of(gp) == seen) {
        ctr_add(m, CTR_RUNNEXT_THEFTS, 1);
    }
    return got(m, gp, OP_RUNQSTEAL, pid, v, n | (stealRunNextG ? STEAL_NEXT_FLAG : 0));
}

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

// inject_stall (--stall D, to test the watchdog): T0 spins holding its P, once, for D.
static void inject_stall(struct mstate *m, int pid) {
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
static void inject_failure(struct mstate *m, int pid) {
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
        static _Atomic int wrote[2];
        done = true;
        uint64_t end = now_ns() + 2000000000u;
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

static void *worker(void *arg) {
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

// plant_dup (--inject dup; the monitor, world stopped): takes a G from the first P whose
// queue holds one and queues it twice in that P's ring, so the audit that follows in the
// same stop finds it in two places (dup-g) before any thread can meet a copy. Planted by a
// running thread instead, whichever check met a copy first would report it (a second take,
// a drain's count, a put-back by a non-holder, an audit after one copy parked), each a true
// report but a different one each run. False: no P holds a G now (try at the next stop).
static bool plant_dup(void) {
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

// ---- audit (world stopped) ---------------------------------------------------------------

// A G's place: its kind (enum gplace, the vocabulary the engine's ledger uses too), its P
// and its position (ring: from the head; global queue: from its head), packed in a word.
static uint32_t *loc_count;
static uint32_t *loc_first;
static bool audit_ok;
// This copy's port, for the walker (qwalk.h) the engine uses too.
static const struct qlayout qlayout = {
    RUNQ_CAP,          offsetof(p, runqhead), offsetof(p, runqtail),
    offsetof(p, runq), offsetof(p, runnext),  offsetof(g, schedlink)};

static uint32_t loc_pack(enum gplace kind, int pid, uint32_t idx) {
    return (uint32_t)kind | (uint32_t)(pid & 0xff) << 4 | idx << 12;
}

static void loc_describe(uint32_t l, char *buf, size_t len) {
    enum gplace kind = (enum gplace)(l & 15);
    int pid = (int)((l >> 4) & 0xff);
    uint32_t idx = l >> 12;
    switch (kind) {
    case GPLACE_RING:
        snprintf(buf, len, "P%d ring [head+%u]", pid, idx);
        break;
    case GPLACE_NEXT:
        snprintf(buf, len, "P%d runnext", pid);
        break;
    case GPLACE_GLOBAL:
        snprintf(buf, len, "global queue [%u]", idx);
        break;
    case GPLACE_PARKED:
        snprintf(buf, len, "parked on P%d", pid);
        break;
    default:
        snprintf(buf, len, "nowhere");
    }
}

static void mark(g *gp, enum gplace kind, int pid, uint32_t idx) {
    char a[64], b[256];
    uint32_t l = loc_pack(kind, pid, idx);
    uint32_t goid = goid_of(gp);
    if (goid == 0) {
        loc_describe(l, a, sizeof a);
        audit_ok = false;
        stress_fail(-1, INV_BAD_G, "audit: %s holds %p, which is not a G", a, (void *)gp);
        return;
    }
    if (loc_count[goid]++ == 0) {
        loc_first[goid] = l;
    } else {
        loc_describe(loc_first[goid], a, sizeof a);
        loc_describe(l, b, sizeof b);
        audit_ok = false;
        stress_fail(-1, INV_DUP_G, "audit: g%u is in two places: %s and %s", goid, a, b);
    }
    // The holder token of a G in a run queue says queued; of a parked G, parked.
    int want = gplace_queued(kind) ? TOK_QUEUED : TOK_PARKED;
    if (ledger_state(goid) != want) {
        loc_describe(l, a, sizeof a);
        ledger_describe(goid, b, sizeof b);
        audit_ok = false;
        stress_fail(-1, INV_AUDIT_TOKEN, "audit: g%u is in %s but its token says %s", goid, a, b);
    }
}

bool world_audit(void) {
#ifdef STRESS_UNCHECKED
    return true; // the world still stops (the loop's safe points are the same), unchecked
#endif
    audit_ok = true;
    memset(loc_count, 0, ((size_t)srun()->params.gs + 1) * sizeof *loc_count);
    for (int i = 0; i < srun()->params.procs; i++) {
        // Relaxed reads: the barrier's mutex (stw.c) orders them after every move.
        struct qview v = qview_of_port(&qlayout, &allp[i]);
        struct qwalk w = qwalk_p(&v);
        if (qview_len(&v) > (uint32_t)RUNQ_CAP) {
            audit_ok = false;
            stress_fail(-1, INV_AUDIT_COUNT, "audit: P%d head=%u tail=%u: length %u > capacity %d",
                        i, v.head, v.tail, qview_len(&v), RUNQ_CAP);
            qwalk_p_skip_ring(&w); // runnext is still walked
        }
        struct qitem it;
        while (qwalk_p_next(&w, &it)) {
            mark(guintptr_ptr(it.g), it.where, i, it.pos);
        }
        for (int k = 0; k < px[i].nparked; k++) {
            mark(px[i].parked[k], GPLACE_PARKED, i, 0);
        }
    }
    // At most gs + 1 Gs: one more than the population says the list has a cycle.
    uint32_t n = 0;
    g *last = NULL;
    struct qitem it;
    for (struct qwalk_list w =
             qwalk_list(&qlayout, sched.runq.head, (uint32_t)srun()->params.gs + 1);
         qwalk_list_next(&w, &it);) {
        g *gp = guintptr_ptr(it.g);
        mark(gp, GPLACE_GLOBAL, 0, n);
        if (goid_of(gp) == 0) {
            break; // its schedlink is not read
        }
        last = gp;
        n++;
    }
    if ((int64_t)n != GLOBAL_SIZE() || guintptr_of(last) != sched.runq.tail) {
        audit_ok = false;
        stress_fail(-1, INV_AUDIT_COUNT,
                    "audit: global queue: runqsize=%d but the list holds %u%s, tail %s",
                    (int)GLOBAL_SIZE(), n,
                    n > (uint32_t)srun()->params.gs ? " or more (cycle?)" : "",
                    guintptr_of(last) == sched.runq.tail ? "ok" : "does not match");
    }
    uint64_t total = 0;
    for (uint32_t goid = 1; goid <= (uint32_t)srun()->params.gs; goid++) {
        total += loc_count[goid];
        if (loc_count[goid] == 0) {
            char d[256];
            ledger_describe(goid, d, sizeof d);
            audit_ok = false;
            stress_fail(-1, INV_LOST_G, "audit: g%u is nowhere; it was last %s", goid, d);
        } else if (!ledger_payload_ok(goid)) {
            char d[256], a[64];
            ledger_describe(goid, d, sizeof d);
            loc_describe(loc_first[goid], a, sizeof a);
            audit_ok = false;
            stress_fail(-1, INV_PAYLOAD_MISMATCH, "audit: g%u in %s: payload does not match: %s",
                        goid, a, d);
        }
    }
    if (total != (uint64_t)srun()->params.gs) {
        audit_ok = false;
        stress_fail(-1, INV_AUDIT_COUNT, "audit: %llu G places counted, population is %d",
                    (unsigned long long)total, srun()->params.gs);
    }
    // Every P is owned by one thread, or idle on the pidle list (never both, never neither).
    int owners[STRESS_MAX_PROCS] = {0};
    for (int i = 0; i < srun()->nthreads; i++) {
        int pid = atomic_load(&srun()->m[i].pid);
        if (pid >= 0) {
            owners[pid]++;
        }
    }
    for (int k = 0; k < npidle; k++) {
        owners[pidle[k]]++;
    }
    for (int i = 0; i < srun()->params.procs; i++) {
        if (owners[i] != 1) {
            audit_ok = false;
            stress_fail(-1, INV_P_OWNER, "audit: P%d has %d owners (threads + idle list)", i,
                        owners[i]);
        }
    }
    return audit_ok;
}

// ---- dump (any time: relaxed reads only) -------------------------------------------------

static void dump_queues(FILE *f) {
    for (int i = 0; i < srun()->params.procs; i++) {
        p *pp = &allp[i];
        struct qview v = qview_of_port(&qlayout, pp); // relaxed: head, tail, runnext
        fprintf(f, "P%d: %s owner=T%d head=%u tail=%u len=%u runnext=g%u parked=%d ring=[", i,
                atomic_load_explicit(&pp->status, memory_order_relaxed) == _Prunning ? "running"
                                                                                     : "idle",
                atomic_load_explicit(&px[i].owner, memory_order_relaxed), v.head, v.tail,
                qview_len(&v), goid_of(guintptr_ptr(v.next)),
                atomic_load_explicit(&px[i].nparked_hint, memory_order_relaxed));
        uint32_t len = qview_len(&v) > (uint32_t)RUNQ_CAP ? (uint32_t)RUNQ_CAP : qview_len(&v);
        struct qitem it;
        for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it);) {
            if (it.where != GPLACE_RING || it.pos >= 64) {
                break; // runnext is on the line already; the first 64 of the ring
            }
            fprintf(f, "%sg%u", it.pos ? " " : "", goid_of(guintptr_ptr(it.g)));
        }
        fprintf(f, "%s]\n", len > 64 ? " ..." : "");
    }
    // The global queue needs sched.lock, and a thread that failed or is stuck may hold it
    // for good: try for a while, then read without it and say so.
    bool locked = try_lock_sched(200);
    if (locked) {
        fprintf(f, "global: runqsize=%d [", (int)GLOBAL_SIZE());
    } else {
        char who[32] = "a thread";
        unsigned long h = atomic_load_explicit(&sched.lock.holder, memory_order_relaxed);
        for (int i = 0; i < srun()->nthreads; i++) {
            if (h != 0 && h == (unsigned long)srun()->m[i].th) {
                snprintf(who, sizeof who, "T%d", i);
            }
        }
        LOCKLESS_READS_BEGIN();
        fprintf(f,
                "global (read WITHOUT sched.lock: %s has held it for over 200ms; may be "
                "inconsistent): runqsize=%d [",
                who, __atomic_load_n(&GLOBAL_SIZE_LVALUE, __ATOMIC_RELAXED));
    }
    // The first 64 Gs, up to a word that is no G (its schedlink is not read).
    uint32_t n = 0;
    struct qitem it;
    for (struct qwalk_list w =
             qwalk_list(&qlayout, __atomic_load_n(&sched.runq.head, __ATOMIC_RELAXED), 64);
         qwalk_list_next(&w, &it) && goid_of(guintptr_ptr(it.g)); n++) {
        fprintf(f, "%sg%u", n ? " " : "", goid_of(guintptr_ptr(it.g)));
    }
    fprintf(f, "%s]\n", n >= 64 ? " ..." : "");
    if (locked) {
        unlock_sched();
    } else {
        LOCKLESS_READS_END();
    }
}

static void extra(struct stress_stats_extra *x) {
    if (try_lock_sched(100)) {
        x->globq = GLOBAL_SIZE();
        unlock_sched();
    } else { // held by a failed or stuck thread: a racy peek, statistics only
        LOCKLESS_READS_BEGIN();
        x->globq = __atomic_load_n(&GLOBAL_SIZE_LVALUE, __ATOMIC_RELAXED);
        LOCKLESS_READS_END();
    }
    x->parked = 0;
    for (int i = 0; i < srun()->params.procs; i++) {
        x->parked += atomic_load_explicit(&px[i].nparked_hint, memory_order_relaxed);
    }
}

// ---- set-up ------------------------------------------------------------------------------

static int gcd(int a, int b) {
    return b ? gcd(b, a % b) : a;
}

static int setup(void) {
#ifdef STRESS_UNCHECKED
    const struct params *P = &srun()->params;
    if (P->record || P->inject || srun()->schedule) {
        fprintf(stderr,
                "%s: --record, --inject and --schedule need the checked program, "
                "runq-torture (this one is the benchmark's unchecked twin)\n",
                P->prog);
        exit(2);
    }
#endif
    size_t psz = ((sizeof(p) + 63) / 64) * 64;
    allp = aligned_alloc(64, psz * (size_t)srun()->params.procs);
    allg = calloc((size_t)srun()->params.gs, sizeof(g));
    px = calloc((size_t)srun()->params.procs, sizeof *px);
    pidle = calloc((size_t)srun()->params.procs, sizeof *pidle);
    loc_count = calloc((size_t)srun()->params.gs + 1, sizeof *loc_count);
    loc_first = calloc((size_t)srun()->params.gs + 1, sizeof *loc_first);
    if (!allp || !allg || !px || !pidle || !loc_count || !loc_first) {
        return -1;
    }
    runq_sched_init(srun()->params.procs);
#ifdef RUNQ_GO_MASTER
    allm = calloc((size_t)srun()->params.procs, sizeof *allm);
    allcurg = calloc((size_t)srun()->params.procs, sizeof *allcurg);
    if (!allm || !allcurg) {
        return -1;
    }
#endif
    for (int i = 0; i < srun()->params.procs; i++) {
        runq_p_init(&allp[i], i, srun()->params.start);
#ifdef RUNQ_GO_MASTER
        atomic_init(&allcurg[i].atomicstatus, _Grunning);
        atomic_init(&allm[i].curg, guintptr_of(&allcurg[i]));
        atomic_init(&allp[i].m, (muintptr)&allm[i]);
#endif
        px[i].parked = calloc((size_t)srun()->params.gs, sizeof(g *));
        px[i].scratch = calloc((size_t)srun()->params.gs, sizeof(uint32_t));
        if (!px[i].parked || !px[i].scratch) {
            return -1;
        }
        atomic_init(&px[i].owner, -1);
        px[i].last_owner = i;
    }
    // The whole population starts on the global queue, or with --schedule evenly parked
    // on the Ps (the ledger's initial tokens say which).
    lock_sched();
    for (int i = 0; i < srun()->params.gs; i++) {
        allg[i].goid = i + 1;
        if (srun()->schedule) {
            struct pextra *x = &px[i % srun()->params.procs];
            x->parked[x->nparked++] = &allg[i];
            atomic_store_explicit(&x->nparked_hint, x->nparked, memory_order_relaxed);
        } else {
            globrunqput(&allg[i]);
        }
    }
    unlock_sched();
    for (int ph = 0; ph < PHASE_N; ph++) {
        mix_total[ph] = 0;
        for (int i = 0; i < MIX_N; i++) {
            double w =
                (i == MIX_SYSCALL && !srun()->params.handoff) ? 0 : srun()->params.mix[ph][i];
            mix_total[ph] += (unsigned)(w * 1000 + 0.5);
            mix_cum[ph][i] = mix_total[ph];
        }
    }
    ncoprimes = 0;
    for (int c = 1; c <= srun()->params.procs; c++) {
        if (gcd(c, srun()->params.procs) == 1) {
            coprimes[ncoprimes++] = c;
        }
    }
    return 0;
}

static void teardown(void) {
    for (int i = 0; px && i < srun()->params.procs; i++) {
        free(px[i].parked);
        free(px[i].scratch);
    }
    free(allp);
    free(allg);
#ifdef RUNQ_GO_MASTER
    free(allm);
    free(allcurg);
#endif
    free(px);
    free(pidle);
    free(loc_count);
    free(loc_first);
}

// ---- --record: snapshots and names (record.c) ---------------------------------------------

// The global queue's Gs in order (at most max), by whoever holds sched.lock or with the
// world stopped.
static int rec_global(uint32_t *goids, int max) {
    int n = 0;
    for (g *gp = guintptr_ptr(sched.runq.head); gp && n < max; gp = guintptr_ptr(gp->schedlink)) {
        goids[n++] = goid_of(gp);
    }
    return n;
}

static void rec_snapshot(struct rec_snapshot *s) {
    s->procs = srun()->params.procs < REC_MAX_PROCS ? srun()->params.procs : REC_MAX_PROCS;
    s->cap = RUNQ_CAP;
    for (int i = 0; i < s->procs; i++) {
        p *pp = &allp[i];
        s->head[i] = atomic_load(&pp->runqhead);
        s->tail[i] = atomic_load(&pp->runqtail);
        s->next[i] = goid_of(guintptr_ptr(atomic_load(&pp->runnext)));
        for (int k = 0; k < RUNQ_CAP; k++) {
            s->slots[i][k] = goid_of(guintptr_ptr(atomic_load(&pp->runq[k])));
        }
    }
    s->nglob = rec_global(s->glob, srun()->params.gs);
}

static int rec_locate(const void *addr, int *pid, uint32_t *slot) {
    const char *a = addr, *base = (const char *)allp;
    size_t psz = sizeof(p); // allp[i]
    *pid = -1;
    *slot = 0;
    if (addr == (const void *)&sched.lock) {
        return REC_LOC_LOCK;
    }
    if (a < base || a >= base + psz * (size_t)srun()->params.procs) {
        return -1;
    }
    int i = (int)((size_t)(a - base) / psz);
    const p *pp = (const p *)(base + psz * (size_t)i);
    *pid = i;
    if (a == (const char *)&pp->runqhead) {
        return REC_LOC_HEAD;
    }
    if (a == (const char *)&pp->runqtail) {
        return REC_LOC_TAIL;
    }
    if (a == (const char *)&pp->runnext) {
        return REC_LOC_NEXT;
    }
    if (a >= (const char *)&pp->runq[0] && a < (const char *)&pp->runq[RUNQ_CAP]) {
        *slot = (uint32_t)(((const _Atomic(guintptr) *)(const void *)a) - pp->runq);
        return REC_LOC_SLOT;
    }
    return REC_LOC_STATUS;
}

static uint32_t rec_goid(uintptr_t v) {
    return goid_of(guintptr_ptr(v));
}

const struct stress_engine STRESS_ENGINE = {
    .capacity = RUNQ_CAP,
    .go = RUNQ_GO_VERSION,
    .setup = setup,
    .worker = worker,
#ifdef STRESS_HAVE_SCHEDULE
    .schedule_worker = rounds_worker,
#endif
    .audit = world_audit,
    .plant_dup = plant_dup,
    .dump_queues = dump_queues,
    .extra = extra,
    .teardown = teardown,
    .rec_snapshot = rec_snapshot,
    .rec_locate = rec_locate,
    .rec_goid = rec_goid,
    .rec_global = rec_global,
};
