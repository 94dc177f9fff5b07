// dsched.c - the deterministic scheduler (see dsched.h) and the seam's dsched backend.
// Over 500 lines: the scheduler and the seam's backend share one private state and one hot
// path (the scheduling point is inlined into every load, store and CAS); split, it would be
// a call per access.
#ifndef RUNQ_SEAM_DSCHED
#define RUNQ_SEAM_DSCHED
#endif
#ifndef RUNQ_SEAM_BACKEND_H
#define RUNQ_SEAM_BACKEND_H "seam_dsched.h"
#endif
#include "dsched.h"

#include "chrome_trace.h"
#include "fiber.h"
#include "trace.h"
#include "memmodel.h"
#include "initial.h"
#include "runq_seam.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

// An op that runs this many scheduling points with nobody else stepping is stuck: the
// longest legal op (yield 256 at capacity 4) needs a few thousand.
#define LIVELOCK_STEPS 50000u
// A whole execution: 64 ops of at most a few thousand steps each, with room to spare.
#define MAX_STEPS 2000000u
#define UNLIMITED UINT32_MAX

typedef struct sthread {
    fiber *f;
    int id;
    bool done;
    rq_mutex *blocked_on; // waiting for this lock
    uint32_t remaining;   // scheduling points left in the current decision
    int mode;             // enum sched_mode of the current decision
    uint16_t until_site;
    uint16_t ops_left;
    uint64_t my_steps;
    uint64_t alone; // steps in the current op since another thread stepped
    bool in_op;
    int priority; // PCT
    int decision; // number (from 1) of the decision in effect; 0: none (PRNG, PCT)
    // `read T stale K` decisions not used yet (weak memory): K for each coming load
    // that has a choice, in order.
    uint8_t stale_q[256];
    uint16_t stale_dn[256]; // the number of each one's decision (the trace names it)
    uint16_t stale_head, stale_len;
    uint16_t stale_dn_used; // the decision of the last stale read
    uint64_t stale_reads;   // loads that read an older store than the newest (weak memory)
    // The Go source line of this thread's current access (rq_dsched_go_at; 0: none) and
    // its site
    const char *go_file;
    int go_line;
    enum runq_site go_site;
} sthread;

// What rq_dsched_go_at announced for the next scheduling point (the caller's, before any
// switch: fibers switch only inside point()).
static const char *go_file_next;
static int go_line_next;

void rq_dsched_go_at(const char *file, int line) {
    go_file_next = file;
    go_line_next = line;
}

static struct {
    const schedule *s;
    const struct dsched_world *w;
    FILE *trace;
    bool chrome; // ctrace_on() for this run, read once (it is asked at every access)
    // the options asked at every step, read once per run: record_thread's cap (0: no
    // recording) and whether an observer checks each step
    uint64_t record_cap;
    bool observing;
    bool digesting;  // dsched_options.access_digest: every step hashed into digest
    uint64_t digest; // FNV-1a
    const dsched_options *opt;
    sthread th[SCHED_MAX_THREADS];
    int n;
    int cur; // running thread, -1 = main
    int last_stepper;
    uint64_t step;
    uint32_t switches;
    uint64_t rng;
    // PCT
    uint64_t change_at[8];
    int nchange;
    int next_low_priority;
    dsched_result *r;
    uint32_t events[DEV_COUNT];
    uint32_t site_counts[RQ_SITE_COUNT];
} E;

static bool fibers_made;

// libFuzzer reads these after every run as extra coverage: which run-queue events
// happened, and at which site a thread was parked when another thread ran (which pairs of
// operations interleaved). Outside libFuzzer it is an ordinary array.
#if defined(RUNQ_FUZZ_COUNTERS)
__attribute__((section("__libfuzzer_extra_counters")))
#endif
static uint8_t extra_counters[DEV_COUNT + RQ_SITE_COUNT * SCHED_MAX_THREADS + RQ_SITE_COUNT * 2 +
                              RQ_SITE_COUNT];
// the last RQ_SITE_COUNT counters: a weak-memory load at that site read a stale store

static inline void bump(size_t i) {
    if (extra_counters[i] < 255) {
        extra_counters[i]++;
    }
}

void dsched_event(enum dsched_event e) {
    E.events[e]++;
    bump((size_t)e);
}
const uint32_t *dsched_event_counts(void) {
    return E.events;
}
const uint32_t *dsched_site_counts(void) {
    return E.site_counts;
}

