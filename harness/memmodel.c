// memmodel.c - the engine's memory model and its three checks (see memmodel.h).
// Over 500 lines: one model (clocks, store records and histories, the three checks) over one
// private layout that every part indexes; the hot path is the common-case inline of each.
//
// Costs, sequentially consistent mode (the default; every fuzz input unless it asks for
// weak memory): a relaxed load is not looked at; an acquire load looks its location up
// (a direct map over the world's Ps) and joins the newest store's clock; a store or CAS
// overwrites that location's one store record (only the newest is ever read). The
// history, "seen" epochs and coherence bounds exist only under `memory weak`. Slot reads
// are kept only for thieves (the owner reads what it wrote itself), and every failure's
// message is built out of line (cold), so the checks' common path is a few compares.
#include "memmodel.h"

#include "dsched.h"
#include "runq.h"

#include <stdio.h>
#include <string.h>

// One store of a location.
typedef struct mm_store_rec {
    uintptr_t v;
    uint32_t sync[MM_THREADS]; // what an acquire of this store joins (all 0: nothing)
    uint32_t seen[MM_THREADS]; // weak mode: epoch of u's first read of it (0: none)
    uint64_t step;             // 0: the initial value (or a write the engine did not see)
    int8_t t;                  // writer, -1 for the initial value
    uint8_t mo;
    bool has_sync; // sync is not all 0
    uint16_t site;
    uint32_t epoch; // writer's clock entry at the store
} mm_store_rec;

typedef struct mm_loc {
    uint32_t n;                // stores so far; store i is h[i & hmask]
    uint32_t tidx[MM_THREADS]; // newest store index each thread read or wrote
    mm_store_rec h[MM_HISTORY];
} mm_loc;

// Address -> location: a small open-addressing table (cache-friendly), the locations
// themselves dense in the order an execution first touches them.
#define MM_TABLE 4096 // power of two; a world has at most 4 * (256 + 4) locations
#define MM_MAX_LOCS 2048
typedef struct mm_entry {
    const void *addr;
    uint32_t gen;
    uint32_t loc;
} mm_entry;
static mm_entry table[MM_TABLE];
// The world's Ps: a direct map from (address - base) / 4 to a location (+1; 0: none yet).
#define MM_REGION_WORDS 4096
static const char *region;
static size_t region_words;
static uint32_t region_gen[MM_REGION_WORDS], region_loc[MM_REGION_WORDS];
static mm_loc locs[MM_MAX_LOCS];
static uint32_t nlocs;
static uint32_t hmask; // history kept: 1 store (SC: only the newest is ever read) or 8
static uint32_t gen;
static bool weak;
static bool full; // every load goes through the model (weak memory, or a trace wants rf)
static int nthreads;
static uint32_t C[MM_THREADS][MM_THREADS]; // vector clocks
static uint32_t lock_clock[MM_THREADS];

// A load as the slot checks keep it: the reader's side, and the store it read.
typedef struct mm_read {
    int8_t wt;
    uint8_t wmo;
    uint16_t wsite;
    uint32_t wepoch;
    uint64_t wstep;
    bool hb; // the store happens-before the load
    uint8_t mo;
    uint16_t site;
    uint32_t epoch; // reader's epoch
    uint64_t step;
} mm_read;

// Each thread's last load: the store it read (valid until that location's next store,
// which cannot come before the world's hook for this load runs) and what is cheap to keep.
typedef struct mm_last {
    const mm_store_rec *r;
    uint32_t stale;
    uint8_t mo;
    uint16_t site;
} mm_last;
static mm_last last_read[MM_THREADS];
uint64_t mm_now;                      // the engine's step, kept current by dsched.c
static uint16_t cur_site[MM_THREADS]; // each thread's last seam site (for messages)

const char *mm_order_name(memory_order mo) {
    switch (mo) {
    case memory_order_relaxed:
        return "relaxed";
    case memory_order_consume:
        return "consume";
    case memory_order_acquire:
        return "acquire";
    case memory_order_release:
        return "release";
    case memory_order_acq_rel:
        return "acq_rel";
    default:
        return "seq_cst";
    }
}

