// world_run.c - the op interpreter: each simulated thread runs its program, one schedule
// op at a time, against the port (through its adapter), with Go's preconditions, the
// reference model when it runs alone, and the interval checks of every "nothing" answer.
#include "world_internal.h"

#include "chrome_trace.h"
#include "interleave.h"
#include "memmodel.h"
#include "op_rules.h"
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

// The op's name for trace rows and failure messages: "get 3", "steal thief1", "syscall".
// Built by hand: snprintf at every op was a visible share of an input's cost.
static void op_what(char *buf, size_t n, const sched_op *op) {
    size_t off = 0;
    buf[0] = 0;
    if (op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT || op->kind == SOP_EMPTY) {
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

static void run_op(int t, const sched_op *op) {
    void *pp = w_p(t);
    model *M = &models[t];
    model_list *ML = &model_lists[t];
    char what[48], result[128] = "";
    int ng0 = ws.ng, taken[256], ntaken = 0; // Gs created from ng0; Gs this op got
    uint32_t tail0 = ws.sh_tail[t];          // Gs that land in this P's ring: [tail0, sh_tail)
    bool spilled = false;
    bool solo_check = !(ws.S->flags & SFLAG_RANDOMIZE);
    // The result text is read only by the traces (the end-of-op row): not built without one.
    bool say = trace_on() || ctrace_on();
    op_what(what, sizeof what, op);
    dsched_op_begin(t, what);
    uint64_t first = dsched_step(); // the op's interval is (first, dsched_step()]
    bool nothing = false;           // the op's answer was "nothing" (interleaving coverage)
    // Go's preconditions (op_rules.h, shared with runq-torture): skipped, not reported.
    int cap = ws.port.cap;
    enum op_skip skip = op_precondition(op, ring_len_real(t), (uint32_t)cap);
    if (skip != OP_RUNS) {
        dsched_op_skipped();
        dsched_op_end(t, op_skip_reason(skip));
        return;
    }
    if (op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT) {
        // Go steals only after runqget found the own queue empty: its load-acquire of
        // runqhead, which the precondition above stands for.
        mm_acquire_latest(t, w_head(t));
    }
    interleave_op(t, op->kind);
    if (solo_check) {
        model_from_shadow(M);
    }
    uint64_t others = dsched_others_steps(t);
    int32_t model_ret = -1, got_ret = -1;
    bool model_bool = false, got_bool = false;
    switch (op->kind) {
    case SOP_PUT:
    case SOP_PUTNEXT:
        for (int k = 0; k < op->n; k++) {
            int i = new_g(t);
            if (i < 0) {
                break;
            }
            ws.port.runq_put(pp, w_g(i), op->kind == SOP_PUTNEXT);
            if (solo_check) { // without sysmon (master) next is ignored
                model_runqput(M, t, i + 1,
                              op->kind == SOP_PUTNEXT && !(ws.S->flags & SFLAG_NOSYSMON));
            }
        }
        break;
    case SOP_GET:
    case SOP_YIELD:
        for (int k = 0; k < op->n; k++) {
            bool inh = false, minh = false;
            void *gp = ws.port.runq_get(pp, &inh);
            if (gp == NULL) {
                spurious_empty_check(t, "runqget", first);
                nothing = true;
            }
            solo_check = solo_check && dsched_others_steps(t) == others;
            if (solo_check) {
                int32_t want = model_runqget(M, t, &minh);
                if (want != (gp ? gidx(gp) + 1 : 0) || (gp && inh != minh)) {
                    char b[96];
                    dsched_fail(INV_MODEL_MISMATCH,
                                "%s's runqget returned %s (inheritTime %d); "
                                "alone, the model returns G%d (%d)",
                                tn(t), gdesc(gidx(gp), b, sizeof b), inh, want, minh);
                }
            }
            if (gp == NULL) {
                break;
            }
            taken[ntaken++] = gidx(gp);
            if (op->kind == SOP_GET) {
                consume(t, gp, "runqget");
            } else {
                must_hold(t, gidx(gp), "runqget");
                take_payload(gp, t);
                ws.port.runq_put(pp, gp, false);
                if (solo_check) {
                    model_runqput(M, t, gidx(gp) + 1, false);
                }
            }
        }
        break;
    case SOP_PUTBATCH: {
        struct port_gqueue q = {0};
        int n = 0;
        ML->n = 0;
        for (int k = 0; k < op->n; k++) {
            int i = new_g(t);
            if (i < 0) {
                break;
            }
            ws.port.gqueue_push_back(&q, w_g(i));
            ML->g[ML->n++] = i + 1;
            n++;
        }
        bool spill = ring_len_real(t) + (uint32_t)n > (uint32_t)cap;
        bool emptied = ws.port.putbatch(t, pp, &q, n);
        if (spill) {
            dsched_event(DEV_SPILL);
            spilled = true;
        }
        if (!emptied) {
            dsched_fail(INV_LOST_G, "runqputbatch left Gs on %s's batch queue", tn(t));
        }
        if (solo_check) {
            model_runqputbatch(M, t, ML);
        }
        break;
    }
    case SOP_DRAIN: {
        uint32_t n = 0;
        struct port_gqueue q = ws.port.drain(pp, &n);
        if (ws.lin_on && !shadow_empty(t)) {
            // Only the owner adds to its ring and runnext, so during the drain they only
            // shrank: what is there now was there all along, since the drain's last commit.
            char b[96];
            dsched_fail(INV_DRAIN_LEFT_GS,
                        "%s's runqdrain (steps %llu-%llu) returned %u Gs, but its P%d still "
                        "holds %u in its ring and runnext %s: they were never drained",
                        tn(t), (unsigned long long)first, (unsigned long long)dsched_step(), n, t,
                        ws.sh_tail[t] - ws.sh_head[t], gdesc(ws.sh_next[t], b, sizeof b));
        }
        uint32_t walked = 0;
        for (const void *gp = (const void *)q.head; gp != NULL && walked <= (uint32_t)MAXG;
             gp = (const void *)w_schedlink(gp)) {
            if (walked < 256) {
                taken[ntaken++] = gidx(gp);
            }
            walked++;
        }
        if (walked != n) {
            dsched_fail(INV_DRAIN_COUNT, "runqdrain by %s says %u Gs but its queue links %u", tn(t),
                        n, walked);
        }
        if (n > 0) {
            ws.port.lock();
            ws.port.globputbatch(&q, n);
            ws.port.unlock();
        }
        if (solo_check) {
            model_runqdrain(M, t, ML);
            model_globrunqputbatch(M, ML);
        }
        nothing = n == 0;
        break;
    }
    case SOP_GLOBPUT:
    case SOP_GLOBPUTHEAD: {
        ws.port.lock();
        int n = op->kind == SOP_GLOBPUT ? op->n : 1;
        for (int k = 0; k < n; k++) {
            int i = new_g(t);
            if (i < 0) {
                break;
            }
            if (op->kind == SOP_GLOBPUT) {
                ws.port.globput(w_g(i));
                if (solo_check) {
                    model_globrunqput(M, i + 1);
                }
            } else {
                ws.port.globputhead(w_g(i));
                if (solo_check) {
                    model_globrunqputhead(M, i + 1);
                }
            }
        }
        ws.port.unlock();
        break;
    }
    case SOP_GLOBGET: {
        // The shadow was reconciled when sched.lock was last released: what it says when
        // the call takes the lock (w_lock_event) is the global queue the call sees.
        ws.glen_at_lock[t] = 0;
        void *gp = ws.port.globget(t, pp, op->n - 1);
        int glen = ws.glen_at_lock[t];
        if (ws.lin_on && gp == NULL && glen != 0) {
            dsched_fail(INV_SPURIOUS_EMPTY_GLOBGET,
                        "%s's globrunqget (steps %llu-%llu) returned nil, but the global "
                        "queue held %d Gs when it took sched.lock (%d when it let go)",
                        tn(t), (unsigned long long)first, (unsigned long long)dsched_step(), glen,
                        ws.sh_glen);
        }
        got_ret = gp ? gidx(gp) + 1 : 0;
        nothing = gp == NULL;
        if (solo_check) {
            model_ret = model_globrunqget(M, t, op->n - 1);
        }
        if (gp) {
            dsched_event(DEV_GLOBGET);
            consume(t, gp, "globrunqget");
        }
        break;
    }
    case SOP_STEAL:
    case SOP_STEALNEXT: {
        uint32_t before = ring_len_real(t);
        bool next = op->kind == SOP_STEALNEXT;
        lin_begin_steal(t, op->target);
        void *gp = ws.port.runq_steal(pp, w_p(op->target), next);
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
                        next ? "runqsteal(stealRunNextG)" : "runqsteal", op->target,
                        (unsigned long long)ws.lin[t].first, (unsigned long long)dsched_step(),
                        ws.lin[t].ring_empty ? "after its ring was empty, its runnext was never nil"
                                             : "its ring was never empty during it",
                        seen);
        }
        got_ret = gp ? gidx(gp) + 1 : 0;
        nothing = gp == NULL;
        solo_check = solo_check && dsched_others_steps(t) == others;
        if (solo_check) {
            uint32_t want_n = model_grab_count(M, op->target, op->kind == SOP_STEALNEXT);
            uint32_t got_n = gp ? 1 + ring_len_real(t) - before : 0;
            if (got_n != want_n) {
                dsched_fail(INV_WRONG_STEAL_COUNT,
                            "%s stole %u Gs from P%d running alone; the model "
                            "steals %u (half, rounded up)",
                            tn(t), got_n, op->target, want_n);
            }
            model_ret = model_runqsteal(M, t, op->target, op->kind == SOP_STEALNEXT);
        }
        if (gp) {
            consume(t, gp, "runqsteal");
        }
        break;
    }
    case SOP_EMPTY: {
        int v = op->target;
        ws.empty_victim[t] = v;
        ws.empty_seen[t] = shadow_empty(v);
        got_bool = ws.port.runq_empty(w_p(v));
        ws.empty_victim[t] = -1;
        if (got_bool) {
            dsched_event(DEV_EMPTY_TRUE);
            if (!ws.empty_seen[t]) {
                dsched_fail(INV_EMPTY_LIED,
                            "runqempty(P%d) by %s returned true, but P%d was never "
                            "empty during the call",
                            v, tn(t), v);
            }
        }
        if (solo_check && dsched_others_steps(t) == others) {
            model_bool = model_runqempty(M, v);
            if (got_bool != model_bool) {
                dsched_fail(INV_MODEL_MISMATCH,
                            "runqempty(P%d) by %s, alone, returned %d; the "
                            "model says %d",
                            v, tn(t), got_bool, model_bool);
            }
        }
        if (say) {
            snprintf(result, sizeof result, "runqempty(P%d) = %s", v, got_bool ? "true" : "false");
        }
        nothing = got_bool;
        break;
    }
    case SOP_IDLE:
    case SOP_RUNNING:
        ws.port.set_status(t, op);
        break;
    default:
        break;
    }
    if (say) {
        describe_result(t, op, result, sizeof result, ng0, taken, ntaken, tail0, got_ret, spilled);
    }
    hand_must_be_empty(t, what);
    // Checked on the model only if no other thread stepped during the op (and the model
    // was kept up to date all along: a part-way interleaving turns solo_check off).
    bool alone = dsched_others_steps(t) == others;
    interleave_op_end(t, op->kind, nothing, alone);
    if (solo_check && alone) {
        if (got_ret != model_ret) {
            dsched_fail(INV_MODEL_MISMATCH, "%s's %s (alone) returned G%d; the model returns G%d",
                        tn(t), what, got_ret, model_ret);
        }
        compare_with_model(t, M, what);
    }
    dsched_op_end(t, result);
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
