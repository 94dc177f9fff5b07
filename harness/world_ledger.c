// world_ledger.c - the ledger's Gs: their names, where each one is (enum gplace), and the
// moves between places that every commit point makes (world_internal.h).
#include "world_internal.h"

#include "payload.h"

#include <stdio.h>
#include <string.h>

struct world_state ws = {.lock_holder = -1, .lin_on = true};

// ---- naming -------------------------------------------------------------------------------

const char *tn(int t) {
    return sched_thread_name(t);
}

const char *gdesc(int i, char *buf, size_t n) {
    if (i < 0) {
        snprintf(buf, n, "%s", i == -1 ? "nil" : "a pointer that is no G");
        return buf;
    }
    const char *w = gplace_name(ws.gw[i].where);
    if (ws.gw[i].where == GPLACE_HAND) {
        snprintf(buf, n, "G%d (%s of %s)", i + 1, w, tn(ws.gw[i].who));
    } else if (ws.gw[i].where == GPLACE_RING || ws.gw[i].where == GPLACE_NEXT) {
        snprintf(buf, n, "G%d (%s of P%d)", i + 1, w, ws.gw[i].who);
    } else {
        snprintf(buf, n, "G%d (%s)", i + 1, w);
    }
    return buf;
}

// The new holder t takes the G over: the payload (payload.h) checks and stamps its word.
void take_payload(void *gp, int t) {
    payload_take_user((void **)((char *)gp + ws.port.g_user), *w_goid(gp), t);
}

// ---- ledger moves -------------------------------------------------------------------------

void to_hand(int i, int t) {
    ws.gw[i].where = GPLACE_HAND;
    ws.gw[i].who = (int8_t)t;
    ws.hand_count[t]++;
}

void from_hand(int i) {
    ws.hand_count[ws.gw[i].who]--;
}

// Thread t hands G i to a place. It must hold it (the lock holder holds the global queue).
// Returns false after reporting a failure (only returns at all in the main context).
bool must_hold(int t, int i, const char *what) {
    char b[96];
    if (i < 0) {
        dsched_fail(i == -1 ? INV_NIL_G : INV_BAD_G, "%s: %s puts %s", what, tn(t),
                    gdesc(i, b, sizeof b));
        return false;
    }
    if (ws.gw[i].where == GPLACE_HAND && ws.gw[i].who == t) {
        return true;
    }
    if (ws.gw[i].where == GPLACE_GLOBAL && ws.lock_holder == t) {
        ws.gw[i].where = GPLACE_FREE; // leaves the global queue (reconciled at unlock)
        to_hand(i, t);
        return true;
    }
    uint8_t w = ws.gw[i].where;
    enum inv_id inv = w == GPLACE_DONE || w == GPLACE_RING || w == GPLACE_NEXT ||
                              w == GPLACE_GLOBAL || w == GPLACE_HAND
                          ? INV_DUP_G
                          : INV_NOT_HOLDER;
    dsched_fail(inv, "%s: %s places %s, which it does not hold", what, tn(t),
                gdesc(i, b, sizeof b));
    return false;
}

// Labels -> G index, for v2 schedules whose ops put named Gs (initial.h "puts"): open
// addressing; an entry is live only in the generation of the current execution.
#define LMAP 65536
static struct {
    int32_t label, gi;
    uint32_t gen;
} lmap[LMAP];
static uint32_t lgen;
static uint32_t nputs_done[NP];

static int lmap_slot(int32_t label) {
    uint32_t h = ((uint32_t)label * 2654435761u) >> 16;
    for (uint32_t k = 0; k < LMAP; k++, h = (h + 1) % LMAP) {
        if (lmap[h].gen != lgen || lmap[h].label == label) {
            return (int)h;
        }
    }
    return -1;
}

static void lmap_set(int32_t label, int gi) {
    int h = lmap_slot(label);
    if (h >= 0) {
        lmap[h].label = label;
        lmap[h].gi = gi;
        lmap[h].gen = lgen;
    }
}

// A new execution with an initial state: forget the last one's labels.
void labels_new_run(void) {
    lgen++;
    memset(nputs_done, 0, sizeof nputs_done);
}

// G i, fresh: zeroed, its goid set.
static void init_g(int i) {
    void *gp = w_g(i);
    memset(gp, 0, ws.port.g_size);
    *w_goid(gp) = i + 1;
}

int new_g(int t) {
    int32_t label = 0;
    const schedule *S = ws.S;
    if (S->init && nputs_done[t] < S->init->nputs[t]) {
        label = S->init->puts[t][nputs_done[t]++];
        int h = lmap_slot(label);
        if (h >= 0 && lmap[h].gen == lgen && ws.gw[lmap[h].gi].where == GPLACE_DONE) {
            // The run put this G again after it ran: the same G, as a real G is reused.
            int i = lmap[h].gi;
            ws.ndone--;
            to_hand(i, t);
            take_payload(w_g(i), t);
            return i;
        }
    }
    if (ws.ng == MAXG) {
        return -1;
    }
    int i = ws.ng++;
    init_g(i);
    ws.glabel[i] = label;
    if (label) {
        lmap_set(label, i);
    }
    to_hand(i, t);
    take_payload(w_g(i), t);
    return i;
}

// The G labelled l, placed now if it is new (where it goes is up to the caller).
int placed_g(int32_t l, bool *fresh) {
    int h = lmap_slot(l);
    if (h >= 0 && lmap[h].gen == lgen) {
        *fresh = false;
        return lmap[h].gi;
    }
    if (ws.ng == MAXG) {
        return -1;
    }
    int i = ws.ng++;
    init_g(i);
    ws.glabel[i] = l;
    lmap_set(l, i);
    *fresh = true;
    return i;
}

int32_t label_of(int i) {
    return ws.glabel[i] ? ws.glabel[i] : 1000000 + i;
}

void consume(int t, void *gp, const char *what) {
    int i = gidx(gp);
    char b[96];
    if (i < 0 || ws.gw[i].where != GPLACE_HAND || ws.gw[i].who != t) {
        dsched_fail(
            i < 0                                                            ? INV_BAD_G
            : ws.gw[i].where == GPLACE_DONE || ws.gw[i].where == GPLACE_HAND ? INV_DUP_G
                                                                             : INV_NOT_HOLDER,
            "%s returned %s to %s, which does not hold it", what, gdesc(i, b, sizeof b), tn(t));
    }
    take_payload(gp, t); // runs the G: its memory must be visible to this thread
    from_hand(i);
    ws.gw[i].where = GPLACE_DONE;
    ws.gw[i].who = (int8_t)t; // who ran it, for the trace's last lines
    ws.ndone++;
}

void hand_must_be_empty(int t, const char *what) {
    if (ws.hand_count[t] == 0) {
        return;
    }
    for (int i = 0; i < ws.ng; i++) {
        if (ws.gw[i].where == GPLACE_HAND && ws.gw[i].who == t) {
            dsched_fail(INV_LOST_G,
                        "G%d was taken by %s during its %s and is nowhere now: not "
                        "queued, not run",
                        i + 1, tn(t), what);
        }
    }
}
