// world_hooks.c - the ledger's commit points: right after each seam access that moves a
// P's runqhead, runqtail or runnext, or writes a ring slot, the shadow follows and checks
// the move; sched.lock's release reconciles the global queue; the stealers and runqempty
// callers watching a P see each of its states (the linearizability watch).
#include "world_internal.h"

#include "interleave.h"
#include "memmodel.h"

#include <string.h>

static void note_emptiness(void) {
    for (int t = 0; t < ws.S->nthreads; t++) {
        if (ws.empty_victim[t] >= 0 && shadow_empty(ws.empty_victim[t])) {
            ws.empty_seen[t] = true;
        }
    }
}

static void half_add(int t, uint32_t len) {
    uint32_t h = len - len / 2;
    if (h < 64 * ws.half_words) {
        ws.lin[t].halves[h / 64] |= 1ull << (h % 64);
    }
}

static bool half_seen(int t, uint32_t n) {
    return n < 64 * ws.half_words && (ws.lin[t].halves[n / 64] >> (n % 64) & 1);
}

// P pi's shadow changed (head_moved: its runqhead moved): update the stealers watching it.
static void lin_observe(int pi, bool head_moved) {
    uint32_t len = ws.sh_tail[pi] - ws.sh_head[pi];
    for (int t = 0; t < ws.S->nthreads; t++) {
        if (ws.lin[t].victim != pi) {
            continue;
        }
        if (len == 0) {
            ws.lin[t].ring_empty = true;
        }
        if (ws.lin[t].ring_empty && ws.sh_next[pi] == -1) {
            ws.lin[t].then_next_nil = true;
        }
        if (len < ws.lin[t].min_len) {
            ws.lin[t].min_len = len;
        }
        if (head_moved) {
            memset(ws.lin[t].halves, 0, sizeof ws.lin[t].halves); // constant: no libc call
        }
        half_add(t, len);
    }
}

void lin_begin_steal(int t, int v) {
    ws.lin[t].victim = -1; // set below, after the state is taken
    ws.lin[t].ring_empty = ws.lin[t].then_next_nil = false;
    ws.lin[t].min_len = UINT32_MAX;
    ws.lin[t].first = dsched_step();
    memset(ws.lin[t].halves, 0, sizeof ws.lin[t].halves); // constant: no libc call
    ws.lin[t].victim = v;
    lin_observe(v, false);
}

// runqhead of P pi moved from old to nw by thread t (a CAS or, in broken variants, a store).
static void head_moved(int t, int pi, uint32_t old, uint32_t nw, enum runq_site site) {
    uint32_t n = nw - old, len = ws.sh_tail[pi] - ws.sh_head[pi];
    if (old != ws.sh_head[pi]) {
        dsched_fail(INV_STATE_MISMATCH, "%s moved P%d's runqhead from %u, but it was %u (at %s)",
                    tn(t), pi, old, ws.sh_head[pi], runq_site_name(site));
    }
    if (n > len) {
        dsched_fail(INV_HEAD_PAST_TAIL,
                    "%s advanced P%d's runqhead by %u with only %u Gs queued (at %s)", tn(t), pi, n,
                    len, runq_site_name(site));
    }
    if (site == RQ_SITE_runqgrab_headcas) {
        if (n == 0 || n > len - len / 2) {
            dsched_fail(INV_WRONG_STEAL_COUNT,
                        "%s stole %u of P%d's %u queued Gs; a steal takes half, rounded up "
                        "(at most %u now)",
                        tn(t), n, pi, len, len - len / 2);
        }
        if (ws.lin_on && ws.lin[t].victim == pi && !half_seen(t, n)) {
            dsched_fail(INV_STEAL_COUNT_UNSEEN,
                        "%s's steal from P%d (steps %llu-%llu) took %u Gs from head %u, but "
                        "while the head stood there during the steal half the ring, rounded "
                        "up, was never %u (the ring holds %u Gs now)",
                        tn(t), pi, (unsigned long long)ws.lin[t].first,
                        (unsigned long long)dsched_step(), n, old, n, len);
        }
        dsched_event(DEV_STEAL);
    } else if (site == RQ_SITE_runqputslow_headcas) {
        dsched_event(DEV_OVERFLOW);
    } else if (site == RQ_SITE_runqdrain_headcas) {
        dsched_event(DEV_DRAIN);
    }
    for (uint32_t k = old; k != nw; k++) {
        int i = ws.sh_ring[pi][k & ws.cap_mask];
        ws.gw[i].where = GPLACE_FREE;
        to_hand(i, t);
    }
    if (nw < old) {
        dsched_event(DEV_WRAP);
    }
    ws.sh_head[pi] = nw;
    note_emptiness();
    lin_observe(pi, true);
}