// Bit masks over memory_order values (relaxed 0 .. seq_cst 5): cheaper than a switch.
#define MO_BIT(mo) (1u << (unsigned)(mo))
#define ACQUIRE_ORDERS                                                                             \
    (MO_BIT(memory_order_consume) | MO_BIT(memory_order_acquire) | MO_BIT(memory_order_acq_rel) |  \
     MO_BIT(memory_order_seq_cst))
#define RELEASE_ORDERS                                                                             \
    (MO_BIT(memory_order_release) | MO_BIT(memory_order_acq_rel) | MO_BIT(memory_order_seq_cst))
static inline bool is_acquire(memory_order mo) {
    return (MO_BIT(mo) & ACQUIRE_ORDERS) != 0;
}
static inline bool is_release(memory_order mo) {
    return (MO_BIT(mo) & RELEASE_ORDERS) != 0;
}

bool mm_weak(void) {
    return weak;
}

void mm_reset(int n, bool w, bool trace) {
    gen++;
    if (gen == 0) { // wrapped: clear the tags for real
        memset(table, 0, sizeof table);
        memset(region_gen, 0, sizeof region_gen);
        gen = 1;
    }
    nlocs = 0;
    weak = w;
    full = w || trace;
    hmask = w ? MM_HISTORY - 1 : 0;
    nthreads = n;
    memset(C, 0, sizeof C);
    for (int t = 0; t < MM_THREADS; t++) {
        C[t][t] = 1;
    }
    memset(lock_clock, 0, sizeof lock_clock);
    memset(last_read, 0, sizeof last_read);
    memset(cur_site, 0xff, sizeof cur_site); // no access yet
}

// ---- locations ----------------------------------------------------------------------------