int dsched_thread(void) {
    return E.cur;
}
uint64_t dsched_step(void) {
    return E.step;
}
uint64_t dsched_others_steps(int t) {
    // A stale read counts as interference: the op no longer ran alone in the sequentially
    // consistent sense that the reference model checks.
    return E.step - E.th[t].my_steps + E.th[t].stale_reads;
}
bool dsched_failed(void) {
    return E.r && E.r->failed;
}

static uint64_t rnd(void) {
    uint64_t x = E.rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    E.rng = x;
    return x;
}

// ---- trace (trace.c prints it) -------------------------------------------------------------

static unsigned done_mask(void) {
    unsigned m = 0;
    for (int i = 0; i < E.n; i++) {
        m |= (unsigned)E.th[i].done << i;
    }
    return m;
}

static void trace_at(int t, const char *text) {
    trace_row(t, E.step, done_mask(), text);
}

// The Chrome trace's counter tracks, after each access that may move a G.
static void chrome_counters(void) {
    if (E.chrome && E.w->sizes) {
        uint32_t len[SCHED_MAX_THREADS];
        bool next[SCHED_MAX_THREADS];
        int glob;
        E.w->sizes(len, next, &glob);
        ctrace_counters(E.step, E.n, len, next, glob);
    }
}

// ---- failures -----------------------------------------------------------------------------

static void switch_to_main(void) {
    E.switches++;
    fiber_switch_to(fiber_main());
}

void dsched_fail(enum inv_id invariant, const char *fmt, ...) {
    dsched_result *r = E.r;
    if (r != NULL && !r->failed) {
        r->failed = true;
        snprintf(r->invariant, sizeof r->invariant, "%s", inv_name(invariant));
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->message, sizeof r->message, fmt, ap);
        va_end(ap);
        r->thread = E.cur;
        r->step = E.step;
        r->go_at[0] = 0;
        if (E.cur >= 0 && E.th[E.cur].go_line > 0) {
            const sthread *th = &E.th[E.cur];
            snprintf(r->go_at, sizeof r->go_at, "%s %s:%d", runq_site_name(th->go_site),
                     th->go_file ? th->go_file : "?", th->go_line);
        }
        ctrace_fail(E.cur, E.step, r->invariant, r->message);
        if (E.trace) {
            char row[64];
            snprintf(row, sizeof row, "!!! %s", inv_name(invariant));
            trace_at(E.cur, row);
        }
    }
    if (E.cur >= 0) {
        switch_to_main(); // this execution is over; the fiber is reset before reuse
        abort();          // not reached
    }
}

_Noreturn void rq_throw(const char *msg) {
    dsched_fail(INV_THROW, "runq: %s (thread %s, step %llu)", msg, sched_thread_name(E.cur),
                (unsigned long long)E.step);
    abort(); // throw in the main context: the engine itself is broken
}

// ---- scheduling points ---------------------------------------------------------------------

// The current decision is over: back to the main loop.
static void yield_now(void) {
    sthread *th = &E.th[E.cur];
    th->remaining = 0;
    switch_to_main();
}

// The scheduling point, inlined into the seam's accesses below (rq_dsched_point is the
// out-of-line entry for the rest).
static inline __attribute__((always_inline)) void point(enum runq_site s) {
    int t = E.cur;
    sthread *th = &E.th[t];
    th->go_file = go_file_next;
    th->go_line = go_line_next;
    th->go_site = s;
    go_line_next = 0;
    if (th->remaining == 0) {
        // Parked here while another thread runs: feed "which site met which thread".
        yield_now();
    }
    if (th->remaining != UNLIMITED) {
        th->remaining--;
    }
    if (E.step < E.record_cap) {
        unsigned mask = 0;
        for (int i = 0; i < E.n; i++) {
            const sthread *u = &E.th[i];
            mask |= (unsigned)(!u->done && (u->blocked_on == NULL || u->blocked_on->holder == 0))
                    << i;
        }
        E.opt->record_thread[E.step] = (uint8_t)t;
        E.opt->record_runnable[E.step] = (uint8_t)mask;
    }
    E.step++;
    mm_now = E.step;
    th->my_steps++;
    E.site_counts[s]++;
    if (E.last_stepper != t) {
        if (E.last_stepper >= 0 && E.th[E.last_stepper].in_op) {
            // thread t runs while last_stepper is inside an op
            bump(DEV_COUNT + (size_t)s * SCHED_MAX_THREADS + (size_t)E.last_stepper);
        }
        E.last_stepper = t;
        th->alone = 0;
    }
    if (th->in_op && ++th->alone > LIVELOCK_STEPS) {
        dsched_fail(INV_LIVELOCK,
                    "%s made %u scheduling points in one op with no other thread "
                    "stepping (now at %s)",
                    sched_thread_name(t), LIVELOCK_STEPS, runq_site_name(s));
    }
    if (E.step > MAX_STEPS) {
        dsched_fail(INV_LIVELOCK, "execution exceeded %u scheduling points", MAX_STEPS);
    }
    if (E.s->flags & SFLAG_PCT) {
        for (int i = 0; i < E.nchange; i++) {
            if (E.change_at[i] == E.step) {
                th->priority = E.next_low_priority--;
                th->remaining = 0; // re-pick at the next point
            }
        }
    }
}

