// world_run.c - the engine's backend of the op interpreter (op_interp.h): each simulated
// thread runs its program, one schedule op at a time, against the port (through its
// adapter); each entry point is checked with the reference model when the op runs alone
// and with the interval checks of every "nothing" answer, and the op's frame is its trace
// rows.
#include "world_internal.h"

#include "chrome_trace.h"
#include "interleave.h"
#include "memmodel.h"
#include "op_interp.h"
#include "trace.h"

#include <stdio.h>
#include <string.h>

// One model snapshot per thread: ops of different threads interleave.
static model models[NP];
static model_list model_lists[NP];

static uint32_t ring_len_real(int pi) {
    return w_load_tail(pi) - w_load_head(pi);
}

// Appends text to buf (of n bytes, NUL-terminated at *off), truncating as snprintf does.
static void what_cat(char *buf, size_t n, size_t *off, const char *text) {
    while (*text && *off + 1 < n) {
        buf[(*off)++] = *text++;
    }
    buf[*off] = 0;
}

// The ops that name a target thread (argument kind 2 in SCHED_OP_LIST: steal, empty, ...).
static const bool op_has_target[SOP_COUNT] = {
#define OP_HAS_TARGET(id, name, args) (args) == 2,
    SCHED_OP_LIST(OP_HAS_TARGET)
#undef OP_HAS_TARGET
};

// The op's name for trace rows and failure messages: "get 3", "steal thief1", "syscall".
// Built by hand: snprintf at every op was a visible share of an input's cost.
static void op_what(char *buf, size_t n, const sched_op *op) {
    size_t off = 0;
    buf[0] = 0;
    if (op_has_target[op->kind]) {
        what_cat(buf, n, &off, sched_op_name(op->kind));
        what_cat(buf, n, &off, " ");
        what_cat(buf, n, &off, tn(op->target));
    } else if (op->n > 1 || op->kind == SOP_PUT || op->kind == SOP_GET) {
        char num[12];
        int k = (int)sizeof num - 1;
        unsigned v = op->n;
        num[k] = 0;
        do {
            num[--k] = (char)('0' + v % 10);
            v /= 10;
        } while (v > 0);
        what_cat(buf, n, &off, sched_op_name(op->kind));
        what_cat(buf, n, &off, " ");
        what_cat(buf, n, &off, num + k);
    } else {
        what_cat(buf, n, &off,
                 op->kind == SOP_RUNNING && op->target == SCHED_SYSCALL ? "syscall"
                                                                        : sched_op_name(op->kind));
    }
}

// One op of thread t in progress: what the hooks below share (on the thread's fiber stack).
struct eop {
    void *pp;
    model *M;
    model_list *ML;
    char what[48], result[128];
    int ng0, taken[256], ntaken; // Gs created from ng0; Gs this op got
    uint32_t tail0;              // Gs that land in this P's ring: [tail0, sh_tail)
    bool spilled, solo_check;
    bool say;        // a trace reads the result text (else it is not built)
    bool nothing;    // the op's answer was "nothing" (interleaving coverage)
    uint64_t first;  // the op's interval is (first, dsched_step()]
    uint64_t others; // other threads' steps when the op started
    int32_t model_ret, got_ret;
};

// The hooks called once per G are inlined into the interpreter's loops (callgrind: a call
// each cost ~1% of an input's instructions).
#define INLINE inline __attribute__((always_inline))

static inline void *gp_of(opi_g g) {
    return (void *)g;
}
// The model's name for a G the thread holds: G i's goid, i + 1 (init_g; the port never
// writes it). A load, where gidx divides (callgrind: 0.1% of an input's instructions).
static inline int32_t model_id(opi_g g) {
    return (int32_t)*w_goid(gp_of(g));
}

// ---- the op's frame --------------------------------------------------------------------------

static INLINE void e_begin(void *ctx, int t, const sched_op *op) {
    struct eop *e = ctx;
    op_what(e->what, sizeof e->what, op);
    dsched_op_begin(t, e->what);
    e->first = dsched_step();
}

static INLINE uint32_t e_runq_len(void *ctx, int t) {
    (void)ctx;
    return ring_len_real(t);
}

// Go's preconditions (op_rules.h, shared with runq-torture): skipped, not reported.
static INLINE void e_skipped(void *ctx, int t, const sched_op *op, enum op_skip why) {
    (void)ctx, (void)op;
    dsched_op_skipped();
    dsched_op_end(t, op_skip_reason(why));
}