static uintptr_t mem_read(const void *a, unsigned width) {
    return width == 4 ? (uintptr_t)__atomic_load_n((const uint32_t *)a, __ATOMIC_RELAXED)
                      : (uintptr_t)__atomic_load_n((const uintptr_t *)a, __ATOMIC_RELAXED);
}
static void mem_write(void *a, unsigned width, uintptr_t v) {
    if (width == 4) {
        __atomic_store_n((uint32_t *)a, (uint32_t)v, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n((uintptr_t *)a, v, __ATOMIC_RELAXED);
    }
}

static mm_store_rec *newest(mm_loc *l) {
    return &l->h[(l->n - 1) & hmask];
}

// A store record appended by thread t (-1: a value the engine did not see written, such
// as the world's own initialisation; it happens-before everything).
static mm_store_rec *append(mm_loc *l, int t, uintptr_t v) {
    uint32_t i = l->n++;
    mm_store_rec *r = &l->h[i & hmask];
    r->v = v;
    r->t = (int8_t)t;
    r->step = t < 0 ? 0 : mm_now;
    r->has_sync = false; // sync is read only when has_sync
    if (weak) {
        memset(r->seen, 0, sizeof r->seen);
    }
    if (t >= 0) {
        r->epoch = C[t][t];
        r->seen[t] = C[t][t];
        l->tidx[t] = i;
    } else {
        r->epoch = 0;
        r->mo = memory_order_relaxed;
        r->site = 0;
    }
    return r;
}

static mm_loc *new_loc(const void *a, unsigned width, uint32_t *slot) {
    if (nlocs == MM_MAX_LOCS) {
        dsched_fail(INV_ENGINE_LIMIT, "memory model: more than %d locations", MM_MAX_LOCS);
    }
    *slot = nlocs;
    mm_loc *l = &locs[nlocs++];
    l->n = 0;
    memset(l->tidx, 0, sizeof l->tidx);
    append(l, -1, mem_read(a, width)); // first access this execution: the initial store
    return l;
}

static inline mm_loc *loc_of(const void *a, unsigned width) {
    size_t w = (size_t)(((uintptr_t)a - (uintptr_t)region) / 4); // wraps if a < region
    if (w < region_words) {
        if (region_gen[w] == gen) {
            return &locs[region_loc[w]];
        }
        region_gen[w] = gen;
        return new_loc(a, width, &region_loc[w]);
    }
    uintptr_t k = (uintptr_t)a;
    uint32_t i = (uint32_t)((k >> 3) * 0x9E3779B97F4A7C15ull >> 40) & (MM_TABLE - 1);
    for (;;) {
        mm_entry *e = &table[i];
        if (e->gen != gen) {
            e->gen = gen;
            e->addr = a;
            return new_loc(a, width, &e->loc);
        }
        if (e->addr == a) {
            return &locs[e->loc];
        }
        i = (i + 1) & (MM_TABLE - 1);
    }
}

// A word of the world's Ps already seen this execution (the common case): no call, so the
// SC fast paths below stay leaf functions. NULL: ask loc_of.
static inline mm_loc *loc_known(const void *a) {
    size_t w = (size_t)(((uintptr_t)a - (uintptr_t)region) / 4);
    return w < region_words && region_gen[w] == gen ? &locs[region_loc[w]] : NULL;
}

void mm_set_region(const void *base, size_t bytes) {
    region = base;
    region_words = bytes / 4 < MM_REGION_WORDS ? bytes / 4 : MM_REGION_WORDS;
}

// Real memory changed behind the model's back (the world sets a P's status directly):
// that value counts as an initial store.
static void sync_external(mm_loc *l, uintptr_t real) {
    if (newest(l)->v != real) {
        append(l, -1, real);
    }
}

static inline void join(int t, const uint32_t *c) {
    uint32_t *d = C[t];
    for (int u = 0; u < MM_THREADS; u++) {
        d[u] = c[u] > d[u] ? c[u] : d[u]; // branch-free max
    }
}

static inline void note_read(int t, enum runq_site s, memory_order mo, const mm_store_rec *r,
                             uint32_t stale) {
    mm_last *x = &last_read[t];
    x->r = r;
    x->stale = stale;
    x->mo = (uint8_t)mo;
    x->site = (uint16_t)s;
}

void mm_last_read(int t, uint64_t *store_step, uint32_t *stale) {
    *store_step = last_read[t].r ? last_read[t].r->step : 0;
    *stale = last_read[t].stale;
}

// ---- accesses -----------------------------------------------------------------------------

// Weak mode: the oldest store index t may read at l (coherence + happens-before).
static uint32_t oldest_allowed(mm_loc *l, int t) {
    uint32_t last = l->n - 1;
    uint32_t lb = l->n > MM_HISTORY ? l->n - MM_HISTORY : 0;
    if (l->tidx[t] > lb) {
        lb = l->tidx[t];
    }
    for (uint32_t i = last; i > lb; i--) {
        const mm_store_rec *r = &l->h[i & hmask];
        if (r->t < 0) {
            return i;
        }
        for (int u = 0; u < MM_THREADS; u++) {
            if (r->seen[u] != 0 && r->seen[u] <= C[t][u]) {
                return i; // u wrote or read it before something t has synchronised with
            }
        }
    }
    return lb;
}

static uintptr_t load_full(int t, enum runq_site s, const void *a, unsigned width, memory_order mo,
                           const uintptr_t *real);

// SC, no trace: the load reads the newest store (what memory holds); a relaxed one
// changes no clock, an acquire (l: its location) joins that store's release clock. The
// slot checks look the store up themselves (mm_slot_read).
static inline uintptr_t load_sc(int t, enum runq_site s, const void *a, unsigned width,
                                memory_order mo, const uintptr_t *real, const mm_loc *l) {
    cur_site[t] = (uint16_t)s;
    last_read[t].mo = (uint8_t)mo;
    last_read[t].r = NULL;
    if (l != NULL && l->h[0].has_sync) {
        join(t, l->h[0].sync);
    }
    return real ? *real : mem_read(a, width);
}

static __attribute__((noinline)) uintptr_t load_slow(int t, enum runq_site s, const void *a,
                                                     unsigned width, memory_order mo,
                                                     const uintptr_t *real) {
    if (!full) {
        return load_sc(t, s, a, width, mo, real, is_acquire(mo) ? loc_of(a, width) : NULL);
    }
    cur_site[t] = (uint16_t)s;
    return load_full(t, s, a, width, mo, real);
}

uintptr_t mm_load(int t, enum runq_site s, const void *a, unsigned width, memory_order mo,
                  const uintptr_t *real) {
    mm_loc *l = NULL;
    if (full || (is_acquire(mo) && (l = loc_known(a)) == NULL)) {
        return load_slow(t, s, a, width, mo, real); // a tail call: the fast path is a leaf
    }
    return load_sc(t, s, a, width, mo, real, l);
}

// A load that may read an older store (weak memory) or whose store the trace shows.
static uintptr_t load_full(int t, enum runq_site s, const void *a, unsigned width, memory_order mo,
                           const uintptr_t *real) {
    mm_loc *l = loc_of(a, width);
    if (weak) {
        sync_external(l, real ? *real : mem_read(a, width));
    }
    uint32_t idx = l->n - 1, stale = 0;
    if (weak && mo != memory_order_seq_cst) {
        uint32_t lb = oldest_allowed(l, t);
        if (lb < idx) {
            uint32_t k = dsched_stale_choice(t, s, idx - lb);
            stale = k < idx - lb ? k : idx - lb;
            idx -= stale;
        }
        l->tidx[t] = idx;
    }
    mm_store_rec *r = &l->h[idx & hmask];
    if (weak && r->seen[t] == 0) {
        r->seen[t] = C[t][t];
    }
    note_read(t, s, mo, r, stale);
    if (r->has_sync && is_acquire(mo)) {
        join(t, r->sync);
    }
    // SC: the newest store is what memory holds (the world may have written it directly)
    return weak ? r->v : real ? *real : mem_read(a, width);
}

static void release_point(int t, mm_store_rec *r, memory_order mo) {
    if (is_release(mo)) {
        if (!r->has_sync) {
            memcpy(r->sync, C[t], sizeof r->sync);
            r->has_sync = true;
            C[t][t]++;
            return;
        }
        for (int u = 0; u < MM_THREADS; u++) {
            if (C[t][u] > r->sync[u]) {
                r->sync[u] = C[t][u];
            }
        }
        C[t][t]++;
    }
}

// SC mode's store record: the location's only one, overwritten. What it keeps is what a
// later acquire joins (sync, a plain store ends a release sequence) and what the slot
// checks and the trace name (writer, epoch, step, site, order).
static inline mm_store_rec *sc_record(mm_loc *l, int t, enum runq_site s, uintptr_t v,
                                      memory_order mo) {
    mm_store_rec *r = &l->h[0];
    r->v = v;
    r->t = (int8_t)t;
    r->step = mm_now;
    r->epoch = C[t][t];
    r->mo = (uint8_t)mo;
    r->site = (uint16_t)s;
    return r;
}

// Weak memory: the store joins the location's history.
static __attribute__((noinline)) void store_weak(mm_loc *l, int t, enum runq_site s, void *a,
                                                 unsigned width, uintptr_t v, memory_order mo,
                                                 bool done) {
    if (!done) {
        sync_external(l, mem_read(a, width));
        mem_write(a, width, v);
    }
    mm_store_rec *r = append(l, t, v);
    r->mo = (uint8_t)mo;
    r->site = (uint16_t)s;
    release_point(t, r, mo); // a plain store starts no release sequence (C++20 / RC11)
}

static inline void store_sc(mm_loc *l, int t, enum runq_site s, void *a, unsigned width,
                            uintptr_t v, memory_order mo, bool done) {
    cur_site[t] = (uint16_t)s;
    if (!done) {
        mem_write(a, width, v);
    }
    mm_store_rec *r = sc_record(l, t, s, v, mo);
    // A plain store starts no release sequence (C++20 / RC11): it ends the one before.
    r->has_sync = is_release(mo);
    if (r->has_sync) {
        memcpy(r->sync, C[t], sizeof r->sync);
        C[t][t]++;
    }
}

static __attribute__((noinline)) void store_slow(int t, enum runq_site s, void *a, unsigned width,
                                                 uintptr_t v, memory_order mo, bool done) {
    mm_loc *l = loc_of(a, width);
    if (weak) {
        cur_site[t] = (uint16_t)s;
        store_weak(l, t, s, a, width, v, mo, done);
    } else {
        store_sc(l, t, s, a, width, v, mo, done);
    }
}

void mm_store(int t, enum runq_site s, void *a, unsigned width, uintptr_t v, memory_order mo,
              bool done) {
    mm_loc *l = weak ? NULL : loc_known(a);
    if (l == NULL) {
        store_slow(t, s, a, width, v, mo, done); // a tail call: the fast path is a leaf
        return;
    }
    store_sc(l, t, s, a, width, v, mo, done);
}

// SC: the one record is the newest store, which an RMW (and here a failed CAS) reads; a
// successful CAS overwrites it in place, its release clock (release sequence) carried on.
static inline bool cas_sc(mm_loc *l, int t, enum runq_site s, void *a, unsigned width,
                          uintptr_t old, uintptr_t new_, memory_order ok_mo, memory_order fail_mo,
                          int done, uintptr_t *found) {
    cur_site[t] = (uint16_t)s;
    bool ok;
    if (done < 0) {
        uintptr_t cur = mem_read(a, width);
        ok = cur == old;
        *found = cur;
        if (ok) {
            mem_write(a, width, new_);
        }
    } else {
        ok = done != 0;
    }
    mm_store_rec *r = &l->h[0];
    note_read(t, s, ok ? ok_mo : fail_mo, r, 0);
    if (r->has_sync && is_acquire(ok ? ok_mo : fail_mo)) {
        join(t, r->sync);
    }
    if (ok) {
        release_point(t, sc_record(l, t, s, new_, ok_mo), ok_mo);
    }
    return ok;
}

static bool cas_weak(mm_loc *l, int t, enum runq_site s, void *a, unsigned width, uintptr_t old,
                     uintptr_t new_, memory_order ok_mo, memory_order fail_mo, int done,
                     uintptr_t *found);

static __attribute__((noinline)) bool cas_slow(int t, enum runq_site s, void *a, unsigned width,
                                               uintptr_t old, uintptr_t new_, memory_order ok_mo,
                                               memory_order fail_mo, int done, uintptr_t *found) {
    mm_loc *l = loc_of(a, width);
    if (!weak) {
        return cas_sc(l, t, s, a, width, old, new_, ok_mo, fail_mo, done, found);
    }
    return cas_weak(l, t, s, a, width, old, new_, ok_mo, fail_mo, done, found);
}

bool mm_cas(int t, enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
            memory_order ok_mo, memory_order fail_mo, int done, uintptr_t *found) {
    mm_loc *l = weak ? NULL : loc_known(a);
    if (l == NULL) {
        return cas_slow(t, s, a, width, old, new_, ok_mo, fail_mo, done, found);
    }
    return cas_sc(l, t, s, a, width, old, new_, ok_mo, fail_mo, done, found);
}

// Weak memory: the CAS reads the newest store of the history and appends its own.
static bool cas_weak(mm_loc *l, int t, enum runq_site s, void *a, unsigned width, uintptr_t old,
                     uintptr_t new_, memory_order ok_mo, memory_order fail_mo, int done,
                     uintptr_t *found) {
    cur_site[t] = (uint16_t)s;
    bool ok;
    if (done < 0) {
        uintptr_t cur = mem_read(a, width);
        sync_external(l, cur);
        ok = cur == old;
        *found = cur;
        if (ok) {
            mem_write(a, width, new_);
        }
    } else {
        ok = done != 0;
        sync_external(l, ok ? old : *found);
    }
    // An RMW, and (here) a failed CAS too, reads the newest store.
    mm_store_rec *prev = newest(l);
    l->tidx[t] = l->n - 1;
    note_read(t, s, ok ? ok_mo : fail_mo, prev, 0);
    if (prev->has_sync && is_acquire(ok ? ok_mo : fail_mo)) {
        join(t, prev->sync);
    }
    if (!ok) {
        return false;
    }
    uint32_t carried[MM_THREADS]; // the release sequence goes on (prev may be overwritten)
    bool carried_any = prev->has_sync;
    if (carried_any) {
        memcpy(carried, prev->sync, sizeof carried);
    }
    mm_store_rec *r = append(l, t, new_);
    if (carried_any) {
        memcpy(r->sync, carried, sizeof carried);
        r->has_sync = true;
    }
    r->mo = (uint8_t)ok_mo;
    r->site = (uint16_t)s;
    release_point(t, r, ok_mo);
    return true;
}

void mm_lock(int t, bool acquired) {
    if (acquired) {
        join(t, lock_clock);
    } else {
        memcpy(lock_clock, C[t], sizeof lock_clock);
        C[t][t]++;
    }
}

void mm_acquire_latest(int t, const void *a) {
    mm_loc *l = loc_of(a, 4);
    if (weak) {
        sync_external(l, mem_read(a, 4));
    }
    l->tidx[t] = l->n - 1;
    if (newest(l)->has_sync) {
        join(t, newest(l)->sync);
    }
}

// ---- reports ------------------------------------------------------------------------------

static const char *tname(int t) {
    return t < 0 ? "the initial state" : sched_thread_name(t);
}

// "after SITE", or the start of the thread's program.
static const char *after_site(uint16_t site) {
    static char buf[2][64];
    static int k;
    k ^= 1;
    if (site >= RQ_SITE_COUNT) {
        return "before its first seam access";
    }
    snprintf(buf[k], sizeof buf[k], "after %s", runq_site_name((enum runq_site)site));
    return buf[k];
}

// ---- G fields: g-race ------------------------------------------------------------------------

#define MM_MAX_G 32768

typedef struct mm_gw {
    uint32_t gen;
    int8_t t;
    uint8_t field;
    uint16_t site; // the writer's last seam site before the write
    uint32_t epoch;
    uint64_t step;
} mm_gw;
static mm_gw gws[MM_MAX_G];

static const char *const gfield_names[] = {"schedlink write", "payload read+write"};

static void g_note(mm_gw *w, int t, enum mm_gfield f) {
    w->gen = gen;
    w->t = (int8_t)t;
    w->field = (uint8_t)f;
    w->site = cur_site[t];
    w->epoch = C[t][t];
    w->step = mm_now;
}

// The report, then the access noted (a tail call: nothing of the caller lives across it).
static __attribute__((cold, noinline)) void g_race(int t, int64_t id, enum mm_gfield f) {
    mm_gw *w = &gws[id - 1];
    uint16_t site = cur_site[t];
    dsched_fail(INV_G_RACE,
                "G%lld: %s by %s at step %llu (%s) races with the %s by %s at step "
                "%llu (%s): no happens-before edge from %s to %s (a release after "
                "the first access, read by an acquire before the second, is missing)",
                (long long)id, gfield_names[f], tname(t), (unsigned long long)mm_now,
                after_site(site), gfield_names[w->field], tname(w->t), (unsigned long long)w->step,
                after_site(w->site), tname(w->t), tname(t));
    g_note(w, t, f);
}

void mm_gaccess(int t, int64_t id, enum mm_gfield f) {
    if (id <= 0 || id > MM_MAX_G) {
        return;
    }
    mm_gw *w = &gws[id - 1];
    if (w->gen == gen && w->t != t && C[t][w->t] < w->epoch) {
        g_race(t, id, f);
        return;
    }
    g_note(w, t, f);
}

// ---- ring slots: slot-reuse, slot-publication ----------------------------------------------

// Pending reads of a slot: one per reader, valid while its bit is set in the slot's mask
// (a slot write clears the mask at once: racy reads of the old value are never committed).
static mm_read pending[MM_THREADS][MM_MAX_SLOTS][MM_THREADS]; // [P][slot][reader]
static struct {
    uint32_t gen;
    uint8_t readers; // bit u: pending[..][..][u] is valid
} pending_mask[MM_THREADS][MM_MAX_SLOTS];
static struct {
    uint32_t gen;
    int8_t reader; // -1: none
    mm_read r;
} committed[MM_THREADS][MM_MAX_SLOTS];

void mm_slot_read(int t, int pi, uint32_t slot, const void *addr) {
    if (t == pi) {
        // The owner reads a slot only it writes: the store is its own (program order) and
        // a reuse of the slot is its own too, so neither check can fire.
        return;
    }
    mm_read *p = &pending[pi][slot][t];
    const mm_last *x = &last_read[t];
    const mm_store_rec *w = x->r ? x->r : newest(loc_of(addr, sizeof(uintptr_t)));
    if (pending_mask[pi][slot].gen != gen) {
        pending_mask[pi][slot].gen = gen;
        pending_mask[pi][slot].readers = 0;
    }
    pending_mask[pi][slot].readers |= (uint8_t)(1u << t);
    p->wt = w->t;
    p->wmo = w->mo;
    p->wsite = w->site;
    p->wepoch = w->epoch;
    p->wstep = w->step;
    // The load's clock is still t's clock: nothing ran in between but the world's hook.
    p->hb = w->t < 0 || C[t][w->t] >= w->epoch;
    p->mo = x->mo;
    p->site = cur_site[t];
    p->epoch = C[t][t];
    p->step = mm_now;
}

static void describe_read(char *buf, size_t n, int reader, const mm_read *r) {
    snprintf(buf, n, "%s's %s load at step %llu (%s)", tname(reader),
             mm_order_name((memory_order)r->mo), (unsigned long long)r->step,
             runq_site_name((enum runq_site)r->site));
}

static __attribute__((cold, noinline)) void
slot_publication(int t, int pi, uint32_t slot, uint32_t h, uint32_t nh, const mm_read *r) {
    char rd[160];
    describe_read(rd, sizeof rd, t, r);
    dsched_fail(INV_SLOT_PUBLICATION,
                "P%d slot %u: %s, committed by %s's CAS of runqhead %u->%u at step "
                "%llu, read the G that %s stored at step %llu (%s %s) without a "
                "happens-before edge from that store: the chain slot store -> "
                "store-release of runqtail -> load-acquire of runqtail by the "
                "consumer is broken",
                pi, slot, rd, tname(t), h, nh, (unsigned long long)mm_now, tname(r->wt),
                (unsigned long long)r->wstep, runq_site_name((enum runq_site)r->wsite),
                mm_order_name((memory_order)r->wmo));
}

void mm_head_commit(int t, int pi, uint32_t h, uint32_t nh, uint32_t cap) {
    if (t == pi) {
        return; // the owner's own consume: it kept no pending reads (mm_slot_read)
    }
    uint8_t bit = (uint8_t)(1u << t);
    for (uint32_t k = h; k != nh; k++) {
        uint32_t slot = k % cap;
        if (pending_mask[pi][slot].gen != gen || !(pending_mask[pi][slot].readers & bit)) {
            continue; // no read of this slot by t since its last write
        }
        pending_mask[pi][slot].readers &= (uint8_t)~bit;
        const mm_read *p = &pending[pi][slot][t];
        if (!p->hb) {
            slot_publication(t, pi, slot, h, nh, p);
        }
        committed[pi][slot].gen = gen;
        committed[pi][slot].reader = (int8_t)t;
        committed[pi][slot].r = *p;
    }
}

static __attribute__((cold, noinline)) void slot_reuse(int t, int pi, uint32_t slot, int u,
                                                       const mm_read *r) {
    char rd[160];
    describe_read(rd, sizeof rd, u, r);
    dsched_fail(INV_SLOT_REUSE,
                "P%d slot %u: %s writes it (relaxed store at step %llu, %s) but %s, "
                "committed by a successful runqhead CAS, does not happen-before that "
                "write: the chain slot read -> cas-release of runqhead (commits "
                "consume) -> load-acquire of runqhead by the owner is broken",
                pi, slot, tname(t), (unsigned long long)mm_now,
                runq_site_name((enum runq_site)cur_site[t]), rd);
}

void mm_slot_write(int t, int pi, uint32_t slot) {
    if (committed[pi][slot].gen == gen && committed[pi][slot].reader >= 0) {
        int u = committed[pi][slot].reader;
        const mm_read *r = &committed[pi][slot].r;
        if (u != t && C[t][u] < r->epoch) {
            slot_reuse(t, pi, slot, u, r);
        }
        committed[pi][slot].reader = -1;
    }
    pending_mask[pi][slot].readers = 0; // racy reads of the old value: never committed
}