void rq_dsched_point(enum runq_site s, const void *addr) {
    (void)addr;
    point(s);
}

// A replay observer's check of the step just made (tools/runq_record.c). Out of line:
// its message buffer would give every access a large stack frame.
static __attribute__((noinline)) void observe_call(enum runq_site s, const void *addr,
                                                   enum dsched_access k, uintptr_t v, uintptr_t w) {
    char why[DSCHED_MESSAGE_MAX - 64];
    why[0] = 0;
    if (!E.opt->observe(E.opt->ctx, E.cur, s, addr, k, v, w, why, sizeof why)) {
        dsched_fail(INV_REPLAY_DIVERGENCE, "step %llu: %s", (unsigned long long)(E.step - 1), why);
    }
}

// The access digest (dsched_options.access_digest): FNV-1a over each step's thread, site,
// kind, memory order and what the world says the location and value(s) are ("P0.t=6"), so
// two ports that make the same accesses in the same order with the same values give the
// same digest, whatever their addresses. Out of line: its buffers.
static void digest_bytes(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        E.digest = (E.digest ^ b[i]) * 0x100000001b3ull;
    }
}

static __attribute__((noinline)) void digest_step(enum runq_site s, const void *addr,
                                                  enum dsched_access k, uintptr_t v, uintptr_t w,
                                                  int mo) {
    unsigned char head[5] = {(unsigned char)E.cur, (unsigned char)(s & 0xff),
                             (unsigned char)(s >> 8), (unsigned char)k, (unsigned char)mo};
    digest_bytes(head, sizeof head);
    if (k <= DACC_CAS_FAIL) {
        int pid = -1;
        uint32_t slot = 0;
        int where[3] = {E.w->locate ? E.w->locate(addr, &pid, &slot) : -1, pid, (int)slot};
        digest_bytes(where, sizeof where);
        char val[128];
        E.w->describe_value(s, addr, v, val, sizeof val);
        digest_bytes(val, strlen(val) + 1);
        if (k == DACC_CAS_OK || k == DACC_CAS_FAIL) { // and the value it wanted to write
            E.w->describe_value(s, addr, w, val, sizeof val);
            digest_bytes(val, strlen(val) + 1);
        }
    }
}

// Every step reports here: the replay observer and the access digest.
static inline void observe(enum runq_site s, const void *addr, enum dsched_access k, uintptr_t v,
                           uintptr_t w, int mo) {
    if (E.observing) {
        observe_call(s, addr, k, v, w);
    }
    if (E.digesting) {
        digest_step(s, addr, k, v, w, mo);
    }
}

// Thread t takes over by decision number (0: the PRNG, once decisions ran out): a trace row
// naming the thread it preempts mid-op.
static void trace_decision(int t, int number, const sched_decision *d) {
    int prev = E.last_stepper;
    if (E.trace && prev != t) {
        bool preempts = prev >= 0 && !E.th[prev].done && E.th[prev].in_op;
        trace_takeover(t, E.step, done_mask(), number, d, preempts ? prev : -1);
    }
}

static const char *order_tag(memory_order mo) {
    switch (mo) {
    case memory_order_relaxed:
        return "rlx";
    case memory_order_acquire:
        return "acq";
    case memory_order_release:
        return "rel";
    case memory_order_acq_rel:
        return "ar";
    default:
        return "sc";
    }
}

