// op_rules.h - Go's preconditions on a schedule op, written once for every driver: the
// interpreter (op_interp.h) applies them for the engine and runq-torture's --schedule rounds.
// An op whose precondition does not hold is skipped, not run and not reported: Go's own
// callers never make that call in that state. Header-only and engine-free.
#ifndef HARNESS_OP_RULES_H
#define HARNESS_OP_RULES_H

#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>

enum op_skip {
    OP_RUNS = 0,             // the precondition holds
    OP_SKIP_GLOBGET_NO_ROOM, // globrunqget's batch might not fit in the caller's ring
    OP_SKIP_STEAL_NOT_EMPTY, // findrunnable steals only when its own ring is empty
};

// The most Gs `globget N` (globrunqget with max N - 1; N = 1: no max) may put on the
// caller's ring: it takes min(max, cap/2) and returns one, the rest go through runqput.
// Those must fit, else runqputslow would take sched.lock a second time.
static inline uint32_t op_globget_puts(uint16_t n, uint32_t cap) {
    uint32_t max = n > 0 ? n - 1u : 0;
    return max > 0 && max < cap / 2 ? max - 1u : cap / 2 - 1u;
}

// Whether op may run on a P whose ring holds ring_len Gs, at ring capacity cap.
static inline enum op_skip op_precondition(const sched_op *op, uint32_t ring_len, uint32_t cap) {
    switch (op->kind) {
    case SOP_GLOBGET:
        return ring_len + op_globget_puts(op->n, cap) > cap ? OP_SKIP_GLOBGET_NO_ROOM : OP_RUNS;
    case SOP_STEAL:
    case SOP_STEALNEXT:
        return ring_len != 0 ? OP_SKIP_STEAL_NOT_EMPTY : OP_RUNS;
    default:
        return OP_RUNS;
    }
}

// Whether an op of this kind has a precondition (op_precondition reads ring_len only then).
static inline bool op_has_precondition(int kind) {
    return kind == SOP_GLOBGET || kind == SOP_STEAL || kind == SOP_STEALNEXT;
}

// The trace's words for a skip (part of the engine's byte-exact trace: do not reword).
static inline const char *op_skip_reason(enum op_skip s) {
    switch (s) {
    case OP_SKIP_GLOBGET_NO_ROOM:
        return "skipped: Go's precondition (the ring is over half full)";
    case OP_SKIP_STEAL_NOT_EMPTY:
        return "skipped: Go's precondition (a thief steals into an empty ring)";
    default:
        return "runs";
    }
}

#endif
