// invariants.h - the invariant registry (invariants.def): every failure names one of its ids.
//
// Failure functions take an enum inv_id, never a string, so an id that is not registered
// cannot be emitted: it does not compile. A name read from outside (runq-replay --expect)
// is checked with inv_lookup.
#ifndef HARNESS_INVARIANTS_H
#define HARNESS_INVARIANTS_H

// Who reports an id (a bit set).
enum inv_emitter {
    INV_ENGINE = 1, // the deterministic engine (harness/)
    INV_STRESS = 2, // runq-torture (stress/)
    INV_BOTH = INV_ENGINE | INV_STRESS,
    INV_TOOLS = 4, // runq-replay, runq-explore
    INV_CI = 8,    // the ci scripts, from a sanitizer report
};

enum inv_id {
#define INV(name, id, emitters, meaning) INV_##name,
#include "invariants.def"
#undef INV
    INV_COUNT
};

// The stable text ("dup-g"). An id out of range is an internal error: it aborts loudly.
const char *inv_name(enum inv_id id);
const char *inv_meaning(enum inv_id id);
unsigned inv_emitters(enum inv_id id);
// The id named name, or -1 if it is not registered.
int inv_lookup(const char *name);
// "engine", "stress", "engine, stress", ... for messages.
const char *inv_emitters_text(unsigned emitters);

#endif