static INLINE void e_start(void *ctx, int t, const sched_op *op) {
    struct eop *e = ctx;
    if (op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT || op->kind == SOP_GLOBGET) {
        // Go steals, and puts a global batch on its ring, only after runqget found the own
        // queue empty: its load-acquire of runqhead, which the precondition stands for.
        // Without it a weak run lets the owner read a head older than a thief's steal,
        // see its ring fuller than it is, and leave part of the batch in hand (a throw
        // Go cannot reach: fuzz_runq_sched found it from an empty corpus, see
        // corpus/fuzz_runq_sched/regress-globget-stale-head).
        mm_acquire_latest(t, w_head(t));
    }
    interleave_op(t, op->kind);
    if (e->solo_check) {
        model_from_shadow(e->M);
    }
    e->others = dsched_others_steps(t);
}

static INLINE void e_end(void *ctx, int t, const sched_op *op) {
    struct eop *e = ctx;
    if (e->say) {
        describe_result(t, op, e->result, sizeof e->result, e->ng0, e->taken, e->ntaken, e->tail0,
                        e->got_ret, e->spilled);
    }
    hand_must_be_empty(t, e->what);
    // Checked on the model only if no other thread stepped during the op (and the model
    // was kept up to date all along: a part-way interleaving turns solo_check off).
    bool alone = dsched_others_steps(t) == e->others;
    interleave_op_end(t, op->kind, e->nothing, alone);
    if (e->solo_check && alone) {
        if (e->got_ret != e->model_ret) {
            dsched_fail(INV_MODEL_MISMATCH, "%s's %s (alone) returned G%d; the model returns G%d",
                        tn(t), e->what, e->got_ret, e->model_ret);
        }
        compare_with_model(t, e->M, e->what);
    }
    dsched_op_end(t, e->result);
}

// ---- Gs ----------------------------------------------------------------------------------

static INLINE bool e_fresh(void *ctx, int t, opi_g *g) {
    (void)ctx;
    int i = new_g(t);
    *g = i < 0 ? 0 : (opi_g)w_g(i);
    return true;
}

static INLINE bool e_finish(void *ctx, int t, opi_g g, enum op_call from) {
    (void)ctx;
    consume(t, gp_of(g), op_call_name(from));
    return true;
}

static INLINE bool e_resume(void *ctx, int t, opi_g g) {
    (void)ctx;
    must_hold(t, gidx(gp_of(g)), "runqget");
    take_payload(gp_of(g), t);
    return true;
}

// ---- the port's entry points, each with its model twin and interval checks ------------------

static INLINE bool e_runq_put(void *ctx, int t, opi_g g, bool next) {
    struct eop *e = ctx;
    ws.port.runq_put(e->pp, gp_of(g), next);
    if (e->solo_check) { // without sysmon (master) next is ignored
        model_runqput(e->M, t, model_id(g), next && !(ws.S->flags & SFLAG_NOSYSMON));
    }
    return true;
}

static INLINE bool e_runq_get(void *ctx, int t, opi_g *g) {
    struct eop *e = ctx;
    bool inh = false, minh = false;
    void *gp = ws.port.runq_get(e->pp, &inh);
    if (gp == NULL) {
        spurious_empty_check(t, "runqget", e->first);
        e->nothing = true;
    }
    e->solo_check = e->solo_check && dsched_others_steps(t) == e->others;
    if (e->solo_check) {
        int32_t want = model_runqget(e->M, t, &minh);
        if (want != (gp ? gidx(gp) + 1 : 0) || (gp && inh != minh)) {
            char b[96];
            dsched_fail(INV_MODEL_MISMATCH,
                        "%s's runqget returned %s (inheritTime %d); "
                        "alone, the model returns G%d (%d)",
                        tn(t), gdesc(gidx(gp), b, sizeof b), inh, want, minh);
        }
    }
    if (gp != NULL) {
        e->taken[e->ntaken++] = gidx(gp);
    }
    *g = (opi_g)gp;
    return true;
}

static INLINE bool e_runq_putbatch(void *ctx, int t, int n) {
    struct eop *e = ctx;
    struct port_gqueue q = {0};
    int made = 0;
    e->ML->n = 0;
    for (int k = 0; k < n; k++) {
        int i = new_g(t);
        if (i < 0) {
            break;
        }
        ws.port.gqueue_push_back(&q, w_g(i));
        e->ML->g[e->ML->n++] = i + 1;
        made++;
    }
    bool spill = ring_len_real(t) + (uint32_t)made > (uint32_t)ws.port.cap;
    bool emptied = ws.port.putbatch(t, e->pp, &q, made);
    if (spill) {
        dsched_event(DEV_SPILL);
        e->spilled = true;
    }
    if (!emptied) {
        dsched_fail(INV_LOST_G, "runqputbatch left Gs on %s's batch queue", tn(t));
    }
    if (e->solo_check) {
        model_runqputbatch(e->M, t, e->ML);
    }
    return true;
}

