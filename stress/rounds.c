// rounds.c - --schedule: a fuzz schedule's thread programs on real threads (one copy per
// capacity, with world.c).
//
// Thread t owns P t and runs program t of the schedule once per round, with random delays
// between ops (the timing perturbation); rounds are separated by barriers, so a race can
// only be found within a round. The schedule's decisions are ignored: the hardware
// interleaves. "Fresh" Gs come from the P's parked pool; a G that has "run" (get, steal,
// globget) goes back to its thread's pool. After each round every P is emptied into its
// pool, thread 0 empties the global queue, evens out the pools and, every
// --audit-interval, audits the (quiet) world.
#include "torture.h"

#include <sched.h>

#include "op_rules.h"
#include "schedule.h"

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq.h

static uint32_t fresh_g(struct mstate *m, int pid) {
    struct pextra *x = &px[pid];
    if (x->nparked == 0) {
        return 0;
    }
    uint32_t goid = pop_parked(m, x);
    if (!ledger_take(m, goid, TOK_PARKED, OP_WAKE, pid)) {
        return 0;
    }
    oplog_add(m, OP_WAKE, pid, 1, goid, 0);
    return goid;
}

// finish_g: goid has run to completion; back to pid's pool.
static bool finish_g(struct mstate *m, int pid, uint32_t goid) {
    struct pextra *x = &px[pid];
    if (!ledger_release(m, goid, TOK_PARKED, OP_PARK, pid)) {
        return false;
    }
    x->parked[x->nparked++] = &allg[goid - 1];
    atomic_store_explicit(&x->nparked_hint, x->nparked, memory_order_relaxed);
    oplog_add(m, OP_PARK, pid, 0, goid, 0);
    return true;
}

static void perturb(struct mstate *m) {
    uint32_t r = rng_n(m, 64);
    if (r == 0) {
        sched_yield();
    } else if (r < 32) {
        for (volatile uint32_t i = rng_n(m, 2048); i > 0; i--) {
        }
    }
}

static bool sched_exec(struct mstate *m, int t, const sched_op *op) {
    p *pp = &allp[t];
    struct pextra *x = &px[t];
    switch (op->kind) {
    case SOP_PUT:
    case SOP_PUTNEXT:
        for (int k = 0; k < op->n; k++) {
            uint32_t goid = fresh_g(m, t);
            if (goid == 0) {
                return !stress_failed();
            }
            if (!put_g(m, t, goid, op->kind == SOP_PUTNEXT)) {
                return false;
            }
        }
        return true;
    case SOP_GET:
    case SOP_YIELD:
        for (int k = 0; k < op->n; k++) {
            bool inh = false;
            set_doing(m, OP_RUNQGET, t, 0, 0);
            g *gp = runqget(pp, &inh);
            ctr_add(m, CTR_QOPS, 1);
            if (gp == NULL) {
                oplog_add(m, OP_RUNQGET, t, 0, 0, 0);
                return true;
            }
            ctr_add(m, CTR_GETS, 1);
            uint32_t goid = got(m, gp, OP_RUNQGET, t, inh, 0);
            if (goid == 0) {
                return false;
            }
            ctr_add(m, CTR_RUNS, 1);
            if (!(op->kind == SOP_GET ? finish_g(m, t, goid) : put_g(m, t, goid, false))) {
                return false;
            }
        }
        return true;
    case SOP_PUTBATCH:
        return op_batch(m, t, op->n);
    case SOP_DRAIN:
        return op_drain(m, t);
    case SOP_GLOBPUT:
    case SOP_GLOBPUTHEAD: {
        int n = op->kind == SOP_GLOBPUT ? op->n : 1, k = 0;
        for (; k < n; k++) {
            uint32_t goid = fresh_g(m, t);
            if (goid == 0) {
                break;
            }
            if (!ledger_release(m, goid, TOK_QUEUED, OP_GLOBRUNQPUT, t)) {
                return false;
            }
            x->scratch[k] = goid;
        }
        set_doing(m, OP_GLOBRUNQPUT, t, 0, k ? x->scratch[0] : 0);
        lock_sched();
        for (int i = 0; i < k; i++) {
            if (op->kind == SOP_GLOBPUT) {
                globrunqput(&allg[x->scratch[i] - 1]);
            } else {
                globrunqputhead(&allg[x->scratch[i] - 1]);
            }
        }
        unlock_sched();
        ctr_add(m, CTR_QOPS, (uint64_t)k);
        for (int i = 0; i < k; i++) {
            oplog_add(m, OP_GLOBRUNQPUT, t, op->kind == SOP_GLOBPUTHEAD, x->scratch[i], 0);
        }
        return !stress_failed();
    }
    case SOP_GLOBGET: {
        if (op_precondition(op, ring_len(pp), RUNQ_CAP) != OP_RUNS) {
            return true; // Go's precondition (op_rules.h, as the engine): the puts must fit
        }
        uint32_t goid = globget(m, t, op->n - 1);
        if (goid) {
            ctr_add(m, CTR_RUNS, 1);
            return finish_g(m, t, goid);
        }
        return !stress_failed();
    }
    case SOP_STEAL:
    case SOP_STEALNEXT: {
        if (op_precondition(op, ring_len(pp), RUNQ_CAP) != OP_RUNS) {
            return true; // Go's precondition (op_rules.h): steal only into an empty ring
        }
        uint32_t goid = steal_from(m, t, op->target, op->kind == SOP_STEALNEXT);
        if (goid) {
            ctr_add(m, CTR_RUNS, 1);
            return finish_g(m, t, goid);
        }
        return !stress_failed();
    }
    case SOP_EMPTY:
        set_doing(m, OP_NONE, t, op->target, 0);
        (void)runqempty(&allp[op->target]); // on real threads nothing says what it should be
        ctr_add(m, CTR_QOPS, 1);
        return true;
    case SOP_IDLE:
    case SOP_RUNNING:
        atomic_store_explicit(&pp->status, op->kind == SOP_IDLE ? _Pidle : _Prunning,
                              memory_order_relaxed);
        return true;
    default:
        return true;
    }
}

