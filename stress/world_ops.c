// world_ops.c - the ops on the port, each checked: runqput, ready, runqputbatch, the GC's
// drain, and the takes (runqget's result, globrunqget, runqsteal). Called by the scheduler
// loop (world_loop.c) and the --schedule rounds (rounds.c), by the thread that owns the P.
// On master each op does what master's callers do.
#include "record.h"
#include "torture.h"

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

// checked_goid: a G the port handed out must be one of ours.
uint32_t checked_goid(struct mstate *m, g *gp, int op, int pid) {
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
bool op_ready(struct mstate *m, int pid) {
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

// ---- taking Gs -------------------------------------------------------------------------

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
