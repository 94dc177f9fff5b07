// op_interp.h - the one interpreter of schedule ops (schedule.h), for every driver: the
// deterministic engine (world_run.c) and runq-torture's --schedule rounds (stress/rounds.c).
//
// It owns what the drivers share: Go's preconditions (op_rules.h: an op that breaks one is
// skipped), which of Go's entry points each op calls (op_calls, also read backwards by
// stress/fail_schedule.c to turn a logged call into an op), how often (n), and what becomes
// of a G an op got: it runs to completion, or (yield) goes back with runqput. The driver
// makes the calls through a backend, and commits around each one what it checks: the
// engine its ledger and the reference model (through the port adapter, so this file stays
// capacity-neutral and engine-free), stress its holder tokens, payloads, op log, counters.
//
// Header-only on purpose: each driver passes a `static const` backend, so the compiler
// inlines op_interp into the driver and calls (and inlines) the hooks directly; the engine
// runs it tens of thousands of times a second and pays nothing for the indirection.
//
// Adding an op:
//   1. harness/schedule.h: its row in SCHED_OP_LIST (the byte form's kind is b0 % SOP_COUNT,
//      so a new op changes what committed byte files mean: see schedule.c);
//   2. here: its row in op_calls; if it calls an entry point no op calls yet, an enum
//      op_call, a case in op_interp_call and the hook in both backends (world_run.c,
//      stress/rounds.c);
//   3. harness/model.c (model.h): the entry point's twin, which the engine's hook compares;
//   4. fuzz/fuzz_runq_sched.dict and fuzz/fuzz_runq_model.dict: its tokens.
// Optional: its end-of-op words in the engine's trace (world_describe.c describe_result).
#ifndef HARNESS_OP_INTERP_H
#define HARNESS_OP_INTERP_H

#include "op_rules.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>

// Go's entry points an op calls (what a backend implements).
enum op_call {
    OPC_NONE,         // nothing (nop)
    OPC_RUNQPUT,      // runqput of fresh Gs (variant: next)
    OPC_RUNQGET,      // runqget; the G runs (variant: it yields, runqput(next=false) again)
    OPC_RUNQPUTBATCH, // runqputbatch of n fresh Gs
    OPC_RUNQDRAIN,    // runqdrain, then globrunqputbatch of the lot (the GC worker)
    OPC_GLOBRUNQPUT,  // globrunqput of fresh Gs under sched.lock (variant: globrunqputhead)
    OPC_GLOBRUNQGET,  // findRunnable's take from the global queue, max n-1; the G runs
    OPC_RUNQSTEAL,    // runqsteal from the target's P (variant: stealRunNextG); the G runs
    OPC_RUNQEMPTY,    // runqempty of the target's P
    OPC_SETSTATUS,    // the own P's status (idle, running, master's syscall)
};

// What each op calls: the one place that says "SOP_X is done by entry point Y".
struct op_call_of {
    uint8_t call;    // enum op_call
    uint8_t variant; // next / yield / head / stealRunNextG, as enum op_call says
    uint8_t repeat;  // n is how many times the op makes the call (else n is its argument)
};
static const struct op_call_of op_calls[SOP_COUNT] = {
    [SOP_NOP] = {OPC_NONE, 0, 0},
    [SOP_PUT] = {OPC_RUNQPUT, 0, 1},
    [SOP_PUTNEXT] = {OPC_RUNQPUT, 1, 1},
    [SOP_GET] = {OPC_RUNQGET, 0, 1},
    [SOP_YIELD] = {OPC_RUNQGET, 1, 1},
    [SOP_PUTBATCH] = {OPC_RUNQPUTBATCH, 0, 0},
    [SOP_DRAIN] = {OPC_RUNQDRAIN, 0, 0},
    [SOP_GLOBPUT] = {OPC_GLOBRUNQPUT, 0, 1},
    [SOP_GLOBPUTHEAD] = {OPC_GLOBRUNQPUT, 1, 0},
    [SOP_GLOBGET] = {OPC_GLOBRUNQGET, 0, 0},
    [SOP_STEAL] = {OPC_RUNQSTEAL, 0, 0},
    [SOP_STEALNEXT] = {OPC_RUNQSTEAL, 1, 0},
    [SOP_EMPTY] = {OPC_RUNQEMPTY, 0, 0},
    [SOP_IDLE] = {OPC_SETSTATUS, 0, 0},
    [SOP_RUNNING] = {OPC_SETSTATUS, 1, 0},
};
_Static_assert(SOP_COUNT == 15, "a new op needs its row in op_calls (see 'Adding an op')");

