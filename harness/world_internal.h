// world_internal.h - what the files of the engine's world share (not for other users:
// they see struct dsched_world through worlds.h).
//
// The world is compiled once; the port it runs is a struct port_adapter (one per compiled
// capacity and Go version), copied into ws.port at reset. The ledger keeps a shadow of the
// abstract state: where every G is (enum gplace: FREE, in a thread's HAND, in a P's RING,
// in a P's NEXT, in the GLOBAL queue, DONE) and each ring's and the global queue's order.
// Only one simulated thread runs between two seam operations, so every change the port
// makes to shared state is seen right after the access that made it and checked then:
//   - a G may enter a place only from the hand of the thread that puts it there;
//   - a G leaves a place only into the hand of the thread whose commit (CAS, lock) took it;
//   - a thread's hand is empty at every op boundary; a G's fields are written only by
//     its holder (the lock holder holds the global queue).
// An op that ran with no other thread stepping is also replayed on the reference model
// (model.c) and must give the same result and the same state.
// Every answer "nothing" and every steal count is checked under concurrency too: it must
// be the model's answer at some step of the op's interval (runqget/runqdrain: their own
// P only shrinks meanwhile, so at the return; runqsteal: the victim's state at each commit
// during the steal, O(threads) per commit; globrunqget: the queue under sched.lock).
//
// Files: world_ledger.c (names, where each G is, moves), world_gshadow.c (the global
// queue's shadow), world_hooks.c (commit points: head/tail/runnext moves, linearizability
// watch), world_run.c (the op interpreter's backend), world_check.c (model check, final
// accounting), world_describe.c (trace text), world_setup.c (reset, initial states).
#ifndef HARNESS_WORLD_INTERNAL_H
#define HARNESS_WORLD_INTERNAL_H

#include "dsched.h"
#include "gplace.h"
#include "initial.h"
#include "model.h"
#include "port_adapter.h"
#include "qwalk.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define NP PORT_MAX_PROCS
#define MAXG PORT_MAX_G
#define HALF_WORDS_MAX ((PORT_MAX_CAP / 2 + 64) / 64)

// Fields of a P as which_p names them.
enum { F_HEAD, F_TAIL, F_NEXT, F_SLOT, F_OTHER };

struct world_state {
    struct port_adapter port; // the port this execution runs (a copy: read on every access)
    struct qlayout layout;    // its queue words, for the walker (qwalk.h)
    uint32_t cap_mask;        // port.cap - 1
    size_t ps_bytes;          // NP Ps
    uint32_t half_words;      // words of lin[].halves in use for this capacity
    const schedule *S;

    struct {
        uint8_t where; // enum gplace
        int8_t who;    // thread (HAND, DONE) or P (RING, NEXT)
    } gw[MAXG];
    int32_t glabel[MAXG]; // labels of Gs placed from an initial state (initial.h), 0: fresh
    int ng;               // Gs created so far
    int ndone;            // Gs run to completion
    int hand_count[NP];
    int lock_holder;      // thread holding sched.lock
    int glen_at_lock[NP]; // the global queue's length when thread t last took sched.lock

    // Shadow of each P and of the global queue, in G indices (goid - 1), -1 = nil. The
    // global queue is a deque: sh_glob[(sh_gh + k) % MAXG], k < sh_glen.
    uint32_t sh_head[NP], sh_tail[NP];
    int32_t sh_ring[NP][PORT_MAX_CAP];
    int32_t sh_next[NP];
    int32_t sh_glob[MAXG];
    uint32_t sh_gh;
    int sh_glen;

    // runqempty bookkeeping: a thread inside runqempty(victim) and whether victim was
    // empty at some step since the call began.
    int empty_victim[NP];
    bool empty_seen[NP];

    // Linearizability of steals: a thread inside runqsteal(victim) watches the victim's
    // abstract state at every commit between its op's first and last step, so its answer
    // can be checked against what the model would have answered at some step of that
    // interval. Each commit costs O(threads); nothing is kept per step.
    struct {
        int victim;         // -1: not inside a steal
        bool ring_empty;    // the victim's ring was empty at some step of the op
        bool then_next_nil; // ... and its runnext nil then or at a later step
        uint32_t min_len;   // least ring length seen
        uint64_t first;     // the op's first step
        // ceil(len/2) of every ring state seen since the victim's head last moved (a
        // steal that takes from head h may only have looked at states with head h)
        uint64_t halves[HALF_WORDS_MAX];
    } lin[NP];
    // The interval checks judge answers against the states the ledger saw; they hold
    // under the default sequentially consistent memory only (`memory weak` may read older
    // stores).
    bool lin_on;
};

extern struct world_state ws;

// ---- the port's memory, through the adapter's layout -------------------------------------

static inline char *w_p(int pi) {
    return ws.port.ps + (size_t)pi * ws.port.p_size;
}
static inline _Atomic uint32_t *w_head(int pi) {
    return (_Atomic uint32_t *)(w_p(pi) + ws.port.p_head);
}
static inline _Atomic uint32_t *w_tail(int pi) {
    return (_Atomic uint32_t *)(w_p(pi) + ws.port.p_tail);
}
static inline _Atomic uintptr_t *w_next(int pi) {
    return (_Atomic uintptr_t *)(w_p(pi) + ws.port.p_next);
}
static inline _Atomic uintptr_t *w_slot(int pi, uint32_t slot) {
    return (_Atomic uintptr_t *)(w_p(pi) + ws.port.p_runq) + slot;
}
static inline void *w_g(int i) {
    return ws.port.gs + (size_t)i * ws.port.g_size;
}
static inline uintptr_t w_schedlink(const void *gp) {
    return *(const uintptr_t *)((const char *)gp + ws.port.g_schedlink);
}
static inline int64_t *w_goid(void *gp) {
    return (int64_t *)((char *)gp + ws.port.g_goid);
}
// Relaxed loads of a P's words by the engine (not steps).
static inline uint32_t w_load_head(int pi) {
    return atomic_load_explicit(w_head(pi), memory_order_relaxed);
}
static inline uint32_t w_load_tail(int pi) {
    return atomic_load_explicit(w_tail(pi), memory_order_relaxed);
}