static void tail_moved(int t, int pi, uint32_t nw, enum runq_site site) {
    if (t != pi) {
        dsched_fail(INV_NOT_OWNER, "%s wrote P%d's runqtail (only the owner may) at %s", tn(t), pi,
                    runq_site_name(site));
    }
    uint32_t old = ws.sh_tail[pi], cap = (uint32_t)ws.port.cap;
    if (nw - ws.sh_head[pi] > cap || nw - old > cap) {
        dsched_fail(INV_RING_OVERFLOW,
                    "%s published runqtail %u on P%d: %u Gs in a ring of %d (at %s)", tn(t), nw, pi,
                    nw - ws.sh_head[pi], ws.port.cap, runq_site_name(site));
    }
    for (uint32_t k = old; k != nw; k++) {
        uint32_t slot = k & ws.cap_mask;
        int i = gidx((void *)atomic_load_explicit(w_slot(pi, slot), memory_order_relaxed));
        if (!holds(t, i) && !must_hold(t, i, runq_site_name(site))) {
            return;
        }
        from_hand(i);
        ws.gw[i].where = GPLACE_RING;
        ws.gw[i].who = (int8_t)pi;
        ws.sh_ring[pi][slot] = i;
    }
    if (nw < old) {
        dsched_event(DEV_WRAP);
    }
    ws.sh_tail[pi] = nw;
    lin_observe(pi, false);
}

static void next_moved(int t, int pi, uintptr_t oldv, uintptr_t newv, enum runq_site site) {
    char b[96];
    int oi = gidx((void *)oldv), ni = gidx((void *)newv);
    if (oi != ws.sh_next[pi]) {
        dsched_fail(INV_STATE_MISMATCH,
                    "%s replaced P%d's runnext %s, but the ledger had G%d (at %s)", tn(t), pi,
                    gdesc(oi, b, sizeof b), ws.sh_next[pi] + 1, runq_site_name(site));
    }
    if (ni != -1) {
        if (t != pi) {
            dsched_fail(INV_NOT_OWNER,
                        "%s set P%d's runnext to G%d: only the owner may make it non-nil "
                        "(at %s)",
                        tn(t), pi, ni + 1, runq_site_name(site));
        }
        if (!holds(t, ni) && !must_hold(t, ni, runq_site_name(site))) {
            return;
        }
        from_hand(ni);
        ws.gw[ni].where = GPLACE_NEXT;
        ws.gw[ni].who = (int8_t)pi;
    }
    if (oi >= 0) {
        ws.gw[oi].where = GPLACE_FREE;
        to_hand(oi, t);
        if (t != pi) {
            dsched_event(DEV_RUNNEXT_STOLEN);
        }
    }
    ws.sh_next[pi] = ni;
    note_emptiness();
    lin_observe(pi, false);
}

// Ring-slot events for the memory model (memmodel.c): slot loads and stores, and the
// head CASes that commit slot reads.
static void mm_world_access(int t, int pi, int field, uint32_t slot, enum dsched_access k,
                            uintptr_t v, uintptr_t w) {
    if (field == F_SLOT) {
        if (k == DACC_LOAD) {
            mm_slot_read(t, pi, slot, w_slot(pi, slot));
        } else if (k == DACC_STORE) {
            mm_slot_write(t, pi, slot);
        }
    } else if (field == F_HEAD && k == DACC_CAS_OK) {
        mm_head_commit(t, pi, (uint32_t)v, (uint32_t)w, (uint32_t)ws.port.cap);
    } else if (field == F_HEAD && k == DACC_STORE &&
               (uint32_t)v - ws.sh_head[pi] <= (uint32_t)ws.port.cap) {
        // a broken variant's plain store (one moving runqhead back or past the ring, ~2^32
        // slots to commit, is head-past-tail right after: head_moved)
        mm_head_commit(t, pi, ws.sh_head[pi], (uint32_t)v, (uint32_t)ws.port.cap);
    }
}