// empty_own_p: after a round, every G on pid's queues goes back to its pool.
static bool empty_own_p(struct mstate *m, int pid) {
    for (;;) {
        set_doing(m, OP_RUNQGET, pid, 0, 0);
        g *gp = runqget(&allp[pid], NULL);
        ctr_add(m, CTR_QOPS, 1);
        if (gp == NULL) {
            return true;
        }
        uint32_t goid = got(m, gp, OP_RUNQGET, pid, 0, 0);
        if (goid == 0 || !finish_g(m, pid, goid)) {
            return false;
        }
    }
}

// tidy_world (thread 0, everyone else at the barrier): empty the global queue, even out
// the pools.
static bool tidy_world(struct mstate *m) {
    for (;;) {
        uint32_t goid = globget(m, 0, 0);
        if (goid == 0) {
            break;
        }
        if (!finish_g(m, 0, goid) || !empty_own_p(m, 0)) {
            return false;
        }
    }
    if (stress_failed()) {
        return false;
    }
    int n = srun()->params.procs, total = 0;
    for (int i = 0; i < n; i++) {
        total += px[i].nparked;
    }
    // Moving a parked G between pools is not a transfer: no one holds it either way.
    for (int i = 0, j = 0; i < n; i++) {
        int want = total / n + (i < total % n);
        while (px[i].nparked > want) {
            while (px[j].nparked >= total / n + (j < total % n)) {
                j++;
            }
            px[j].parked[px[j].nparked++] = px[i].parked[--px[i].nparked];
        }
    }
    for (int i = 0; i < n; i++) {
        atomic_store_explicit(&px[i].nparked_hint, px[i].nparked, memory_order_relaxed);
    }
    return true;
}

void *rounds_worker(void *arg) {
    struct mstate *m = arg;
    self_m = m;
    const schedule *S = (const schedule *)srun()->schedule;
    int t = m->id;
    own_p(m, t);
    m->now_ms = now_coarse_ms();
    uint64_t next_audit_ms = (uint64_t)(srun()->params.audit_interval * 1000);
    bool ok = true;
    while (ok) {
        if (round_barrier(m)) { // A: start of a round
            break;
        }
        if (t == 0) {
            for (int k = 0; ok && k < S->prefill; k++) { // the owner, alone
                uint32_t goid = fresh_g(m, 0);
                ok = goid ? put_g(m, 0, goid, false) : !stress_failed();
            }
        }
        if (!ok || round_barrier(m)) { // B: everyone starts together
            break;
        }
        for (int i = 0; ok && i < S->nops[t]; i++) {
            tick(m);
            perturb(m);
            ok = sched_exec(m, t, &S->ops[t][i]);
        }
        atomic_store_explicit(&allp[t].status, _Prunning, memory_order_relaxed);
        if (!ok || round_barrier(m)) { // C: the round is over
            break;
        }
        ok = empty_own_p(m, t);
        if (!ok || round_barrier(m)) { // D: only the global queue holds Gs now
            break;
        }
        if (t == 0) {
            ok = tidy_world(m);
            m->now_ms = now_coarse_ms();
            if (ok && srun()->params.audit_interval > 0 && m->now_ms >= next_audit_ms) {
                ok = world_audit();
                if (ok) {
                    atomic_fetch_add(&srun()->audits, 1);
                }
                next_audit_ms = m->now_ms + (uint64_t)(srun()->params.audit_interval * 1000);
            }
        }
        ctr_add(m, CTR_ROUNDS, 1);
        tick(m);
    }
    round_barrier_abort(); // a failed thread must not leave the others waiting
    stw_thread_exit(m);
    return NULL;
}
