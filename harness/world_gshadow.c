// world_gshadow.c - the ledger's shadow of the global queue (sched.runq): brought up to
// date when sched.lock is released, and walked in full against the real list.
#include "world_internal.h"

#include <stdio.h>

static uint32_t glob_stamp[MAXG], stamp;
static uint32_t reconciles;

void gshadow_reset(void) {
    ws.sh_glen = 0;
    ws.sh_gh = 0;
    reconciles = 0;
}

// A full walk of the real list against the shadow: distinct Gs, same order, sane tail and
// runqsize. O(length), so it runs on short lists, every 16th release, and at the end.
void global_full_check(int t) {
    char b[96];
    stamp++;
    struct qitem it;
    struct qwalk_list w = qwalk_list(&ws.layout, *ws.port.glob_head, UINT32_MAX);
    uint32_t j = ws.sh_gh; // the shadow's entry n is sh_glob[j]
    while (qwalk_list_next(&w, &it)) {
        // compared as a pointer (no division on the way)
        int n = (int)it.pos, i = n < ws.sh_glen ? ws.sh_glob[j] : -1;
        if (i < 0 || it.g != (uintptr_t)w_g(i) || glob_stamp[i] == stamp) {
            i = gidx((const void *)it.g);
            dsched_fail(INV_GLOBAL_CORRUPT,
                        "the global queue's entry %d is %s; the ledger expects "
                        "G%d of %d (%s releases sched.lock)",
                        n, gdesc(i, b, sizeof b), n < ws.sh_glen ? glob_at(n) + 1 : 0, ws.sh_glen,
                        tn(t));
            return;
        }
        glob_stamp[i] = stamp;
        j = j + 1 == MAXG ? 0 : j + 1;
    }
    int n = (int)w.n;
    if (n != ws.sh_glen || *ws.port.glob_tail != w.last) {
        dsched_fail(INV_GLOBAL_CORRUPT,
                    "the global queue has %d Gs (tail %s), the ledger %d (%s "
                    "releases sched.lock)",
                    n, *ws.port.glob_tail == w.last ? "ok" : "wrong", ws.sh_glen, tn(t));
    }
}

// Before sched.lock is released: bring the shadow up to date with the real list. The port
// changes the global queue only at its ends (push, pushBack, pushBackAll, pop), so the
// new list is: Gs pushed at the head, what is left of the old list, Gs appended. Every G
// that joined must come from the holder's hand; every G that left goes to it. This costs
// what changed; the middle is verified by global_full_check.
void reconcile_global(int t) {
    char b[96];
    static int32_t pre[MAXG];
    int npre = 0;
    const void *x = (const void *)*ws.port.glob_head;
    // 1. The new head part: Gs not on the old list.
    while (x != NULL) {
        int i = gidx(x);
        if (i < 0 || npre >= MAXG) {
            dsched_fail(INV_GLOBAL_CORRUPT, "the global queue holds %s (%s releases sched.lock)",
                        gdesc(i, b, sizeof b), tn(t));
            return;
        }
        if (ws.gw[i].where == GPLACE_GLOBAL) {
            break;
        }
        pre[npre++] = i;
        x = (const void *)w_schedlink(x);
    }
    // 2. Old Gs before x were popped: they are in the holder's hand now.
    int xi = x ? gidx(x) : -1;
    while (ws.sh_glen > 0 && glob_at(0) != xi) {
        int i = glob_at(0);
        ws.sh_gh = (ws.sh_gh + 1) % MAXG;
        ws.sh_glen--;
        if (ws.gw[i].where == GPLACE_GLOBAL) {
            ws.gw[i].where = GPLACE_FREE;
            to_hand(i, t);
        }
    }
    if (x != NULL && ws.sh_glen == 0) {
        dsched_fail(INV_GLOBAL_CORRUPT,
                    "G%d is marked as queued globally but is not where the "
                    "ledger's global queue has it (%s releases sched.lock)",
                    xi + 1, tn(t));
        return;
    }
    // 3. Pushed at the head.
    for (int k = npre - 1; k >= 0; k--) {
        if (!holds(t, pre[k]) && !must_hold(t, pre[k], "global queue")) {
            return;
        }
        from_hand(pre[k]);
        ws.gw[pre[k]].where = GPLACE_GLOBAL;
        ws.sh_gh = (ws.sh_gh + MAXG - 1) % MAXG;
        ws.sh_glob[ws.sh_gh] = pre[k];
        ws.sh_glen++;
    }
    // 4. Appended after the old tail.
    if (x != NULL) {
        const void *tailg = w_g(glob_at(ws.sh_glen - 1));
        int guard = 0;
        for (const void *gp = (const void *)w_schedlink(tailg); gp != NULL;
             gp = (const void *)w_schedlink(gp)) {
            int i = gidx(gp);
            if (i < 0 || ++guard > MAXG) {
                dsched_fail(INV_GLOBAL_CORRUPT,
                            "the global queue's appended part holds %s (%s "
                            "releases sched.lock)",
                            gdesc(i, b, sizeof b), tn(t));
                return;
            }
            if (!holds(t, i) && !must_hold(t, i, "global queue")) {
                return;
            }
            from_hand(i);
            ws.gw[i].where = GPLACE_GLOBAL;
            ws.sh_glob[(ws.sh_gh + (uint32_t)ws.sh_glen) % MAXG] = i;
            ws.sh_glen++;
        }
    }
    const void *want_tail = ws.sh_glen ? w_g(glob_at(ws.sh_glen - 1)) : NULL;
    if ((const void *)*ws.port.glob_tail != want_tail) {
        dsched_fail(INV_GLOBAL_CORRUPT,
                    "sched.runq.tail is not the last G of the list (%s releases "
                    "sched.lock)",
                    tn(t));
        return;
    }
    int32_t size = ws.port.global_size();
    if (size != ws.sh_glen) {
        dsched_fail(INV_RUNQSIZE_MISMATCH,
                    "%s is %d but the global queue holds %d Gs "
                    "(%s releases sched.lock)",
                    ws.port.size_name, size, ws.sh_glen, tn(t));
        return;
    }
    if (ws.sh_glen <= 32 || ++reconciles % 16 == 0) {
        global_full_check(t);
    }
}