// after_access's trace row and Chrome event, out of line: their buffers would give every
// access a large stack frame.
static __attribute__((noinline)) void trace_access_row(int t, enum runq_site s, const void *addr,
                                                       enum dsched_access k, uintptr_t v,
                                                       uintptr_t w, memory_order mo) {
    char note[80];
    snprintf(note, sizeof note, "%s", order_tag(mo));
    if (k == DACC_LOAD) {
        // which store it read (its step; s0 = the initial value) and, under weak
        // memory, how many newer stores it skipped
        uint64_t from;
        uint32_t stale;
        mm_last_read(t, &from, &stale);
        if (stale) {
            // the decision that asked for it; 0: none (the PRNG chose)
            unsigned dn = E.th[t].stale_dn_used;
            snprintf(note, sizeof note, dn ? "%s <s%llu~%u by d%u" : "%s <s%llu~%u", order_tag(mo),
                     (unsigned long long)from, stale, dn);
            trace_keep_op();
        } else {
            snprintf(note, sizeof note, "%s <s%llu", order_tag(mo), (unsigned long long)from);
        }
    }
    if (E.opt && E.opt->trace_go_lines && E.th[t].go_line > 0) {
        size_t n = strlen(note);
        snprintf(note + n, sizeof note - n, " %s:%d", E.th[t].go_file ? E.th[t].go_file : "?",
                 E.th[t].go_line);
    }
    trace_access(t, E.step, done_mask(), s, addr, (int)k, v, w, note);
}

static __attribute__((noinline)) void chrome_access(int t, enum runq_site s, const void *addr,
                                                    enum dsched_access k, uintptr_t v, uintptr_t w,
                                                    memory_order mo) {
    char val[64], kind[32];
    E.w->describe_value(s, addr, k == DACC_CAS_OK || k == DACC_CAS_FAIL ? w : v, val, sizeof val);
    static const char *const kinds[] = {"load", "store", "cas ok", "cas failed"};
    snprintf(kind, sizeof kind, "%s %s", kinds[k & 3], order_tag(mo));
    ctrace_access(t, E.step, runq_site_name(s), runq_site_what(s), val, kind);
    chrome_counters();
}

// Report of the access just made (no scheduling point in between).
static inline __attribute__((always_inline)) void after_access(enum runq_site s, const void *addr,
                                                               enum dsched_access k, uintptr_t v,
                                                               uintptr_t w, memory_order mo) {
    int t = E.cur;
    if (k == DACC_CAS_FAIL || k == DACC_CAS_OK) {
        bump(DEV_COUNT + RQ_SITE_COUNT * SCHED_MAX_THREADS + (size_t)s * 2 + (k == DACC_CAS_OK));
    }
    E.w->after_access(t, s, addr, k, v, w);
    observe(s, addr, k, v, w, (int)mo);
    if (E.trace) {
        trace_access_row(t, s, addr, k, v, w, mo);
    }
    if (E.chrome) {
        chrome_access(t, s, addr, k, v, w, mo);
    }
    sthread *th = &E.th[t];
    if (th->mode == SMODE_UNTIL && s == th->until_site) {
        th->remaining = 0; // ran "until after" this site: stop before the next point
    }
}

// ---- the seam's accesses: the memory model makes them (memmodel.c) ------------------------

uintptr_t rq_dsched_load_done(enum runq_site s, const void *a, unsigned width, memory_order mo,
                              uintptr_t real) {
    uintptr_t v = mm_load(E.cur, s, a, width, mo, &real);
    after_access(s, a, DACC_LOAD, v, 0, mo);
    return v;
}
uintptr_t rq_dsched_load(enum runq_site s, const void *a, unsigned width, memory_order mo) {
    point(s);
    uintptr_t v = mm_load(E.cur, s, a, width, mo, NULL);
    after_access(s, a, DACC_LOAD, v, 0, mo);
    return v;
}
void rq_dsched_store_done(enum runq_site s, void *a, unsigned width, uintptr_t v, memory_order mo) {
    mm_store(E.cur, s, a, width, v, mo, true);
    after_access(s, a, DACC_STORE, v, 0, mo);
}
void rq_dsched_store(enum runq_site s, void *a, unsigned width, uintptr_t v, memory_order mo) {
    point(s);
    mm_store(E.cur, s, a, width, v, mo, false);
    after_access(s, a, DACC_STORE, v, 0, mo);
}
static bool cas_common(enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
                       memory_order ok, memory_order fail, int done, uintptr_t found) {
    bool r = mm_cas(E.cur, s, a, width, old, new_, ok, fail, done, &found);
    after_access(s, a, r ? DACC_CAS_OK : DACC_CAS_FAIL, old, r ? new_ : found, r ? ok : fail);
    return r;
}
bool rq_dsched_cas_done(enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
                        memory_order ok, memory_order fail, bool done_ok, uintptr_t found) {
    return cas_common(s, a, width, old, new_, ok, fail, done_ok, found);
}
bool rq_dsched_cas(enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
                   memory_order ok, memory_order fail) {
    point(s);
    return cas_common(s, a, width, old, new_, ok, fail, -1, 0);
}

