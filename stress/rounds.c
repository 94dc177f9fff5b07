// rounds.c - --schedule: a fuzz schedule's thread programs on real threads (one copy per
// capacity, with world_*.c).
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

#include "op_interp.h"
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

// ---- the interpreter's backend (op_interp.h): ctx is the thread's struct mstate ----------
// Each hook returns false after a failure was reported: by this thread, or (where the
// answer was "nothing", which a failure also returns) by any thread.

static uint32_t s_runq_len(void *ctx, int t) {
    (void)ctx;
    return ring_len(&allp[t]);
}

static bool s_fresh(void *ctx, int t, opi_g *out) {
    *out = fresh_g(ctx, t);
    return *out != 0 || !stress_failed();
}

static bool s_finish(void *ctx, int t, opi_g goid, enum op_call from) {
    (void)from;
    ctr_add(ctx, CTR_RUNS, 1);
    return finish_g(ctx, t, (uint32_t)goid);
}

static bool s_resume(void *ctx, int t, opi_g goid) {
    (void)t, (void)goid;
    ctr_add(ctx, CTR_RUNS, 1);
    return true;
}

static bool s_runq_put(void *ctx, int t, opi_g goid, bool next) {
    return put_g(ctx, t, (uint32_t)goid, next);
}

static bool s_runq_get(void *ctx, int t, opi_g *out) {
    struct mstate *m = ctx;
    bool inh = false;
    set_doing(m, OP_RUNQGET, t, 0, 0);
    g *gp = runqget(&allp[t], &inh);
    ctr_add(m, CTR_QOPS, 1);
    if (gp == NULL) {
        oplog_add(m, OP_RUNQGET, t, 0, 0, 0);
        *out = 0;
        return true;
    }
    ctr_add(m, CTR_GETS, 1);
    *out = got(m, gp, OP_RUNQGET, t, inh, 0);
    return *out != 0;
}

static bool s_runq_putbatch(void *ctx, int t, int n) {
    return op_batch(ctx, t, n);
}

static bool s_runq_drain(void *ctx, int t) {
    return op_drain(ctx, t);
}

static bool s_lock(void *ctx, int t) {
    (void)ctx, (void)t;
    lock_sched();
    return true;
}

static bool s_unlock(void *ctx, int t) {
    (void)ctx, (void)t;
    unlock_sched();
    return !stress_failed();
}

static bool s_glob_put(void *ctx, int t, opi_g gref, bool head) {
    struct mstate *m = ctx;
    uint32_t goid = (uint32_t)gref;
    if (!ledger_release(m, goid, TOK_QUEUED, OP_GLOBRUNQPUT, t)) {
        return false;
    }
    set_doing(m, OP_GLOBRUNQPUT, t, 0, goid);
    if (head) {
        globrunqputhead(&allg[goid - 1]);
    } else {
        globrunqput(&allg[goid - 1]);
    }
    ctr_add(m, CTR_QOPS, 1);
    oplog_add(m, OP_GLOBRUNQPUT, t, head, goid, 0);
    return true;
}

static bool s_glob_get(void *ctx, int t, int32_t max, opi_g *out) {
    *out = globget(ctx, t, max);
    return *out != 0 || !stress_failed();
}

static bool s_runq_steal(void *ctx, int t, int victim, bool stealRunNextG, opi_g *out) {
    *out = steal_from(ctx, t, victim, stealRunNextG);
    return *out != 0 || !stress_failed();
}

static bool s_runq_empty(void *ctx, int t, int victim) {
    set_doing(ctx, OP_NONE, t, victim, 0);
    (void)runqempty(&allp[victim]); // on real threads nothing says what it should be
    ctr_add(ctx, CTR_QOPS, 1);
    return true;
}

static bool s_set_status(void *ctx, int t, const sched_op *op) {
    (void)ctx;
    atomic_store_explicit(&allp[t].status, op->kind == SOP_IDLE ? _Pidle : _Prunning,
                          memory_order_relaxed);
    return true;
}

static const struct op_backend stress_backend = {OP_BACKEND_HOOKS(s_)};

// Thread t runs op; false once it must stop (a failure was reported).
static bool sched_exec(struct mstate *m, int t, const sched_op *op) {
    return op_interp(&stress_backend, m, t, op, RUNQ_CAP);
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
            sched_op prefill = {SOP_PUT, 0, S->prefill}; // the owner, alone
            ok = sched_exec(m, 0, &prefill);
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