static INLINE bool e_runq_drain(void *ctx, int t) {
    struct eop *e = ctx;
    uint32_t n = 0;
    struct port_gqueue q = ws.port.drain(e->pp, &n);
    if (ws.lin_on && !shadow_empty(t)) {
        // Only the owner adds to its ring and runnext, so during the drain they only
        // shrank: what is there now was there all along, since the drain's last commit.
        char b[96];
        dsched_fail(INV_DRAIN_LEFT_GS,
                    "%s's runqdrain (steps %llu-%llu) returned %u Gs, but its P%d still "
                    "holds %u in its ring and runnext %s: they were never drained",
                    tn(t), (unsigned long long)e->first, (unsigned long long)dsched_step(), n, t,
                    ws.sh_tail[t] - ws.sh_head[t], gdesc(ws.sh_next[t], b, sizeof b));
    }
    uint32_t walked = 0;
    for (const void *gp = (const void *)q.head; gp != NULL && walked <= (uint32_t)MAXG;
         gp = (const void *)w_schedlink(gp)) {
        if (walked < 256) {
            e->taken[e->ntaken++] = gidx(gp);
        }
        walked++;
    }
    if (walked != n) {
        dsched_fail(INV_DRAIN_COUNT, "runqdrain by %s says %u Gs but its queue links %u", tn(t), n,
                    walked);
    }
    if (n > 0) {
        ws.port.lock();
        ws.port.globputbatch(&q, n);
        ws.port.unlock();
    }
    if (e->solo_check) {
        model_runqdrain(e->M, t, e->ML);
        model_globrunqputbatch(e->M, e->ML);
    }
    e->nothing = n == 0;
    return true;
}

static INLINE bool e_lock(void *ctx, int t) {
    (void)ctx, (void)t;
    ws.port.lock();
    return true;
}

static INLINE bool e_unlock(void *ctx, int t) {
    (void)ctx, (void)t;
    ws.port.unlock();
    return true;
}

static INLINE bool e_glob_put(void *ctx, int t, opi_g g, bool head) {
    struct eop *e = ctx;
    (void)t;
    int32_t id = model_id(g);
    if (!head) {
        ws.port.globput(gp_of(g));
        if (e->solo_check) {
            model_globrunqput(e->M, id);
        }
    } else {
        ws.port.globputhead(gp_of(g));
        if (e->solo_check) {
            model_globrunqputhead(e->M, id);
        }
    }
    return true;
}

static INLINE bool e_glob_get(void *ctx, int t, int32_t max, opi_g *g) {
    struct eop *e = ctx;
    // The shadow was reconciled when sched.lock was last released: what it says when the
    // call takes the lock (w_lock_event) is the global queue the call sees.
    ws.glen_at_lock[t] = 0;
    void *gp = ws.port.globget(t, e->pp, max);
    int glen = ws.glen_at_lock[t];
    if (ws.lin_on && gp == NULL && glen != 0) {
        dsched_fail(INV_SPURIOUS_EMPTY_GLOBGET,
                    "%s's globrunqget (steps %llu-%llu) returned nil, but the global "
                    "queue held %d Gs when it took sched.lock (%d when it let go)",
                    tn(t), (unsigned long long)e->first, (unsigned long long)dsched_step(), glen,
                    ws.sh_glen);
    }
    e->got_ret = gp ? gidx(gp) + 1 : 0;
    e->nothing = gp == NULL;
    if (e->solo_check) {
        e->model_ret = model_globrunqget(e->M, t, max);
    }
    if (gp) {
        dsched_event(DEV_GLOBGET);
    }
    *g = (opi_g)gp;
    return true;
}