unsigned dsched_stale_choice(int t, enum runq_site s, unsigned max) {
    sthread *th = &E.th[t];
    unsigned k = 0;
    th->stale_dn_used = 0;
    if (th->stale_len > 0) {
        k = th->stale_q[th->stale_head];
        th->stale_dn_used = th->stale_dn[th->stale_head];
        th->stale_head = (uint16_t)((th->stale_head + 1) % sizeof th->stale_q);
        th->stale_len--;
    }
    if (k > max) {
        k = max;
    }
    if (E.opt && E.opt->record_choices && E.opt->choice_len &&
        *E.opt->choice_len < E.opt->choice_cap) {
        struct dsched_choice *c = &E.opt->record_choices[(*E.opt->choice_len)++];
        c->step = (uint32_t)(E.step - 1);
        c->thread = (uint8_t)t;
        c->max = (uint8_t)(max > 255 ? 255 : max);
        c->taken = (uint8_t)k;
    }
    if (k > 0) {
        th->stale_reads++;
        bump(DEV_COUNT + RQ_SITE_COUNT * SCHED_MAX_THREADS + RQ_SITE_COUNT * 2 + (size_t)s);
    }
    return k;
}

void rq_dsched_gwrite(const void *gp) {
    E.w->gwrite(E.cur, gp); // the world also tells the memory model (it knows g's layout)
}

void rq_dsched_backoff(enum runq_site s) {
    // Go sleeps 3us to let a running victim schedule its runnext. Here: a scheduling
    // point, and unless the decision counts steps (then the count says when to switch, so
    // step-by-step schedules replay exactly), the decision ends so the schedule says who
    // runs next.
    rq_dsched_point(s, NULL);
    observe(s, NULL, DACC_BACKOFF, 0, 0, 0);
    if (E.trace) {
        trace_at(E.cur, "runqgrab.backoff (usleep 3)");
    }
    ctrace_instant(E.cur, E.step, "runqgrab.backoff (usleep 3)");
    if (E.th[E.cur].mode != SMODE_STEPS) {
        yield_now();
    }
}

void __tsan_acquire(void *addr) __attribute__((weak));
void __tsan_release(void *addr) __attribute__((weak));

// Thread t has just taken l (after rq_dsched_lock's wait, or a free rq_dsched_trylock).
static void lock_taken(rq_mutex *l, enum runq_site s, int t) {
    l->holder = t + 1;
    // The lock orders the global queue's plain fields: tell TSan (the engine itself is
    // not instrumented, so its own bookkeeping is invisible to it).
    if (__tsan_acquire) {
        __tsan_acquire(l);
    }
    mm_lock(t, true);
    E.w->lock_event(t, true);
    ctrace_lock(t, E.step, true);
    observe(s, l, DACC_LOCK, 0, 0, 0);
    if (E.trace) {
        trace_at(t, "* lock sched.lock");
    }
}

void rq_dsched_lock(rq_mutex *l, enum runq_site s) {
    int t = E.cur;
    for (;;) {
        rq_dsched_point(s, l);
        if (l->holder == 0) {
            break;
        }
        if (l->holder == t + 1) {
            dsched_fail(INV_DEADLOCK, "%s takes sched.lock at %s while already holding it",
                        sched_thread_name(t), runq_site_name(s));
        }
        dsched_event(DEV_LOCK_WAIT);
        E.th[t].blocked_on = l;
        yield_now();
        E.th[t].blocked_on = NULL;
    }
    lock_taken(l, s, t);
}

// rq_trylock (drivers only; the port never tries): one scheduling point, then the lock if
// it is free. A busy lock is not a wait, so the thread is not blocked on it.
bool rq_dsched_trylock(rq_mutex *l, enum runq_site s) {
    int t = E.cur;
    rq_dsched_point(s, l);
    if (l->holder != 0) {
        if (E.trace) {
            trace_at(t, "trylock sched.lock: busy");
        }
        return false;
    }
    lock_taken(l, s, t);
    return true;
}

