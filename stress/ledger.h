// ledger.h - the G ledger (ledger.c): holder tokens and payloads.
#ifndef STRESS_LEDGER_H
#define STRESS_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mstate;

// Every G has a holder token: where it is (in a queue, parked, or in one thread's hand),
// who moved it there, how, and its transfer number. Takes swap tokens with relaxed
// atomic exchanges: atomicity finds two holders at once; relaxed order keeps the ledger
// from adding happens-before that would hide a missing release/acquire in the queue.
enum { TOK_QUEUED = 0, TOK_PARKED = 1, TOK_HAND = 2 };

void ledger_init(int gs, int state); // every G starts in state (TOK_QUEUED/PARKED)
void ledger_free(void);
// ledger_take: thread m just got G goid from a queue (from = TOK_QUEUED) or the parked set
// (TOK_PARKED) with operation op. Checks the token and the payload; false after reporting a
// failure.
bool ledger_take(struct mstate *m, uint32_t goid, int from, int op, int pid);
// ledger_release: thread m is about to put goid into a queue or park it (to) with op.
// Writes the payload for the next holder. False after reporting a failure.
bool ledger_release(struct mstate *m, uint32_t goid, int to, int op, int pid);
// For audits (world stopped) and dumps: the token's state and payload check.
int ledger_state(uint32_t goid);
void ledger_describe(uint32_t goid, char *buf, size_t len);
bool ledger_payload_ok(uint32_t goid);
void ledger_corrupt_payload(uint32_t goid); // --inject payload (see ledger.c)

#endif
