// world_check.c - the checks against whole states: an op that ran alone against the
// sequential reference model (model.c), and the final accounting when every thread is done.
#include "world_internal.h"

void model_from_shadow(model *m) {
    m->cap = (uint32_t)ws.port.cap;
    m->nprocs = ws.S->nthreads;
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        model_p *mp = &m->p[pi];
        mp->head = 0;
        mp->len = ws.sh_tail[pi] - ws.sh_head[pi];
        for (uint32_t k = 0; k < mp->len; k++) {
            mp->ring[k] = ws.sh_ring[pi][(ws.sh_head[pi] + k) & ws.cap_mask] + 1;
        }
        mp->runnext = ws.sh_next[pi] + 1;
    }
    m->ghead = 0;
    m->glen = (uint32_t)ws.sh_glen;
    // copied in the deque's (at most two) contiguous runs: glob_at's % MAXG per entry
    // dominated this copy
    uint32_t len = (uint32_t)ws.sh_glen, first = MAXG - ws.sh_gh;
    if (first > len) {
        first = len;
    }
    const int32_t *a = &ws.sh_glob[ws.sh_gh];
    for (uint32_t k = 0; k < first; k++) {
        m->glob[k] = a[k] + 1;
    }
    for (uint32_t k = first; k < len; k++) {
        m->glob[k] = ws.sh_glob[k - first] + 1;
    }
}

void compare_with_model(int t, const model *mm, const char *what) {
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        const model_p *mp = &mm->p[pi];
        uint32_t len = ws.sh_tail[pi] - ws.sh_head[pi];
        if (len != mp->len) {
            dsched_fail(INV_MODEL_MISMATCH,
                        "after %s's %s (alone): P%d holds %u Gs in its ring, "
                        "the model %u",
                        tn(t), what, pi, len, mp->len);
        }
        // the model's ring walked with a wrapping index (no division per slot)
        uint32_t mj = mp->head % mm->cap;
        for (uint32_t k = 0; k < len; k++) {
            int got = ws.sh_ring[pi][(ws.sh_head[pi] + k) & ws.cap_mask] + 1;
            int want = mp->ring[mj];
            mj = mj + 1 == mm->cap ? 0 : mj + 1;
            if (got != want) {
                dsched_fail(INV_MODEL_MISMATCH,
                            "after %s's %s (alone): P%d ring[%u] is G%d, the "
                            "model G%d",
                            tn(t), what, pi, k, got, want);
            }
        }
        if (ws.sh_next[pi] + 1 != mp->runnext) {
            dsched_fail(INV_MODEL_MISMATCH,
                        "after %s's %s (alone): P%d runnext is G%d, the model "
                        "G%d (0 = nil)",
                        tn(t), what, pi, ws.sh_next[pi] + 1, mp->runnext);
        }
    }
    if ((uint32_t)ws.sh_glen != mm->glen) {
        dsched_fail(INV_MODEL_MISMATCH,
                    "after %s's %s (alone): the global queue holds %d Gs, the "
                    "model %u",
                    tn(t), what, ws.sh_glen, mm->glen);
    }
    // compared in runs where neither deque wraps (no modulo per entry)
    uint32_t gj = ws.sh_gh, mg = mm->ghead % MODEL_MAX_G, glen = (uint32_t)ws.sh_glen;
    for (uint32_t k = 0; k < glen;) {
        uint32_t run = glen - k;
        if (run > MAXG - gj) {
            run = MAXG - gj;
        }
        if (run > MODEL_MAX_G - mg) {
            run = MODEL_MAX_G - mg;
        }
        const int32_t *got = &ws.sh_glob[gj], *want = &mm->glob[mg];
        uint32_t i = 0;
        while (i < run && got[i] + 1 == want[i]) {
            i++;
        }
        if (i == run) {
            k += run;
            gj = gj + run == MAXG ? 0 : gj + run;
            mg = mg + run == MODEL_MAX_G ? 0 : mg + run;
            continue;
        }
        dsched_fail(INV_MODEL_MISMATCH, "after %s's %s (alone): global[%d] is G%d, the model G%d",
                    tn(t), what, (int)(k + i), got[i] + 1, want[i]);
        return; // not reached (the fiber is over)
    }
}

// runqget answered nil: only the owner adds to its ring and runnext, so during the call
// they only shrank; nil is right only if they are empty now.
void spurious_empty_check(int t, const char *what, uint64_t first) {
    if (!ws.lin_on || shadow_empty(t)) {
        return;
    }
    char b[96];
    dsched_fail(INV_SPURIOUS_EMPTY_GET,
                "%s's %s (steps %llu-%llu) returned nil, but its P%d still holds %u Gs in its "
                "ring and runnext %s (only the owner adds to them: never empty during the call)",
                tn(t), what, (unsigned long long)first, (unsigned long long)dsched_step(), t,
                ws.sh_tail[t] - ws.sh_head[t], gdesc(ws.sh_next[t], b, sizeof b));
}

// Main context, every thread done: no G in a hand, the real queues are the shadow, and
// every G created either ran or is queued exactly once.
void w_finish(void) {
    int queued = 0;
    for (int i = 0; i < ws.ng; i++) {
        if (ws.gw[i].where == GPLACE_HAND) {
            dsched_fail(INV_LOST_G, "G%d is still in %s's hand at the end", i + 1,
                        tn(ws.gw[i].who));
            return;
        }
        queued += ws.gw[i].where != GPLACE_DONE;
    }
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        struct qview v = qview_of_port(&ws.layout, w_p(pi));
        if (v.head != ws.sh_head[pi] || v.tail != ws.sh_tail[pi]) {
            dsched_fail(INV_STATE_MISMATCH,
                        "at the end P%d's [head,tail) is [%u,%u), the ledger "
                        "says [%u,%u)",
                        pi, v.head, v.tail, ws.sh_head[pi], ws.sh_tail[pi]);
            return;
        }
        int rn = -1; // the real runnext
        struct qitem it;
        for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it);) {
            int i = gidx((const void *)it.g);
            if (it.where == GPLACE_NEXT) {
                rn = i;
            } else if (i != ws.sh_ring[pi][it.slot]) {
                dsched_fail(INV_STATE_MISMATCH, "at the end P%d slot %u holds G%d, the ledger G%d",
                            pi, it.slot, i + 1, ws.sh_ring[pi][it.slot] + 1);
                return;
            }
        }
        if (rn != ws.sh_next[pi]) {
            dsched_fail(INV_STATE_MISMATCH, "at the end P%d's runnext is G%d, the ledger G%d", pi,
                        rn + 1, ws.sh_next[pi] + 1);
            return;
        }
    }
    global_full_check(0); // the real list must be the shadow
    hand_must_be_empty(0, "final accounting");
    int counted = ws.sh_glen;
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        counted += (int)(ws.sh_tail[pi] - ws.sh_head[pi]) + (ws.sh_next[pi] >= 0);
    }
    if (counted != queued || ws.ndone + queued != ws.ng) {
        dsched_fail(INV_LOST_G,
                    "at the end %d Gs were created, %d ran, %d are queued, but the "
                    "queues hold %d",
                    ws.ng, ws.ndone, queued, counted);
    }
}