void rq_dsched_unlock(rq_mutex *l, enum runq_site s) {
    int t = E.cur;
    rq_dsched_point(s, l);
    if (l->holder != t + 1) {
        dsched_fail(INV_LOCK_MISUSE, "%s releases sched.lock it does not hold (at %s)",
                    sched_thread_name(t), runq_site_name(s));
    }
    observe(s, l, DACC_UNLOCK, 0, 0, 0);
    E.w->lock_event(t, false);
    mm_lock(t, false);
    if (__tsan_release) {
        __tsan_release(l);
    }
    l->holder = 0;
    ctrace_lock(t, E.step, false);
    chrome_counters();
    if (E.trace) {
        trace_at(t, "* unlock sched.lock");
    }
}

bool rq_dsched_lock_held(rq_mutex *l) {
    return l->holder == E.cur + 1;
}

// ---- operations ---------------------------------------------------------------------------

void dsched_op_skipped(void) {
    E.r->ops_skipped++;
}

void dsched_op_begin(int t, const char *what) {
    sthread *th = &E.th[t];
    E.r->ops++;
    if (th->remaining == 0) {
        // The decision ended after the previous op: stop at the boundary, so the next op
        // starts (and, alone, is checked on the model) only when scheduled again.
        yield_now();
    }
    th->in_op = true;
    th->alone = 0;
    ctrace_op_begin(t, E.step, what);
    if (E.trace) {
        trace_op_begin(t, E.step, done_mask(), what);
    }
}

void dsched_op_end(int t, const char *result) {
    sthread *th = &E.th[t];
    th->in_op = false;
    ctrace_op_end(t, E.step, result);
    if (E.trace) {
        trace_op_end(t, E.step, done_mask(), result);
    }
    if (th->mode == SMODE_OP || th->mode == SMODE_OPS) {
        if (th->ops_left > 0 && --th->ops_left == 0) {
            th->remaining = 0;
        }
    }
}

// ---- the main loop ------------------------------------------------------------------------

static void fiber_body(void *arg) {
    sthread *th = arg;
    for (;;) {
        fiber_start_acquire();
        E.w->thread_body(th->id);
        if (th->mode == SMODE_UNTIL && th->remaining != 0 && th->decision > 0) {
            // "run T until SITE" and T ended first: it ran to its end (say so, it is
            // rarely what the schedule's author meant).
            if (E.r->until_missed_count++ == 0) {
                E.r->until_missed = th->decision;
            }
            if (E.trace) {
                char row[96];
                snprintf(row, sizeof row, "?? decision %d: ended before %s", th->decision,
                         runq_site_name((enum runq_site)th->until_site));
                trace_at(th->id, row);
            }
        }
        th->done = true;
        th->in_op = false;
        E.switches++;
        fiber_exit_to(fiber_main()); // resumes only after dsched_run resets the fiber
    }
}

static bool runnable(int t) {
    sthread *th = &E.th[t];
    return !th->done && (th->blocked_on == NULL || th->blocked_on->holder == 0);
}

// The next runnable thread at or after t, or -1.
static int runnable_from(int t) {
    for (int i = 0; i < E.n; i++) {
        int u = (t + i) % E.n;
        if (runnable(u)) {
            return u;
        }
    }
    return -1;
}