void w_after_access(int t, enum runq_site site, const void *addr, enum dsched_access k, uintptr_t v,
                    uintptr_t w) {
    int field;
    uint32_t slot = 0;
    int pi = which_p(addr, &field, &slot);
    if (pi < 0) {
        return;
    }
    mm_world_access(t, pi, field, slot, k, v, w); // the memory model's slot checks
    interleave_access(t,
                      pi * INTERLEAVE_P_LOCS + (field == F_SLOT    ? 4 + (int)slot
                                                : field == F_OTHER ? 3
                                                                   : field),
                      (int)site, (int)k);
    if (k == DACC_CAS_FAIL) {
        if (field == F_HEAD) {
            dsched_event(DEV_CAS_FAIL_HEAD);
        } else if (field == F_NEXT) {
            dsched_event(DEV_CAS_FAIL_NEXT);
        }
        return;
    }
    if (k == DACC_LOAD) {
        return;
    }
    switch (field) {
    case F_HEAD: // a CAS commits a consume; a plain store is a broken variant's
        head_moved(t, pi, k == DACC_CAS_OK ? (uint32_t)v : ws.sh_head[pi],
                   k == DACC_CAS_OK ? (uint32_t)w : (uint32_t)v, site);
        break;
    case F_TAIL:
        tail_moved(t, pi, (uint32_t)v, site);
        break;
    case F_NEXT:
        next_moved(t, pi,
                   k == DACC_CAS_OK ? v
                                    : (uintptr_t)(ws.sh_next[pi] < 0 ? NULL : w_g(ws.sh_next[pi])),
                   k == DACC_CAS_OK ? w : v, site);
        break;
    case F_SLOT: {
        if (t != pi) {
            dsched_fail(INV_NOT_OWNER, "%s wrote slot %u of P%d's ring (only its owner may) at %s",
                        tn(t), slot, pi, runq_site_name(site));
        }
        uint32_t len = ws.sh_tail[pi] - ws.sh_head[pi];
        if (((slot - ws.sh_head[pi]) & ws.cap_mask) < len) {
            int i = ws.sh_ring[pi][slot];
            dsched_fail(INV_SLOT_CLOBBER,
                        "%s overwrote slot %u of P%d's ring, which holds queued "
                        "G%d (at %s)",
                        tn(t), slot, pi, i + 1, runq_site_name(site));
        }
        break;
    }
    default:
        break;
    }
    if (field <= F_NEXT) {
        uint32_t rh = w_load_head(pi), rt = w_load_tail(pi);
        if (rh != ws.sh_head[pi] || rt != ws.sh_tail[pi]) {
            dsched_fail(INV_STATE_MISMATCH, "P%d's [head,tail) is [%u,%u), the ledger says [%u,%u)",
                        pi, rh, rt, ws.sh_head[pi], ws.sh_tail[pi]);
        }
    }
}

void w_gwrite(int t, const void *gp) {
    int i = gidx(gp);
    char b[96];
    if (i < 0) {
        dsched_fail(INV_BAD_G, "%s writes the fields of %s", tn(t), gdesc(i, b, sizeof b));
    }
    if ((ws.gw[i].where == GPLACE_HAND && ws.gw[i].who == t) ||
        (ws.gw[i].where == GPLACE_GLOBAL && ws.lock_holder == t)) {
        mm_gaccess(t, *w_goid((void *)gp), MM_G_SCHEDLINK); // happens-before (g-race)
        return;
    }
    dsched_fail(INV_NOT_HOLDER, "%s writes the fields (schedlink) of %s, which it does not hold",
                tn(t), gdesc(i, b, sizeof b));
}

void w_lock_event(int t, bool acquired) {
    if (acquired) {
        ws.lock_holder = t;
        // The shadow was reconciled when sched.lock was last released: it is the global
        // queue the holder sees while it holds the lock (globrunqget's "nothing" check).
        ws.glen_at_lock[t] = ws.sh_glen;
    } else {
        reconcile_global(t);
        ws.lock_holder = -1;
    }
}
