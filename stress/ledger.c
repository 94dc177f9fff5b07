// ledger.c - who holds each G: holder tokens and payloads.
//
// Token (one atomic word per G): state:2 | thread:8 | op:8 | pid:8 | seq:38. For a queued
// or parked G the fields say who put it there, how, and its transfer number; for a G in a
// hand, who took it and how. Every take exchanges the token (relaxed, see torture.h), so
// two holders at once are seen by the second at the moment it takes the G; a release
// checks the token is still its own hand.
//
// Payload (two plain words per G): written by the holder before it lets the G go, read and
// checked by the next holder. They are deliberately not atomic: the only happens-before
// between the two holders must come from the queue itself, so a missing release/acquire
// in the port shows as a ThreadSanitizer race here, and on weak hardware as a stale seq.
#include "torture.h"

#include <stdlib.h>
#include <string.h>

struct gmeta {
    _Atomic uint64_t token;
    uint64_t seq; // payload: transfers so far (8-byte fields: TSan keeps them apart)
    uint64_t sum; // payload: a checksum of (goid, seq)
    uint64_t pad;
};

static struct gmeta *meta; // indexed by goid, 1..gs
static int ngs;

static uint64_t tok_pack(int state, int thread, int op, int pid, uint64_t seq) {
    return (uint64_t)(state & 3) | (uint64_t)(thread & 0xff) << 2 | (uint64_t)(op & 0xff) << 10 |
           (uint64_t)(pid & 0xff) << 18 | seq << 26;
}
static int tok_state(uint64_t t) {
    return (int)(t & 3);
}
static int tok_thread(uint64_t t) {
    return (int)((t >> 2) & 0xff);
}
static int tok_op(uint64_t t) {
    return (int)((t >> 10) & 0xff);
}
static int tok_pid(uint64_t t) {
    return (int)((t >> 18) & 0xff);
}
static uint64_t tok_seq(uint64_t t) {
    return t >> 26;
}

static uint64_t payload_sum(uint32_t goid, uint64_t seq) {
    uint64_t z = ((uint64_t)goid << 40) ^ seq ^ 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void ledger_init(int gs, int state) {
    ngs = gs;
    meta = calloc((size_t)gs + 1, sizeof *meta);
    if (!meta) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int i = 1; i <= gs; i++) {
        // Every G starts on the global queue (TOK_QUEUED) or parked on a P (TOK_PARKED,
        // --schedule), put there at set-up (world.c) by "thread 0".
        atomic_init(&meta[i].token,
                    tok_pack(state, 0, state == TOK_QUEUED ? OP_GLOBRUNQPUT : OP_PARK, 0, 0));
        meta[i].seq = 0;
        meta[i].sum = payload_sum((uint32_t)i, 0);
    }
}

void ledger_free(void) {
    free(meta);
    meta = NULL;
}

static void describe_token(uint64_t t, char *buf, size_t len) {
    static const char *const where[] = {"queued", "parked", "in hand", "?"};
    if (tok_state(t) == TOK_HAND) {
        char doing[96];
        int th = tok_thread(t);
        if (th < srun()->nthreads) {
            describe_doing(atomic_load_explicit(&srun()->m[th].doing, memory_order_relaxed), doing,
                           sizeof doing);
        } else {
            snprintf(doing, sizeof doing, "(no such thread: token corrupt)");
        }
        snprintf(buf, len, "held by T%d, which got it with %s on P%d and is now doing: %s", th,
                 op_name(tok_op(t)), tok_pid(t), doing);
    } else {
        snprintf(buf, len, "%s by T%d with %s on P%d (transfer %llu)", where[tok_state(t)],
                 tok_thread(t), op_name(tok_op(t)), tok_pid(t), (unsigned long long)tok_seq(t));
    }
}

void ledger_describe(uint32_t goid, char *buf, size_t len) {
    describe_token(atomic_load_explicit(&meta[goid].token, memory_order_relaxed), buf, len);
}

int ledger_state(uint32_t goid) {
    return tok_state(atomic_load_explicit(&meta[goid].token, memory_order_relaxed));
}

bool ledger_payload_ok(uint32_t goid) {
    // Only with the world stopped (the barrier orders the payload writes before this).
    uint64_t t = atomic_load_explicit(&meta[goid].token, memory_order_relaxed);
    return meta[goid].sum == payload_sum(goid, meta[goid].seq) &&
           (tok_state(t) == TOK_HAND || tok_seq(t) == meta[goid].seq);
}

void ledger_corrupt_payload(uint32_t goid) {
    // --inject payload only: the caller holds sched.lock and goid is on the global queue,
    // so its next holder takes it under the lock and the write races with nothing.
    meta[goid].sum ^= 1;
}

bool ledger_take(struct mstate *m, uint32_t goid, int from, int op, int pid) {
    uint64_t old = atomic_exchange_explicit(
        &meta[goid].token, tok_pack(TOK_HAND, m->id, op, pid, 0), memory_order_relaxed);
    if (tok_state(old) != from) {
        char d[256];
        describe_token(old, d, sizeof d);
        stress_note_other(tok_thread(old));
        stress_fail(m->id, INV_DUP_G, "g%u: T%d got it with %s on P%d, but it was %s", goid, m->id,
                    op_name(op), pid, d);
        return false;
    }
    // Plain reads: ordered after the previous holder's writes only by the queue.
    uint64_t seq = meta[goid].seq;
    uint64_t sum = meta[goid].sum;
    if (sum != payload_sum(goid, seq) || seq != tok_seq(old)) {
        char d[256];
        describe_token(old, d, sizeof d);
        stress_note_other(tok_thread(old));
        stress_fail(m->id, INV_PAYLOAD_MISMATCH,
                    "g%u: T%d got it with %s on P%d and read payload seq=%llu sum=%s, but it "
                    "was %s",
                    goid, m->id, op_name(op), pid, (unsigned long long)seq,
                    sum == payload_sum(goid, seq) ? "ok" : "corrupt", d);
        return false;
    }
    return true;
}

bool ledger_release(struct mstate *m, uint32_t goid, int to, int op, int pid) {
    uint64_t seq = meta[goid].seq + 1;
    meta[goid].seq = seq;
    meta[goid].sum = payload_sum(goid, seq);
    // A load and a store, not an exchange (a locked instruction, the harness's largest
    // cost): a taker racing into the gap exchanges, so it sees HAND(m) and reports it.
    uint64_t old = atomic_load_explicit(&meta[goid].token, memory_order_relaxed);
    atomic_store_explicit(&meta[goid].token, tok_pack(to, m->id, op, pid, seq),
                          memory_order_relaxed);
    if (tok_state(old) != TOK_HAND || tok_thread(old) != m->id) {
        char d[256];
        describe_token(old, d, sizeof d);
        stress_note_other(tok_thread(old));
        stress_fail(m->id, INV_NOT_HOLDER, "g%u: T%d was about to %s it on P%d, but it was %s",
                    goid, m->id, op_name(op), pid, d);
        return false;
    }
    return true;
}