static int pick(int *dec_index) {
    const schedule *s = E.s;
    int t;
    sched_decision d;
    if (s->flags & SFLAG_PCT) {
        t = -1;
        for (int i = 0; i < E.n; i++) {
            if (runnable(i) && (t < 0 || E.th[i].priority > E.th[t].priority)) {
                t = i;
            }
        }
        if (t < 0) {
            return -1;
        }
        if (E.trace && E.last_stepper != t) {
            trace_at(t, "~~ pct: highest priority");
        }
        E.th[t].mode = SMODE_STEPS;
        E.th[t].remaining = UNLIMITED;
        return t;
    }
    int number = 0;
    // `read T stale K`: queued for T's coming loads; the next decision says who runs.
    while (*dec_index < s->ndecisions && s->dec[*dec_index].mode == SMODE_READ) {
        d = s->dec[(*dec_index)++];
        sthread *rt = &E.th[d.thread];
        if (rt->stale_len < sizeof rt->stale_q) {
            size_t at = (rt->stale_head + rt->stale_len) % sizeof rt->stale_q;
            rt->stale_q[at] = (uint8_t)d.arg;
            rt->stale_dn[at] = (uint16_t)*dec_index;
            rt->stale_len++;
        }
    }
    if (s->longp && (uint32_t)*dec_index < s->longp->ndec) { // in-memory long list (initial.h)
        d = s->longp->dec[(*dec_index)++];
        number = *dec_index;
    } else if (!s->longp && *dec_index < s->ndecisions) {
        d = s->dec[(*dec_index)++];
        number = *dec_index;
        if (d.thread < E.n && E.th[d.thread].done) {
            E.r->decisions_redirected++;
        }
    } else if (E.opt && E.opt->nonpreemptive_fallback) {
        t = E.last_stepper >= 0 && runnable(E.last_stepper) ? E.last_stepper : runnable_from(0);
        if (t < 0) {
            return -1;
        }
        E.th[t].mode = SMODE_STEPS;
        E.th[t].remaining = UNLIMITED;
        return t;
    } else {
        // Decisions ran out: a seeded PRNG keeps going, so every schedule completes.
        d.thread = (uint8_t)(rnd() % (uint64_t)E.n);
        d.mode = SMODE_STEPS;
        d.arg = (uint16_t)(1 + rnd() % 16);
    }
    t = runnable_from(d.thread);
    if (t < 0) {
        return -1;
    }
    sthread *th = &E.th[t];
    trace_decision(t, number, &d);
    th->mode = d.mode;
    th->decision = number;
    th->until_site = 0;
    th->ops_left = 0;
    switch (d.mode) {
    case SMODE_STEPS:
        th->remaining = d.arg;
        break;
    case SMODE_UNTIL:
        th->until_site = d.arg;
        th->remaining = UNLIMITED;
        break;
    case SMODE_OP:
        th->ops_left = 1;
        th->remaining = UNLIMITED;
        break;
    default:
        th->ops_left = d.arg;
        th->remaining = UNLIMITED;
        break;
    }
    return t;
}

// `strategy pct D within`: PCT draws its change points in steps 1..k, with k an estimate of
// the run's length from the programs alone (so the same schedule gives the same k in every
// build). Scheduling points per op, roughly as the port makes them: a put or get is about
// 4 per G, a steal reads head, tail, runnext and the slots it takes, runqempty 4 loads. A
// short race of 20 steps then gets its change points inside the run, where 1..2000 put
// nearly all of them after its end.
static uint64_t pct_bound(const schedule *s) {
    if (s->longp) {
        return 2000;
    }
    uint64_t k = 4 * (uint64_t)(s->prefill < 32 ? s->prefill : 32);
    for (int t = 0; t < s->nthreads; t++) {
        for (int i = 0; i < s->nops[t]; i++) {
            const sched_op *op = &s->ops[t][i];
            uint64_t n = op->n < 32 ? op->n : 32, half = s->cap / 2 < 32 ? s->cap / 2 : 32;
            switch (op->kind) {
            case SOP_PUT:
            case SOP_PUTNEXT:
            case SOP_GET:
            case SOP_PUTBATCH:
            case SOP_GLOBPUT:
                k += 2 + 4 * n;
                break;
            case SOP_YIELD:
                k += 2 + 8 * n;
                break;
            case SOP_GLOBGET:
                k += 8 + 2 * (n < half ? n : half);
                break;
            case SOP_STEAL:
            case SOP_STEALNEXT:
                k += 10 + half;
                break;
            case SOP_DRAIN:
                k += 6 + 2 * (uint64_t)(s->cap < 32 ? s->cap : 32);
                break;
            case SOP_EMPTY:
            case SOP_GLOBPUTHEAD:
                k += 4;
                break;
            default:
                k += 1;
                break;
            }
        }
    }
    return k < 4 ? 4 : k > 2000 ? 2000 : k;
}