// The index of the G gp points to; -1 for nil, -2 if it is no G.
static inline int gidx(const void *gp) {
    if (gp == NULL) {
        return -1;
    }
    uintptr_t a = (uintptr_t)gp, base = (uintptr_t)ws.port.gs;
    if (a < base) {
        return -2;
    }
    size_t i = (a - base) / ws.port.g_size;
    return i < MAXG ? (int)i : -2;
}

// Which P (and field, and ring slot) addr is in; -1 if none.
static inline __attribute__((always_inline)) int which_p(const void *addr, int *field,
                                                         uint32_t *slot) {
    uintptr_t a = (uintptr_t)addr, base = (uintptr_t)ws.port.ps;
    if (a < base || a >= base + ws.ps_bytes) {
        return -1;
    }
    size_t off = a - base;
    int i = (int)(off / ws.port.p_size);
    off -= (size_t)i * ws.port.p_size;
    if (off == ws.port.p_head) {
        *field = F_HEAD;
    } else if (off == ws.port.p_tail) {
        *field = F_TAIL;
    } else if (off == ws.port.p_next) {
        *field = F_NEXT;
    } else if (off >= ws.port.p_runq &&
               off < ws.port.p_runq + (size_t)ws.port.cap * sizeof(uintptr_t)) {
        *field = F_SLOT;
        *slot = (uint32_t)((off - ws.port.p_runq) / sizeof(uintptr_t));
    } else {
        *field = F_OTHER; // status (and master's m)
    }
    return i;
}

// ---- world_ledger.c: names, where each G is, moves ----------------------------------------
const char *tn(int t);
const char *gdesc(int i, char *buf, size_t n);
void take_payload(void *gp, int t);
void to_hand(int i, int t);
void from_hand(int i);
bool must_hold(int t, int i, const char *what);
// must_hold's common case, inline (a G is placed at every put): t holds G i in its hand.
static inline bool holds(int t, int i) {
    return i >= 0 && ws.gw[i].where == GPLACE_HAND && ws.gw[i].who == t;
}
int new_g(int t);
void consume(int t, void *gp, const char *what);
void hand_must_be_empty(int t, const char *what);
void labels_new_run(void);
int placed_g(int32_t l, bool *fresh);
int32_t label_of(int i);

// The ledger's shadow of P pi as a view the walker reads (slots: G indices; nil: -1).
static inline struct qview shadow_view(int pi) {
    struct qview v = {
        .head = ws.sh_head[pi],
        .tail = ws.sh_tail[pi],
        .cap = (uint32_t)ws.port.cap,
        .ring = ws.sh_ring[pi],
        .slot_size = sizeof(int32_t),
        .next = (uintptr_t)(intptr_t)ws.sh_next[pi],
        .nil = (uintptr_t)(intptr_t)-1,
    };
    return v;
}

// ---- world_gshadow.c: the global queue's shadow -------------------------------------------
static inline int glob_at(int k) {
    return ws.sh_glob[(ws.sh_gh + (uint32_t)k) % MAXG];
}
void global_full_check(int t);
void reconcile_global(int t);
void gshadow_reset(void);

// ---- world_hooks.c: commit points and the linearizability watch ---------------------------
static inline bool shadow_empty(int pi) {
    return ws.sh_tail[pi] == ws.sh_head[pi] && ws.sh_next[pi] == -1;
}
void lin_begin_steal(int t, int v);
void w_after_access(int t, enum runq_site site, const void *addr, enum dsched_access k, uintptr_t v,
                    uintptr_t w);
void w_gwrite(int t, const void *gp);
void w_lock_event(int t, bool acquired);

// ---- world_check.c: the reference model, final accounting ---------------------------------
void model_from_shadow(model *m);
void compare_with_model(int t, const model *mm, const char *what);
void spurious_empty_check(int t, const char *what, uint64_t first);
void w_finish(void);

// ---- world_describe.c: trace text ---------------------------------------------------------
void describe_result(int t, const sched_op *op, char *result, size_t n, int ng0, const int *taken,
                     int ntaken, uint32_t tail0, int32_t got_ret, bool spilled);
void w_describe(char *buf, size_t n);
void w_describe_end(FILE *out);
void w_describe_value(enum runq_site site, const void *addr, uintptr_t v, char *buf, size_t n);
void w_sizes(uint32_t *ring_len, bool *has_next, int *glob_len);

// ---- world_run.c: the op interpreter's backend (op_interp.h) ---------------------------
void w_thread_body(int t);

// ---- world_setup.c: reset, initial states, recorded-run lookups ---------------------------
void world_reset(const struct port_adapter *port, const schedule *s);
void w_save_initial(struct sched_initial *out);
int w_locate(const void *addr, int *pid, uint32_t *slot);
int w_g_of(uintptr_t v);

#endif