// The entry point's name, for messages ("runqget returned G3 to ...").
static inline const char *op_call_name(enum op_call c) {
    static const char *const names[] = {"-",         "runqput",     "runqget",     "runqputbatch",
                                        "runqdrain", "globrunqput", "globrunqget", "runqsteal",
                                        "runqempty", "status"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

// Backwards: the op that makes call c with this variant (the first in SCHED_OP_LIST order,
// so runqget is "get", not "yield"); SOP_NOP if none.
static inline int op_kind_of_call(enum op_call c, bool variant) {
    for (int k = 1; k < SOP_COUNT; k++) {
        if (op_calls[k].call == c && op_calls[k].variant == variant) {
            return k;
        }
    }
    return SOP_NOP;
}

// A G as the driver names it (engine: its address; stress: its goid); 0: none.
typedef uintptr_t opi_g;

// What a driver provides. ctx is the driver's (the engine: the op in progress; stress: the
// thread's state); t is the simulated thread, which owns P t. Every hook that returns bool
// returns whether to go on: false means a failure was reported (stress; the engine's
// failures never return) and the thread's program stops there.
struct op_backend {
    // ---- the op's frame; each may be NULL --------------------------------------------
    // The op begins (the engine names it in the trace; it may switch threads here).
    void (*begin)(void *ctx, int t, const sched_op *op);
    // Go's precondition does not hold: the op is skipped, not run and not reported.
    void (*skipped)(void *ctx, int t, const sched_op *op, enum op_skip why);
    // It holds: the op runs.
    void (*start)(void *ctx, int t, const sched_op *op);
    // The op ran to its end (not called after a hook said stop).
    void (*end)(void *ctx, int t, const sched_op *op);
    // The length of P t's ring, for the preconditions (called only by ops that have one).
    uint32_t (*runq_len)(void *ctx, int t);

    // ---- Gs ---------------------------------------------------------------------------
    // A G in no queue, now held by t; *g = 0 if none is left.
    bool (*fresh)(void *ctx, int t, opi_g *g);
    // g, which t got from entry point `from`, runs to completion.
    bool (*finish)(void *ctx, int t, opi_g g, enum op_call from);
    // g, which t got from runqget, runs and yields (runqput follows).
    bool (*resume)(void *ctx, int t, opi_g g);

    // ---- Go's entry points on P t ------------------------------------------------------
    bool (*runq_put)(void *ctx, int t, opi_g g, bool next);
    bool (*runq_get)(void *ctx, int t, opi_g *g); // *g = 0: nil
    // runqputbatch of n fresh Gs, which the driver makes (fewer if it has no more).
    bool (*runq_putbatch)(void *ctx, int t, int n);
    // runqdrain, then globrunqputbatch of what it returned under sched.lock.
    bool (*runq_drain)(void *ctx, int t);
    // sched.lock, held across an op's globrunqput calls.
    bool (*lock)(void *ctx, int t);
    bool (*unlock)(void *ctx, int t);
    bool (*glob_put)(void *ctx, int t, opi_g g, bool head); // sched.lock held
    // Take from the global queue as findRunnable does (takes sched.lock); *g = 0: nil.
    bool (*glob_get)(void *ctx, int t, int32_t max, opi_g *g);
    bool (*runq_steal)(void *ctx, int t, int victim, bool stealRunNextG, opi_g *g);
    bool (*runq_empty)(void *ctx, int t, int victim);
    bool (*set_status)(void *ctx, int t, const sched_op *op);
};

// The hooks other than the frame's, for a backend whose functions are named prefix + hook
// (e_fresh, s_fresh, ...): `{.begin = e_begin, OP_BACKEND_HOOKS(e_)}`.
#define OP_BACKEND_HOOKS(p)                                                                        \
    .runq_len = p##runq_len, .fresh = p##fresh, .finish = p##finish, .resume = p##resume,          \
    .runq_put = p##runq_put, .runq_get = p##runq_get, .runq_putbatch = p##runq_putbatch,           \
    .runq_drain = p##runq_drain, .lock = p##lock, .unlock = p##unlock, .glob_put = p##glob_put,    \
    .glob_get = p##glob_get, .runq_steal = p##runq_steal, .runq_empty = p##runq_empty,             \
    .set_status = p##set_status

// The calls of op, its precondition already checked.
static inline bool op_interp_call(const struct op_backend *b, void *ctx, int t, const sched_op *op,
                                  const struct op_call_of *c) {
    int reps = c->repeat ? op->n : 1;
    opi_g g = 0;
    switch ((enum op_call)c->call) {
    case OPC_RUNQPUT:
        for (int k = 0; k < reps; k++) {
            if (!b->fresh(ctx, t, &g)) {
                return false;
            }
            if (g == 0) {
                return true; // no G left to put
            }
            if (!b->runq_put(ctx, t, g, c->variant)) {
                return false;
            }
        }
        return true;
    case OPC_RUNQGET:
        for (int k = 0; k < reps; k++) {
            if (!b->runq_get(ctx, t, &g)) {
                return false;
            }
            if (g == 0) {
                return true; // the queue is empty: stop
            }
            if (c->variant ? !b->resume(ctx, t, g) || !b->runq_put(ctx, t, g, false)
                           : !b->finish(ctx, t, g, OPC_RUNQGET)) {
                return false;
            }
        }
        return true;
    case OPC_RUNQPUTBATCH:
        return b->runq_putbatch(ctx, t, op->n);
    case OPC_RUNQDRAIN:
        return b->runq_drain(ctx, t);
    case OPC_GLOBRUNQPUT: {
        // Fresh Gs are made under the lock: the engine numbers Gs as threads make them.
        bool ok = b->lock(ctx, t);
        for (int k = 0; ok && k < reps; k++) {
            ok = b->fresh(ctx, t, &g);
            if (!ok || g == 0) {
                break;
            }
            ok = b->glob_put(ctx, t, g, c->variant);
        }
        return b->unlock(ctx, t) && ok;
    }
    case OPC_GLOBRUNQGET:
        if (!b->glob_get(ctx, t, (int32_t)op->n - 1, &g)) {
            return false;
        }
        return g == 0 || b->finish(ctx, t, g, OPC_GLOBRUNQGET);
    case OPC_RUNQSTEAL:
        if (!b->runq_steal(ctx, t, op->target, c->variant, &g)) {
            return false;
        }
        return g == 0 || b->finish(ctx, t, g, OPC_RUNQSTEAL);
    case OPC_RUNQEMPTY:
        return b->runq_empty(ctx, t, op->target);
    case OPC_SETSTATUS:
        return b->set_status(ctx, t, op);
    case OPC_NONE:
    default:
        return true;
    }
}

// Thread t runs op (cap: its ring's capacity). Returns false if the thread must stop.
static inline bool op_interp(const struct op_backend *b, void *ctx, int t, const sched_op *op,
                             uint32_t cap) {
    if (b->begin) {
        b->begin(ctx, t, op);
    }
    enum op_skip skip =
        op_has_precondition(op->kind) ? op_precondition(op, b->runq_len(ctx, t), cap) : OP_RUNS;
    if (skip != OP_RUNS) {
        if (b->skipped) {
            b->skipped(ctx, t, op, skip);
        }
        return true;
    }
    if (b->start) {
        b->start(ctx, t, op);
    }
    bool ok = op_interp_call(b, ctx, t, op, &op_calls[op->kind < SOP_COUNT ? op->kind : SOP_NOP]);
    if (ok && b->end) {
        b->end(ctx, t, op);
    }
    return ok;
}

#endif