bool dsched_run(const schedule *s, const struct dsched_world *w, const dsched_options *o,
                dsched_result *r) {
    static const char *const names[SCHED_MAX_THREADS] = {"owner",  "thief1", "thief2", "thief3",
                                                         "thief4", "thief5", "thief6", "thief7"};
    fiber_main_init();
    if (!fibers_made) {
        for (int i = 0; i < SCHED_MAX_THREADS; i++) {
            E.th[i].f = fiber_create(names[i], fiber_body, &E.th[i]);
        }
        fibers_made = true;
    }
    memset(r, 0, sizeof *r);
    r->thread = -1;
    E.s = s;
    E.w = w;
    E.r = r;
    E.trace = o ? o->trace : NULL;
    E.opt = o;
    E.record_cap = o && o->record_thread ? o->record_cap : 0;
    E.observing = o && o->observe;
    E.digesting = o && o->access_digest;
    E.digest = 0xcbf29ce484222325ull;
    E.n = s->nthreads;
    E.cur = -1;
    E.last_stepper = -1;
    E.step = 0;
    mm_now = 0;
    E.switches = 0;
    E.rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)s->seed * 0x2545f4914f6cdd1dull);
    memset(E.events, 0, sizeof E.events);
    memset(E.site_counts, 0, sizeof E.site_counts);
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        sthread *th = &E.th[i];
        fiber *f = th->f;
        memset(th, 0, sizeof *th);
        th->f = f;
        th->id = i;
        th->done = i >= E.n;
        fiber_reset(f);
    }
    if (s->flags & SFLAG_PCT) {
        // PCT (Burckhardt et al.): distinct random priorities above d, and d-1 change
        // points at random steps where the running thread drops below everyone.
        for (int i = 0; i < E.n; i++) {
            E.th[i].priority = 100 + i;
        }
        for (int i = E.n - 1; i > 0; i--) {
            int j = (int)(rnd() % (uint64_t)(i + 1));
            int tmp = E.th[i].priority;
            E.th[i].priority = E.th[j].priority;
            E.th[j].priority = tmp;
        }
        E.nchange = s->pct_depth - 1;
        uint64_t bound = s->flags & SFLAG_PCT_WITHIN ? pct_bound(s) : 2000;
        for (int i = 0; i < E.nchange; i++) {
            E.change_at[i] = 1 + rnd() % bound;
        }
        E.next_low_priority = 50;
    }
    if (o && o->choice_len) {
        *o->choice_len = 0;
    }
    mm_reset(E.n, (s->flags & SFLAG_WEAK) != 0, E.trace != NULL);
    w->reset(s);
    trace_start(E.trace, o && o->trace_steps, E.n, w->describe, w->describe_value);
    if (o && o->chrome) {
        ctrace_begin(o->chrome, E.n, o->chrome_title ? o->chrome_title : "runq engine");
    }
    E.chrome = ctrace_on();
    if (E.chrome) {
        chrome_counters();
    }
    fiber_start_release();
    int dec_index = 0;
    for (;;) {
        bool all_done = true;
        for (int i = 0; i < E.n; i++) {
            all_done &= E.th[i].done;
        }
        if (all_done || r->failed) {
            break;
        }
        int before = dec_index;
        if (o && o->before_pick) {
            o->before_pick(o->ctx, E.step);
        }
        int t = pick(&dec_index);
        if (t < 0) {
            char who[128] = "";
            for (int i = 0; i < E.n; i++) {
                if (!E.th[i].done) {
                    strcat(who, " ");
                    strcat(who, names[i]);
                }
            }
            dsched_fail(INV_DEADLOCK, "no runnable thread; waiting for sched.lock:%s", who);
            break;
        }
        if (E.chrome && E.last_stepper >= 0 && t != E.last_stepper && runnable(E.last_stepper)) {
            ctrace_preempt(E.last_stepper, t, E.step, dec_index > before ? dec_index : 0,
                           dec_index > before            ? "schedule"
                           : (s->flags & SFLAG_PCT) != 0 ? "pct"
                                                         : "prng");
        }
        E.cur = t;
        E.switches++;
        fiber_switch_to(E.th[t].f);
        E.cur = -1;
    }
    fiber_collect_sync();
    if (!r->failed) {
        w->finish();
    }
    ctrace_end(E.step);
    E.chrome = false;
    if (E.trace) {
        trace_flush();
        w->describe_end(E.trace);
    }
    if (!(s->flags & SFLAG_PCT)) {
        r->decisions_unused = s->ndecisions - dec_index;
    }
    r->steps = E.step;
    r->switches = E.switches;
    r->access_digest = E.digesting ? E.digest : 0;
    if (o && o->record_len) {
        *o->record_len = (uint32_t)(E.step < o->record_cap ? E.step : o->record_cap);
    }
    E.r = NULL;
    E.opt = NULL;
    E.record_cap = 0;
    E.observing = false;
    E.digesting = false;
    return !r->failed;
}
