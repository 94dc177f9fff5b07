// qwalk.h - one walker over a run queue, for every driver: a P's ring from runqhead to
// runqtail then its runnext, and the global queue's list through schedlink. It works on a
// capacity-neutral view of a P (struct qview), so one build walks every compiled capacity:
// the real P of a port (qview_of_port, from the port's layout) or a ledger's shadow of one.
// Engine-free (no dsched, no fibers): runq-torture can link it (CMake harness_qwalk).
// Inline iterators: the engine walks on hot paths.
#ifndef HARNESS_QWALK_H
#define HARNESS_QWALK_H

#include "gplace.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Where a port's queue words are (offsets in its p and g; ring slots are guintptr words).
struct qlayout {
    uint32_t cap;
    size_t p_head, p_tail, p_runq, p_next;
    size_t g_schedlink;
};

// A P's queue as the walker reads it: the indices, the ring (slot k at ring + (k mod cap)
// * slot_size; 8: a port's guintptr words, read relaxed; 4: int32 words, e.g. G indices of
// a shadow), runnext and the value that means nil.
struct qview {
    uint32_t head, tail, cap;
    const void *ring;
    unsigned slot_size;
    uintptr_t next, nil;
};

// One G a walk found: its place (RING or NEXT, GLOBAL), its position from the head (0 for
// runnext), its ring slot, and the word that names it (a G pointer, or a shadow's index).
struct qitem {
    enum gplace where;
    uint32_t pos, slot;
    uintptr_t g;
};

// The real P at pp, read with relaxed loads (any time; a torn view while it moves).
static inline struct qview qview_of_port(const struct qlayout *L, const void *pp) {
    const char *b = (const char *)pp;
    struct qview v = {
        .head = atomic_load_explicit((_Atomic uint32_t *)(b + L->p_head), memory_order_relaxed),
        .tail = atomic_load_explicit((_Atomic uint32_t *)(b + L->p_tail), memory_order_relaxed),
        .cap = L->cap,
        .ring = b + L->p_runq,
        .slot_size = sizeof(uintptr_t),
        .next = atomic_load_explicit((_Atomic uintptr_t *)(b + L->p_next), memory_order_relaxed),
        .nil = 0,
    };
    return v;
}

static inline uint32_t qview_len(const struct qview *v) {
    return v->tail - v->head;
}

// The word in ring slot s of v.
static inline uintptr_t qview_slot(const struct qview *v, uint32_t s) {
    if (v->slot_size == sizeof(uintptr_t)) {
        return atomic_load_explicit((_Atomic uintptr_t *)v->ring + s, memory_order_relaxed);
    }
    return (uintptr_t)(intptr_t)((const int32_t *)v->ring)[s];
}

// Walking a P: for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it);) ...
// yields the ring's Gs from head to tail (at most cap of them), then runnext if not nil.
struct qwalk {
    const struct qview *v;
    uint32_t k;
    bool next_done;
};

static inline struct qwalk qwalk_p(const struct qview *v) {
    struct qwalk w = {v, 0, false};
    return w;
}

static inline bool qwalk_p_next(struct qwalk *w, struct qitem *it) {
    const struct qview *v = w->v;
    uint32_t len = qview_len(v);
    if (w->k < len && w->k < v->cap) {
        it->where = GPLACE_RING;
        it->pos = w->k;
        it->slot = (v->head + w->k) & (v->cap - 1);
        it->g = qview_slot(v, it->slot);
        w->k++;
        return true;
    }
    if (!w->next_done) {
        w->next_done = true;
        if (v->next != v->nil) {
            it->where = GPLACE_NEXT;
            it->pos = it->slot = 0;
            it->g = v->next;
            return true;
        }
    }
    return false;
}

// Skips the rest of the ring: the walk goes on with runnext.
static inline void qwalk_p_skip_ring(struct qwalk *w) {
    w->k = qview_len(w->v);
}

// Walking a list of Gs through schedlink from head (the global queue, a gQueue), at most
// limit Gs (a cycle must not hang the walker): for (struct qwalk_list w = qwalk_list(L,
// head, limit); qwalk_list_next(&w, &it);) ...; afterwards w.n is the count walked, w.last
// the last G (0 if none) and w.cut whether the limit stopped it. A G's schedlink is read
// only when the walk goes past it, so a caller that stops at a bad pointer never reads it.
struct qwalk_list {
    size_t link; // schedlink's offset in a g
    uintptr_t cur, last;
    uint32_t n, limit;
    bool cut;
};

static inline struct qwalk_list qwalk_list(const struct qlayout *L, uintptr_t head,
                                           uint32_t limit) {
    struct qwalk_list w = {L->g_schedlink, head, 0, 0, limit, false};
    return w;
}

static inline bool qwalk_list_next(struct qwalk_list *w, struct qitem *it) {
    if (w->n > 0) { // past the G the caller saw (read only now: the caller checked it is a G)
        w->cur = *(const uintptr_t *)((const char *)w->last + w->link);
    }
    if (w->cur == 0) {
        return false;
    }
    if (w->n >= w->limit) {
        w->cut = true;
        return false;
    }
    it->where = GPLACE_GLOBAL;
    it->pos = w->n++;
    it->slot = 0;
    it->g = w->cur;
    w->last = w->cur;
    return true;
}

#endif
