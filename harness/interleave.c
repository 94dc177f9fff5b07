// interleave.c - see interleave.h.
#include "interleave.h"

#include "dsched.h"
#include "runq_sites.h"
#include "schedule.h"

#include <stdint.h>
#include <string.h>

#define NSITE RQ_SITE_COUNT
#define N_PAIRS (NSITE * NSITE * 4)
#define N_FAIL_IN_OP (NSITE * SOP_COUNT)
#define N_OP_END (SOP_COUNT * 8)

#if defined(RUNQ_FUZZ_COUNTERS)
__attribute__((section("__libfuzzer_extra_counters")))
#endif
static uint8_t counters[N_PAIRS + N_FAIL_IN_OP + N_OP_END];

typedef struct {
    uint8_t thread; // thread + 1; 0 = nobody yet
    uint8_t site;
} acc;

static acc last_write[INTERLEAVE_LOCS], last_read[INTERLEAVE_LOCS];
static int8_t in_op[SCHED_MAX_THREADS];
static bool cas_failed[SCHED_MAX_THREADS]; // during the current op

static inline void bump(uint32_t i) {
    if (counters[i] < 255) {
        counters[i]++;
    }
}

void interleave_reset(void) {
    memset(last_write, 0, sizeof last_write);
    memset(last_read, 0, sizeof last_read);
    memset(in_op, -1, sizeof in_op);
    memset(cas_failed, 0, sizeof cas_failed);
}

static void pair(const acc *a, int site, int kind) {
    bump(((uint32_t)a->site * NSITE + (uint32_t)site) * 4 + (uint32_t)kind);
}

void interleave_access(int t, int loc, int site, int kind) {
    if (loc < 0 || loc >= INTERLEAVE_LOCS || site < 0 || site >= NSITE) {
        return;
    }
    bool writes = kind == DACC_STORE || kind == DACC_CAS_OK || kind == DACC_CAS_FAIL;
    acc *w = &last_write[loc], *r = &last_read[loc];
    if (w->thread && w->thread != t + 1) {
        pair(w, site, kind); // B read or wrote what A wrote
    }
    if (writes && r->thread && r->thread != t + 1) {
        pair(r, site, kind); // B wrote (or tried to) over what A read
    }
    if (kind == DACC_CAS_FAIL) {
        cas_failed[t] = true;
        for (int u = 0; u < SCHED_MAX_THREADS; u++) {
            if (u != t && in_op[u] >= 0) {
                bump(N_PAIRS + (uint32_t)site * SOP_COUNT + (uint32_t)in_op[u]);
            }
        }
    }
    if (kind == DACC_STORE || kind == DACC_CAS_OK) {
        *w = (acc){(uint8_t)(t + 1), (uint8_t)site};
        r->thread = 0;
    } else if (kind == DACC_LOAD) {
        *r = (acc){(uint8_t)(t + 1), (uint8_t)site};
    }
}

void interleave_op(int t, int op_kind) {
    in_op[t] = (int8_t)op_kind;
    cas_failed[t] = false;
}

void interleave_op_end(int t, int op_kind, bool nothing, bool alone) {
    bump(N_PAIRS + N_FAIL_IN_OP + (uint32_t)op_kind * 8 + nothing + 2u * alone +
         4u * cas_failed[t]);
    in_op[t] = -1;
}
