// ledger.h - the G ledger (ledger.c): holder tokens and payloads.
#ifndef STRESS_LEDGER_H
#define STRESS_LEDGER_H

#include "run.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Every G has a holder token: where it is (in a queue, parked, or in one thread's hand),
// who moved it there, how, and its transfer number. Takes swap tokens with relaxed
// atomic exchanges: atomicity finds two holders at once; relaxed order keeps the ledger
// from adding happens-before that would hide a missing release/acquire in the queue.
enum { TOK_QUEUED = 0, TOK_PARKED = 1, TOK_HAND = 2 };

// Token (one atomic word per G): state:2 | thread:8 | op:8 | pid:8 | seq:38. For a queued
// or parked G the fields say who put it there, how, and its transfer number; for a G in a
// hand, who took it and how.
//
// Payload (two plain words per G): written by the holder before it lets the G go, read and
// checked by the next holder. They are deliberately not atomic: the only happens-before
// between the two holders must come from the queue itself, so a missing release/acquire
// in the port shows as a ThreadSanitizer race here, and on weak hardware as a stale seq.
struct ledger_g {
    _Atomic uint64_t token;
    uint64_t seq; // payload: transfers so far (8-byte fields: TSan keeps them apart)
    uint64_t sum; // payload: ledger_sum(goid, seq)
    uint64_t pad;
};
extern struct ledger_g *ledger_gs; // indexed by goid, 1..gs (ledger.c)

static inline uint64_t ledger_tok(int state, int thread, int op, int pid, uint64_t seq) {
    return (uint64_t)(state & 3) | (uint64_t)(thread & 0xff) << 2 | (uint64_t)(op & 0xff) << 10 |
           (uint64_t)(pid & 0xff) << 18 | seq << 26;
}
// ledger_sum: the payload's check word. For one G it is a bijection of seq (an odd
// multiplier, then an xor), so a seq and a sum from different transfers never match, and
// any flipped bit shows; cheap, because two of them are computed per queue op.
static inline uint64_t ledger_sum(uint32_t goid, uint64_t seq) {
    return seq * 0x9e3779b97f4a7c15ull ^ ((uint64_t)goid * 0xbf58476d1ce4e5b9ull);
}

void ledger_init(int gs, int state); // every G starts in state (TOK_QUEUED/PARKED)
void ledger_free(void);
// ledger_take: thread m just got G goid from a queue (from = TOK_QUEUED) or the parked set
// (TOK_PARKED) with operation op. Checks the token and the payload; false after reporting a
// failure.
// Inline: the loop makes about one take and one release per queue op; the failure reports
// are out of line (ledger.c).
static inline bool ledger_take(struct mstate *m, uint32_t goid, int from, int op, int pid);
// ledger_release: thread m is about to put goid into a queue or park it (to) with op.
// Writes the payload for the next holder. False after reporting a failure.
static inline bool ledger_release(struct mstate *m, uint32_t goid, int to, int op, int pid);
// For audits (world stopped) and dumps: the token's state and payload check.
int ledger_state(uint32_t goid);
void ledger_describe(uint32_t goid, char *buf, size_t len);
bool ledger_payload_ok(uint32_t goid);
void ledger_corrupt_payload(uint32_t goid); // --inject payload (see ledger.c)

// The failure reports (ledger.c); each returns false.
bool ledger_take_failed(struct mstate *m, uint32_t goid, uint64_t old, int op, int pid,
                        bool token_ok, uint64_t seq, uint64_t sum);
bool ledger_release_failed(struct mstate *m, uint32_t goid, uint64_t old, int op, int pid);

static inline bool ledger_take(struct mstate *m, uint32_t goid, int from, int op, int pid) {
    struct ledger_g *e = &ledger_gs[goid];
    // Exchanged, not loaded and stored: of two takers at once, the second sees the first's
    // hand. Relaxed: the ledger must add no happens-before the queue did not make.
    uint64_t old = atomic_exchange_explicit(&e->token, ledger_tok(TOK_HAND, m->id, op, pid, 0),
                                            memory_order_relaxed);
    if ((int)(old & 3) != from) {
        return ledger_take_failed(m, goid, old, op, pid, false, 0, 0);
    }
    // Plain reads (only once the token says the G is ours): ordered after the previous
    // holder's writes only by the queue.
    uint64_t seq = e->seq;
    uint64_t sum = e->sum;
    if (sum != ledger_sum(goid, seq) || seq != old >> 26) {
        return ledger_take_failed(m, goid, old, op, pid, true, seq, sum);
    }
    return true;
}

static inline bool ledger_release(struct mstate *m, uint32_t goid, int to, int op, int pid) {
    struct ledger_g *e = &ledger_gs[goid];
    uint64_t seq = e->seq + 1;
    e->seq = seq;
    e->sum = ledger_sum(goid, seq);
    // A load and a store, not an exchange (a locked instruction, the harness's largest
    // cost): a taker racing into the gap exchanges, so it sees HAND(m) and reports it.
    uint64_t old = atomic_load_explicit(&e->token, memory_order_relaxed);
    atomic_store_explicit(&e->token, ledger_tok(to, m->id, op, pid, seq), memory_order_relaxed);
    if ((old & 0x3ff) != ledger_tok(TOK_HAND, m->id, 0, 0, 0)) { // state and thread
        return ledger_release_failed(m, goid, old, op, pid);
    }
    return true;
}

#endif