static INLINE bool e_runq_steal(void *ctx, int t, int victim, bool next, opi_g *g) {
    struct eop *e = ctx;
    uint32_t before = ring_len_real(t);
    lin_begin_steal(t, victim);
    void *gp = ws.port.runq_steal(e->pp, w_p(victim), next);
    ws.lin[t].victim = -1;
    if (ws.lin_on && gp == NULL && !(next ? ws.lin[t].then_next_nil : ws.lin[t].ring_empty)) {
        char seen[48] = "";
        if (!ws.lin[t].ring_empty) {
            snprintf(seen, sizeof seen, " (at least %u Gs)", ws.lin[t].min_len);
        }
        // runqgrab answers nothing only after it saw h == t (the ring empty at its tail
        // load) and, with stealRunNextG, then read runnext as nil.
        dsched_fail(INV_SPURIOUS_EMPTY_STEAL,
                    "%s's %s of P%d (steps %llu-%llu) took nothing, but %s%s", tn(t),
                    next ? "runqsteal(stealRunNextG)" : "runqsteal", victim,
                    (unsigned long long)ws.lin[t].first, (unsigned long long)dsched_step(),
                    ws.lin[t].ring_empty ? "after its ring was empty, its runnext was never nil"
                                         : "its ring was never empty during it",
                    seen);
    }
    e->got_ret = gp ? gidx(gp) + 1 : 0;
    e->nothing = gp == NULL;
    e->solo_check = e->solo_check && dsched_others_steps(t) == e->others;
    if (e->solo_check) {
        uint32_t want_n = model_grab_count(e->M, victim, next);
        uint32_t got_n = gp ? 1 + ring_len_real(t) - before : 0;
        if (got_n != want_n) {
            dsched_fail(INV_WRONG_STEAL_COUNT,
                        "%s stole %u Gs from P%d running alone; the model "
                        "steals %u (half, rounded up)",
                        tn(t), got_n, victim, want_n);
        }
        e->model_ret = model_runqsteal(e->M, t, victim, next);
    }
    *g = (opi_g)gp;
    return true;
}

static INLINE bool e_runq_empty(void *ctx, int t, int v) {
    struct eop *e = ctx;
    ws.empty_victim[t] = v;
    ws.empty_seen[t] = shadow_empty(v);
    bool got = ws.port.runq_empty(w_p(v));
    ws.empty_victim[t] = -1;
    if (got) {
        dsched_event(DEV_EMPTY_TRUE);
        if (!ws.empty_seen[t]) {
            dsched_fail(INV_EMPTY_LIED,
                        "runqempty(P%d) by %s returned true, but P%d was never "
                        "empty during the call",
                        v, tn(t), v);
        }
    }
    if (e->solo_check && dsched_others_steps(t) == e->others) {
        bool want = model_runqempty(e->M, v);
        if (got != want) {
            dsched_fail(INV_MODEL_MISMATCH,
                        "runqempty(P%d) by %s, alone, returned %d; the "
                        "model says %d",
                        v, tn(t), got, want);
        }
    }
    if (e->say) {
        snprintf(e->result, sizeof e->result, "runqempty(P%d) = %s", v, got ? "true" : "false");
    }
    e->nothing = got;
    return true;
}

static INLINE bool e_set_status(void *ctx, int t, const sched_op *op) {
    (void)ctx;
    ws.port.set_status(t, op);
    return true;
}

// A compile-time constant: op_interp is inlined into run_op and calls these directly.
static const struct op_backend engine_backend = {
    .begin = e_begin, .skipped = e_skipped, .start = e_start, .end = e_end, OP_BACKEND_HOOKS(e_)};

static void run_op(int t, const sched_op *op) {
    struct eop e;
    e.pp = w_p(t);
    e.M = &models[t];
    e.ML = &model_lists[t];
    e.result[0] = 0;
    e.ng0 = ws.ng;
    e.ntaken = 0;
    e.tail0 = ws.sh_tail[t];
    e.spilled = false;
    e.solo_check = !(ws.S->flags & SFLAG_RANDOMIZE);
    e.say = trace_on() || ctrace_on();
    e.nothing = false;
    e.first = e.others = 0;
    e.model_ret = e.got_ret = -1;
    op_interp(&engine_backend, &e, t, op, (uint32_t)ws.port.cap);
}

void w_thread_body(int t) {
    const schedule *S = ws.S;
    if (t == 0 && S->prefill > 0) {
        sched_op pre = {SOP_PUT, 0, S->prefill};
        run_op(t, &pre);
    }
    if (S->longp) { // a long in-memory program (initial.h)
        for (uint32_t k = 0; k < S->longp->nops[t]; k++) {
            run_op(t, &S->longp->ops[t][k]);
        }
        return;
    }
    for (int k = 0; k < S->nops[t]; k++) {
        run_op(t, &S->ops[t][k]);
    }
}
