// ledger.c - who holds each G: holder tokens and payloads.
//
// Token and payload: ledger.h (the take and release are inline there; the reports here).
// Every take exchanges the token (relaxed, see torture.h), so two holders at once are seen
// by the second at the moment it takes the G; a release checks the token is still its own
// hand.
#include "torture.h"

#include <stdlib.h>
#include <string.h>

struct ledger_g *ledger_gs; // indexed by goid, 1..gs
static int ngs;

static uint64_t tok_pack(int state, int thread, int op, int pid, uint64_t seq) {
    return ledger_tok(state, thread, op, pid, seq);
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
    return ledger_sum(goid, seq);
}

void ledger_init(int gs, int state) {
    ngs = gs;
    ledger_gs = calloc((size_t)gs + 1, sizeof *ledger_gs);
    if (!ledger_gs) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int i = 1; i <= gs; i++) {
        // Every G starts on the global queue (TOK_QUEUED) or parked on a P (TOK_PARKED,
        // --schedule), put there at set-up (world_*.c) by "thread 0".
        atomic_init(&ledger_gs[i].token,
                    tok_pack(state, 0, state == TOK_QUEUED ? OP_GLOBRUNQPUT : OP_PARK, 0, 0));
        ledger_gs[i].seq = 0;
        ledger_gs[i].sum = payload_sum((uint32_t)i, 0);
    }
}

void ledger_free(void) {
    free(ledger_gs);
    ledger_gs = NULL;
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
    describe_token(atomic_load_explicit(&ledger_gs[goid].token, memory_order_relaxed), buf, len);
}

int ledger_state(uint32_t goid) {
    return tok_state(atomic_load_explicit(&ledger_gs[goid].token, memory_order_relaxed));
}

bool ledger_payload_ok(uint32_t goid) {
    // Only with the world stopped (the barrier orders the payload writes before this).
    uint64_t t = atomic_load_explicit(&ledger_gs[goid].token, memory_order_relaxed);
    return ledger_gs[goid].sum == payload_sum(goid, ledger_gs[goid].seq) &&
           (tok_state(t) == TOK_HAND || tok_seq(t) == ledger_gs[goid].seq);
}

void ledger_corrupt_payload(uint32_t goid) {
    // --inject payload only: the caller holds sched.lock and goid is on the global queue,
    // so its next holder takes it under the lock and the write races with nothing.
    ledger_gs[goid].sum ^= 1;
}

bool ledger_take_failed(struct mstate *m, uint32_t goid, uint64_t old, int op, int pid,
                        bool token_ok, uint64_t seq, uint64_t sum) {
    char d[256];
    describe_token(old, d, sizeof d);
    stress_note_other(tok_thread(old));
    if (!token_ok) {
        stress_fail(m->id, INV_DUP_G, "g%u: T%d got it with %s on P%d, but it was %s", goid, m->id,
                    op_name(op), pid, d);
        return false;
    }
    stress_fail(m->id, INV_PAYLOAD_MISMATCH,
                "g%u: T%d got it with %s on P%d and read payload seq=%llu sum=%s, but it "
                "was %s",
                goid, m->id, op_name(op), pid, (unsigned long long)seq,
                sum == payload_sum(goid, seq) ? "ok" : "corrupt", d);
    return false;
}

bool ledger_release_failed(struct mstate *m, uint32_t goid, uint64_t old, int op, int pid) {
    char d[256];
    describe_token(old, d, sizeof d);
    stress_note_other(tok_thread(old));
    stress_fail(m->id, INV_NOT_HOLDER, "g%u: T%d was about to %s it on P%d, but it was %s", goid,
                m->id, op_name(op), pid, d);
    return false;
}
