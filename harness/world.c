// world.c - the simulated world of the deterministic engine, for one ring capacity:
// the Ps, the Gs, the op interpreter that runs each thread's program against the port,
// and the ledger that checks every commit point.
//
// Built once per capacity and Go version (-DRUNQ_CAP=N -DRUNQ_NS=dN_ -DRUNQ_SEAM_DSCHED,
// plus -DRUNQ_GO_MASTER and the prefix dmN_ for Go master), exporting dN_world / dmN_world.
// The versions' API differences are confined to one section ("the Go version's API"). The ledger
// keeps a shadow of the abstract state: where every G is (FREE, in a thread's HAND, in a P's RING,
// in a P's NEXT, in the GLOBAL queue, DONE) and each ring's and the global queue's order. Only one
// simulated thread runs between two seam operations, so every change the port makes to shared state
// is seen right after the access that made it and checked then:
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
#include "dsched.h"
#include "memmodel.h"
#include "interleave.h"
#include "initial.h"
#include "model.h"
#include "payload.h"
#include "runq_version.h"
#include "worlds.h"

#include <stdio.h>
#include <string.h>

#define NP SCHED_MAX_THREADS
#define MAXG 18000

enum where { W_FREE, W_HAND, W_RING, W_NEXT, W_GLOBAL, W_DONE };
static const char *const where_names[] = {
    "free", "in hand", "in ring", "in runnext", "in the global queue", "done"};

static p ps[NP];
static g gs[MAXG];
static struct {
    uint8_t where;
    int8_t who; // thread (W_HAND) or P (W_RING, W_NEXT)
} gw[MAXG];

static const schedule *S;
static int32_t glabel[MAXG]; // labels of Gs placed from an initial state (initial.h), 0: fresh
static int ng;               // Gs created so far
static int ndone;            // Gs run to completion
static int hand_count[NP];
static int lock_holder = -1; // thread holding sched.lock

// Shadow of each P and of the global queue, in G indices (goid - 1), -1 = nil.
static uint32_t sh_head[NP], sh_tail[NP];
static int32_t sh_ring[NP][RUNQ_CAP];
static int32_t sh_next[NP];
static int32_t sh_glob[MAXG];
static int sh_glen;
static uint32_t glob_stamp[MAXG], stamp;

// runqempty bookkeeping: a thread inside runqempty(victim) and whether victim was empty
// at some step since the call began.
static int empty_victim[NP];
static bool empty_seen[NP];

// Linearizability of steals: a thread inside runqsteal(victim) watches the victim's
// abstract state at every commit between its op's first and last step, so its answer can
// be checked against what the model would have answered at some step of that interval.
// Each commit costs O(threads); nothing is kept per step.
#define HALF_WORDS ((RUNQ_CAP / 2 + 64) / 64)
static struct {
    int victim;         // -1: not inside a steal
    bool ring_empty;    // the victim's ring was empty at some step of the op
    bool then_next_nil; // ... and its runnext nil then or at a later step
    uint32_t min_len;   // least ring length seen
    uint64_t first;     // the op's first step
    // ceil(len/2) of every ring state seen since the victim's head last moved (a steal
    // that takes from head h may only have looked at states with head h)
    uint64_t halves[HALF_WORDS];
} lin[NP];
// The interval checks judge answers against the states the ledger saw; they hold under the
// default sequentially consistent memory only (a `memory weak` load may read an older store).
static bool lin_on = true;

// ---- naming -------------------------------------------------------------------------------

static const char *tn(int t) {
    return sched_thread_name(t);
}

static int gidx(const void *gp) {
    if (gp == NULL) {
        return -1;
    }
    ptrdiff_t i = (const g *)gp - gs;
    return i >= 0 && i < MAXG ? (int)i : -2;
}

static const char *gdesc(int i, char *buf, size_t n) {
    if (i < 0) {
        snprintf(buf, n, "%s", i == -1 ? "nil" : "a pointer that is no G");
        return buf;
    }
    const char *w = where_names[gw[i].where];
    if (gw[i].where == W_HAND) {
        snprintf(buf, n, "G%d (%s of %s)", i + 1, w, tn(gw[i].who));
    } else if (gw[i].where == W_RING || gw[i].where == W_NEXT) {
        snprintf(buf, n, "G%d (%s of P%d)", i + 1, w, gw[i].who);
    } else {
        snprintf(buf, n, "G%d (%s)", i + 1, w);
    }
    return buf;
}

// ---- ledger moves -------------------------------------------------------------------------

static void to_hand(int i, int t) {
    gw[i].where = W_HAND;
    gw[i].who = (int8_t)t;
    hand_count[t]++;
}

static void from_hand(int i) {
    hand_count[gw[i].who]--;
}

// Thread t hands G i to a place. It must hold it (the lock holder holds the global queue).
// Returns false after reporting a failure (only returns at all in the main context).
static bool must_hold(int t, int i, const char *what) {
    char b[96];
    if (i < 0) {
        dsched_fail(i == -1 ? INV_NIL_G : INV_BAD_G, "%s: %s puts %s", what, tn(t),
                    gdesc(i, b, sizeof b));
        return false;
    }
    if (gw[i].where == W_HAND && gw[i].who == t) {
        return true;
    }
    if (gw[i].where == W_GLOBAL && lock_holder == t) {
        gw[i].where = W_FREE; // leaves the global queue (reconciled at unlock)
        to_hand(i, t);
        return true;
    }
    enum inv_id inv = gw[i].where == W_DONE || gw[i].where == W_RING || gw[i].where == W_NEXT ||
                              gw[i].where == W_GLOBAL || gw[i].where == W_HAND
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

static int new_g(int t) {
    int32_t label = 0;
    if (S->init && nputs_done[t] < S->init->nputs[t]) {
        label = S->init->puts[t][nputs_done[t]++];
        int h = lmap_slot(label);
        if (h >= 0 && lmap[h].gen == lgen && gw[lmap[h].gi].where == W_DONE) {
            // The run put this G again after it ran: the same G, as a real G is reused.
            int i = lmap[h].gi;
            ndone--;
            to_hand(i, t);
            payload_take(&gs[i], t);
            return i;
        }
    }
    if (ng == MAXG) {
        return -1;
    }
    int i = ng++;
    memset(&gs[i], 0, sizeof gs[i]);
    gs[i].goid = i + 1;
    glabel[i] = label;
    if (label) {
        lmap_set(label, i);
    }
    to_hand(i, t);
    payload_take(&gs[i], t);
    return i;
}

static void consume(int t, g *gp, const char *what) {
    int i = gidx(gp);
    char b[96];
    if (i < 0 || gw[i].where != W_HAND || gw[i].who != t) {
        dsched_fail(i < 0                                            ? INV_BAD_G
                    : gw[i].where == W_DONE || gw[i].where == W_HAND ? INV_DUP_G
                                                                     : INV_NOT_HOLDER,
                    "%s returned %s to %s, which does not hold it", what, gdesc(i, b, sizeof b),
                    tn(t));
    }
    payload_take(gp, t); // runs the G: its memory must be visible to this thread
    from_hand(i);
    gw[i].where = W_DONE;
    gw[i].who = (int8_t)t; // who ran it, for the trace's last lines
    ndone++;
}

static inline __attribute__((always_inline)) int which_p(const void *addr, int *field,
                                                         uint32_t *slot) {
    const char *a = addr, *base = (const char *)ps;
    if (a < base || a >= base + sizeof ps) {
        return -1;
    }
    int i = (int)((size_t)(a - base) / sizeof(p));
    if (a == (const char *)&ps[i].runqhead) {
        *field = 0;
    } else if (a == (const char *)&ps[i].runqtail) {
        *field = 1;
    } else if (a == (const char *)&ps[i].runnext) {
        *field = 2;
    } else if (a >= (const char *)&ps[i].runq[0] && a < (const char *)&ps[i].runq[RUNQ_CAP]) {
        *field = 3;
        *slot = (uint32_t)(((const _Atomic(guintptr) *)a) - ps[i].runq);
    } else {
        *field = 4; // status
    }
    return i;
}

static bool shadow_empty(int pi) {
    return sh_tail[pi] == sh_head[pi] && sh_next[pi] == -1;
}

static void note_emptiness(void) {
    for (int t = 0; t < S->nthreads; t++) {
        if (empty_victim[t] >= 0 && shadow_empty(empty_victim[t])) {
            empty_seen[t] = true;
        }
    }
}

static void half_add(int t, uint32_t len) {
    uint32_t h = len - len / 2;
    if (h < 64 * HALF_WORDS) {
        lin[t].halves[h / 64] |= 1ull << (h % 64);
    }
}

static bool half_seen(int t, uint32_t n) {
    return n < 64 * HALF_WORDS && (lin[t].halves[n / 64] >> (n % 64) & 1);
}

// P pi's shadow changed (head_moved: its runqhead moved): update the stealers watching it.
static void lin_observe(int pi, bool head_moved) {
    uint32_t len = sh_tail[pi] - sh_head[pi];
    for (int t = 0; t < S->nthreads; t++) {
        if (lin[t].victim != pi) {
            continue;
        }
        if (len == 0) {
            lin[t].ring_empty = true;
        }
        if (lin[t].ring_empty && sh_next[pi] == -1) {
            lin[t].then_next_nil = true;
        }
        if (len < lin[t].min_len) {
            lin[t].min_len = len;
        }
        if (head_moved) {
            memset(lin[t].halves, 0, sizeof lin[t].halves);
        }
        half_add(t, len);
    }
}

static void lin_begin_steal(int t, int v) {
    lin[t].victim = -1; // set below, after the state is taken
    lin[t].ring_empty = lin[t].then_next_nil = false;
    lin[t].min_len = UINT32_MAX;
    lin[t].first = dsched_step();
    memset(lin[t].halves, 0, sizeof lin[t].halves);
    lin[t].victim = v;
    lin_observe(v, false);
}

// runqhead of P pi moved from old to nw by thread t (a CAS or, in broken variants, a store).
static void head_moved(int t, int pi, uint32_t old, uint32_t nw, enum runq_site site) {
    uint32_t n = nw - old, len = sh_tail[pi] - sh_head[pi];
    if (old != sh_head[pi]) {
        dsched_fail(INV_STATE_MISMATCH, "%s moved P%d's runqhead from %u, but it was %u (at %s)",
                    tn(t), pi, old, sh_head[pi], runq_site_name(site));
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
        if (lin_on && lin[t].victim == pi && !half_seen(t, n)) {
            dsched_fail(INV_STEAL_COUNT_UNSEEN,
                        "%s's steal from P%d (steps %llu-%llu) took %u Gs from head %u, but "
                        "while the head stood there during the steal half the ring, rounded "
                        "up, was never %u (the ring holds %u Gs now)",
                        tn(t), pi, (unsigned long long)lin[t].first,
                        (unsigned long long)dsched_step(), n, old, n, len);
        }
        dsched_event(DEV_STEAL);
    } else if (site == RQ_SITE_runqputslow_headcas) {
        dsched_event(DEV_OVERFLOW);
    } else if (site == RQ_SITE_runqdrain_headcas) {
        dsched_event(DEV_DRAIN);
    }
    for (uint32_t k = old; k != nw; k++) {
        int i = sh_ring[pi][k % RUNQ_CAP];
        gw[i].where = W_FREE;
        to_hand(i, t);
    }
    if (nw < old) {
        dsched_event(DEV_WRAP);
    }
    sh_head[pi] = nw;
    note_emptiness();
    lin_observe(pi, true);
}

static void tail_moved(int t, int pi, uint32_t nw, enum runq_site site) {
    if (t != pi) {
        dsched_fail(INV_NOT_OWNER, "%s wrote P%d's runqtail (only the owner may) at %s", tn(t), pi,
                    runq_site_name(site));
    }
    uint32_t old = sh_tail[pi];
    if (nw - sh_head[pi] > RUNQ_CAP || nw - old > RUNQ_CAP) {
        dsched_fail(INV_RING_OVERFLOW,
                    "%s published runqtail %u on P%d: %u Gs in a ring of %d (at %s)", tn(t), nw, pi,
                    nw - sh_head[pi], RUNQ_CAP, runq_site_name(site));
    }
    for (uint32_t k = old; k != nw; k++) {
        int i = gidx((g *)atomic_load_explicit(&ps[pi].runq[k % RUNQ_CAP], memory_order_relaxed));
        if (!must_hold(t, i, runq_site_name(site))) {
            return;
        }
        from_hand(i);
        gw[i].where = W_RING;
        gw[i].who = (int8_t)pi;
        sh_ring[pi][k % RUNQ_CAP] = i;
    }
    if (nw < old) {
        dsched_event(DEV_WRAP);
    }
    sh_tail[pi] = nw;
    lin_observe(pi, false);
}

static void next_moved(int t, int pi, uintptr_t oldv, uintptr_t newv, enum runq_site site) {
    char b[96];
    int oi = gidx((void *)oldv), ni = gidx((void *)newv);
    if (oi != sh_next[pi]) {
        dsched_fail(INV_STATE_MISMATCH,
                    "%s replaced P%d's runnext %s, but the ledger had G%d (at %s)", tn(t), pi,
                    gdesc(oi, b, sizeof b), sh_next[pi] + 1, runq_site_name(site));
    }
    if (ni != -1) {
        if (t != pi) {
            dsched_fail(INV_NOT_OWNER,
                        "%s set P%d's runnext to G%d: only the owner may make it non-nil "
                        "(at %s)",
                        tn(t), pi, ni + 1, runq_site_name(site));
        }
        if (!must_hold(t, ni, runq_site_name(site))) {
            return;
        }
        from_hand(ni);
        gw[ni].where = W_NEXT;
        gw[ni].who = (int8_t)pi;
    }
    if (oi >= 0) {
        gw[oi].where = W_FREE;
        to_hand(oi, t);
        if (t != pi) {
            dsched_event(DEV_RUNNEXT_STOLEN);
        }
    }
    sh_next[pi] = ni;
    note_emptiness();
    lin_observe(pi, false);
}

// ---- the Go version's API, as that version's own callers use it -------------------------
// Go 1.19 and master differ in a few signatures (queue/README.md); each op of a schedule
// means what Go's callers of that version do. Everything version-specific is here.

#ifdef RUNQ_GO_MASTER
static m ms[NP];    // the M of each P: runqgrab reads its curg
static g curgs[NP]; // the G that M runs: running, or in a syscall (op "syscall")
#define GLOBAL_SIZE_NAME "sched.runq.size"
static int32_t global_size(void) {
    return sched.runq.size;
}
#else
#define GLOBAL_SIZE_NAME "sched.runqsize"
static int32_t global_size(void) {
    return sched.runqsize;
}
#endif

#ifdef RUNQ_GO_MASTER
// Gs linked from q's head (bounded: a cycle must not hang the ledger).
static uint32_t links_of(const gQueue *q) {
    uint32_t n = 0;
    for (g *gp = guintptr_ptr(q->head); gp != NULL && n <= (uint32_t)MAXG;
         gp = guintptr_ptr(gp->schedlink)) {
        n++;
    }
    return n;
}

// Master's gQueue counts its Gs: the count must be what it links.
static void check_qsize(int t, const gQueue *q, const char *what) {
    uint32_t n = links_of(q);
    if (q->size < 0 || (uint32_t)q->size != n) {
        dsched_fail(INV_GQUEUE_SIZE, "%s (%s): the gQueue's size says %d but it links %u Gs", what,
                    tn(t), q->size, n);
    }
}
#endif

// runqdrain; *n is the count the port reports (1.19's n, master's drainQ.size).
static gQueue api_drain(p *pp, uint32_t *n) {
#ifdef RUNQ_GO_MASTER
    gQueue q = runqdrain(pp);
    *n = (uint32_t)q.size;
    return q;
#else
    return runqdrain(pp, n);
#endif
}

static void api_globrunqputbatch(gQueue *q, uint32_t n) {
#ifdef RUNQ_GO_MASTER
    (void)n;
    globrunqputbatch(q);
#else
    globrunqputbatch(q, (int32_t)n);
#endif
}

// runqputbatch of q (n Gs). 1.19 spills what does not fit itself; on master the caller
// puts the rest on the global queue under sched.lock.
static void api_putbatch(int t, p *pp, gQueue *q, int n) {
#ifdef RUNQ_GO_MASTER
    (void)n;
    runqputbatch(pp, q);
    check_qsize(t, q, "what runqputbatch left");
    if (!gQueue_empty(q)) {
        rq_lock(&sched.lock, RQ_SITE_caller_lock);
        globrunqputbatch(q);
        rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    }
#else
    (void)t;
    runqputbatch(pp, q, n);
#endif
}

// Take from the global queue. 1.19: globrunqget(pp, max) under the lock. Master, as
// findRunnable: globrunqgetbatch(n) under the lock (n = max, at most half a ring; 0 = half
// a ring), then runqputbatch of the batch after the unlock, which must take all of it.
// *glen: the global queue's length by the shadow when the call holds sched.lock.
static g *api_globget(int t, p *pp, int32_t max, int *glen) {
#ifdef RUNQ_GO_MASTER
    int32_t n = max > 0 && max < RUNQ_CAP / 2 ? max : RUNQ_CAP / 2;
    gQueue q;
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    *glen = sh_glen;
    g *gp = globrunqgetbatch(n, &q);
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    check_qsize(t, &q, "globrunqgetbatch's batch");
    runqputbatch(pp, &q);
    if (!gQueue_empty(&q)) {
        dsched_fail(INV_THROW, "%s: couldn't put the global batch into its local runq (%d left)",
                    tn(t), q.size);
    }
    return gp;
#else
    (void)t;
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    *glen = sh_glen;
    g *gp = globrunqget(pp, max);
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    return gp;
#endif
}

// idle / running / syscall: what a thief's runqgrab sees of P t.
static void api_set_status(int t, const sched_op *op) {
    atomic_store_explicit(&ps[t].status, op->kind == SOP_IDLE ? _Pidle : _Prunning,
                          memory_order_relaxed);
#ifdef RUNQ_GO_MASTER
    atomic_store_explicit(&curgs[t].atomicstatus,
                          op->target == SCHED_SYSCALL ? _Gsyscall : _Grunning,
                          memory_order_relaxed);
#endif
}

// Trace text for what only master's runqgrab reads (the victim's m, curg, G status).
static bool api_describe(const void *addr, uintptr_t v, char *buf, size_t n) {
#ifdef RUNQ_GO_MASTER
    for (int i = 0; i < NP; i++) {
        if (addr == (const void *)&ps[i].m) {
            if (v) {
                snprintf(buf, n, "P%d.m=M%d", i, i);
            } else {
                snprintf(buf, n, "P%d.m=nil", i);
            }
            return true;
        }
        if (addr == (const void *)&ms[i].curg) {
            snprintf(buf, n, "M%d.curg=%s", i, v ? "G" : "nil");
            return true;
        }
        if (addr == (const void *)&curgs[i].atomicstatus) {
            snprintf(buf, n, "M%d.curg.status=%s", i,
                     (v & ~(uintptr_t)_Gscan) == _Gsyscall ? "syscall" : "running");
            return true;
        }
    }
#else
    (void)addr, (void)v, (void)buf, (void)n;
#endif
    return false;
}

static void api_reset(void) {
#ifdef RUNQ_GO_MASTER
    runq_set_sysmon(!(S->flags & SFLAG_NOSYSMON));
    for (int i = 0; i < NP; i++) {
        atomic_init(&curgs[i].atomicstatus, _Grunning);
        atomic_init(&ms[i].curg, guintptr_of(&curgs[i]));
        atomic_init(&ps[i].m, (muintptr)&ms[i]);
    }
#endif
}

// The shadow of the global queue is a deque of G indices: sh_glob[(sh_gh + k) % MAXG].
static uint32_t sh_gh;
static uint32_t reconciles;

static int glob_at(int k) {
    return sh_glob[(sh_gh + (uint32_t)k) % MAXG];
}

// A full walk of the real list against the shadow: distinct Gs, same order, sane tail and
// runqsize. O(length), so it runs on short lists, every 16th release, and at the end.
static void global_full_check(int t) {
    char b[96];
    stamp++;
    int n = 0;
    g *last = NULL;
    for (g *gp = guintptr_ptr(sched.runq.head); gp != NULL; gp = guintptr_ptr(gp->schedlink)) {
        int i = gidx(gp);
        if (i < 0 || n >= sh_glen || glob_stamp[i] == stamp || glob_at(n) != i) {
            dsched_fail(INV_GLOBAL_CORRUPT,
                        "the global queue's entry %d is %s; the ledger expects "
                        "G%d of %d (%s releases sched.lock)",
                        n, gdesc(i, b, sizeof b), n < sh_glen ? glob_at(n) + 1 : 0, sh_glen, tn(t));
            return;
        }
        glob_stamp[i] = stamp;
        n++;
        last = gp;
    }
    if (n != sh_glen || guintptr_ptr(sched.runq.tail) != last) {
        dsched_fail(INV_GLOBAL_CORRUPT,
                    "the global queue has %d Gs (tail %s), the ledger %d (%s "
                    "releases sched.lock)",
                    n, guintptr_ptr(sched.runq.tail) == last ? "ok" : "wrong", sh_glen, tn(t));
    }
}

// Before sched.lock is released: bring the shadow up to date with the real list. The port
// changes the global queue only at its ends (push, pushBack, pushBackAll, pop), so the
// new list is: Gs pushed at the head, what is left of the old list, Gs appended. Every G
// that joined must come from the holder's hand; every G that left goes to it. This costs
// what changed; the middle is verified by global_full_check.
static void reconcile_global(int t) {
    char b[96];
    static int32_t pre[MAXG];
    int npre = 0;
    g *x = guintptr_ptr(sched.runq.head);
    // 1. The new head part: Gs not on the old list.
    while (x != NULL) {
        int i = gidx(x);
        if (i < 0 || npre >= MAXG) {
            dsched_fail(INV_GLOBAL_CORRUPT, "the global queue holds %s (%s releases sched.lock)",
                        gdesc(i, b, sizeof b), tn(t));
            return;
        }
        if (gw[i].where == W_GLOBAL) {
            break;
        }
        pre[npre++] = i;
        x = guintptr_ptr(x->schedlink);
    }
    // 2. Old Gs before x were popped: they are in the holder's hand now.
    int xi = x ? gidx(x) : -1;
    while (sh_glen > 0 && glob_at(0) != xi) {
        int i = glob_at(0);
        sh_gh = (sh_gh + 1) % MAXG;
        sh_glen--;
        if (gw[i].where == W_GLOBAL) {
            gw[i].where = W_FREE;
            to_hand(i, t);
        }
    }
    if (x != NULL && sh_glen == 0) {
        dsched_fail(INV_GLOBAL_CORRUPT,
                    "G%d is marked as queued globally but is not where the "
                    "ledger's global queue has it (%s releases sched.lock)",
                    xi + 1, tn(t));
        return;
    }
    // 3. Pushed at the head.
    for (int k = npre - 1; k >= 0; k--) {
        if (!must_hold(t, pre[k], "global queue")) {
            return;
        }
        from_hand(pre[k]);
        gw[pre[k]].where = W_GLOBAL;
        sh_gh = (sh_gh + MAXG - 1) % MAXG;
        sh_glob[sh_gh] = pre[k];
        sh_glen++;
    }
    // 4. Appended after the old tail.
    if (x != NULL) {
        g *tailg = &gs[glob_at(sh_glen - 1)];
        int guard = 0;
        for (g *gp = guintptr_ptr(tailg->schedlink); gp != NULL; gp = guintptr_ptr(gp->schedlink)) {
            int i = gidx(gp);
            if (i < 0 || ++guard > MAXG) {
                dsched_fail(INV_GLOBAL_CORRUPT,
                            "the global queue's appended part holds %s (%s "
                            "releases sched.lock)",
                            gdesc(i, b, sizeof b), tn(t));
                return;
            }
            if (!must_hold(t, i, "global queue")) {
                return;
            }
            from_hand(i);
            gw[i].where = W_GLOBAL;
            sh_glob[(sh_gh + (uint32_t)sh_glen) % MAXG] = i;
            sh_glen++;
        }
    }
    g *want_tail = sh_glen ? &gs[glob_at(sh_glen - 1)] : NULL;
    if (guintptr_ptr(sched.runq.tail) != want_tail) {
        dsched_fail(INV_GLOBAL_CORRUPT,
                    "sched.runq.tail is not the last G of the list (%s releases "
                    "sched.lock)",
                    tn(t));
        return;
    }
    if (global_size() != sh_glen) {
        dsched_fail(INV_RUNQSIZE_MISMATCH,
                    "%s is %d but the global queue holds %d Gs "
                    "(%s releases sched.lock)",
                    GLOBAL_SIZE_NAME, global_size(), sh_glen, tn(t));
        return;
    }
    if (sh_glen <= 32 || ++reconciles % 16 == 0) {
        global_full_check(t);
    }
}

// ---- dsched_world hooks ----------------------------------------------------------------------

// Ring-slot events for the memory model (memmodel.c): slot loads and stores, and the
// head CASes that commit slot reads.
static void mm_world_access(int t, int pi, int field, uint32_t slot, enum dsched_access k,
                            uintptr_t v, uintptr_t w) {
    if (field == 3) {
        if (k == DACC_LOAD) {
            mm_slot_read(t, pi, slot, &ps[pi].runq[slot]);
        } else if (k == DACC_STORE) {
            mm_slot_write(t, pi, slot);
        }
    } else if (field == 0 && k == DACC_CAS_OK) {
        mm_head_commit(t, pi, (uint32_t)v, (uint32_t)w, RUNQ_CAP);
    } else if (field == 0 && k == DACC_STORE && (uint32_t)v - sh_head[pi] <= RUNQ_CAP) {
        // a broken variant's plain store (one moving runqhead back or past the ring, ~2^32
        // slots to commit, is head-past-tail right after: head_moved)
        mm_head_commit(t, pi, sh_head[pi], (uint32_t)v, RUNQ_CAP);
    }
}

static void w_after_access(int t, enum runq_site site, const void *addr, enum dsched_access k,
                           uintptr_t v, uintptr_t w) {
    int field;
    uint32_t slot = 0;
    int pi = which_p(addr, &field, &slot);
    if (pi < 0) {
        return;
    }
    mm_world_access(t, pi, field, slot, k, v, w); // the memory model's slot checks
    interleave_access(t,
                      pi * INTERLEAVE_P_LOCS + (field == 3   ? 4 + (int)slot
                                                : field == 4 ? 3
                                                             : field),
                      (int)site, (int)k);
    if (k == DACC_CAS_FAIL) {
        if (field == 0) {
            dsched_event(DEV_CAS_FAIL_HEAD);
        } else if (field == 2) {
            dsched_event(DEV_CAS_FAIL_NEXT);
        }
        return;
    }
    if (k == DACC_LOAD) {
        return;
    }
    switch (field) {
    case 0: // runqhead: a CAS commits a consume; a plain store is a broken variant's
        head_moved(t, pi, k == DACC_CAS_OK ? (uint32_t)v : sh_head[pi],
                   k == DACC_CAS_OK ? (uint32_t)w : (uint32_t)v, site);
        break;
    case 1:
        tail_moved(t, pi, (uint32_t)v, site);
        break;
    case 2:
        next_moved(t, pi,
                   k == DACC_CAS_OK ? v : (uintptr_t)(sh_next[pi] < 0 ? NULL : &gs[sh_next[pi]]),
                   k == DACC_CAS_OK ? w : v, site);
        break;
    case 3: {
        if (t != pi) {
            dsched_fail(INV_NOT_OWNER, "%s wrote slot %u of P%d's ring (only its owner may) at %s",
                        tn(t), slot, pi, runq_site_name(site));
        }
        uint32_t len = sh_tail[pi] - sh_head[pi];
        if ((slot - sh_head[pi]) % RUNQ_CAP < len) {
            int i = sh_ring[pi][slot];
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
    if (field <= 2) {
        uint32_t rh = atomic_load_explicit(&ps[pi].runqhead, memory_order_relaxed);
        uint32_t rt = atomic_load_explicit(&ps[pi].runqtail, memory_order_relaxed);
        if (rh != sh_head[pi] || rt != sh_tail[pi]) {
            dsched_fail(INV_STATE_MISMATCH, "P%d's [head,tail) is [%u,%u), the ledger says [%u,%u)",
                        pi, rh, rt, sh_head[pi], sh_tail[pi]);
        }
    }
}

static void w_gwrite(int t, const void *gp) {
    int i = gidx(gp);
    char b[96];
    if (i < 0) {
        dsched_fail(INV_BAD_G, "%s writes the fields of %s", tn(t), gdesc(i, b, sizeof b));
    }
    if ((gw[i].where == W_HAND && gw[i].who == t) ||
        (gw[i].where == W_GLOBAL && lock_holder == t)) {
        mm_gaccess(t, ((const g *)gp)->goid, MM_G_SCHEDLINK); // happens-before (g-race)
        return;
    }
    dsched_fail(INV_NOT_HOLDER, "%s writes the fields (schedlink) of %s, which it does not hold",
                tn(t), gdesc(i, b, sizeof b));
}

static void w_lock_event(int t, bool acquired) {
    if (acquired) {
        lock_holder = t;
    } else {
        reconcile_global(t);
        lock_holder = -1;
    }
}

// ---- the reference model, for ops that ran alone ----------------------------------------------

// One model snapshot per thread: ops of different threads interleave.
static model models[NP];
static model_list model_lists[NP];

static void model_from_shadow(model *m) {
    m->cap = RUNQ_CAP;
    m->nprocs = S->nthreads;
    for (int pi = 0; pi < S->nthreads; pi++) {
        model_p *mp = &m->p[pi];
        mp->head = 0;
        mp->len = sh_tail[pi] - sh_head[pi];
        for (uint32_t k = 0; k < mp->len; k++) {
            mp->ring[k] = sh_ring[pi][(sh_head[pi] + k) % RUNQ_CAP] + 1;
        }
        mp->runnext = sh_next[pi] + 1;
    }
    m->ghead = 0;
    m->glen = (uint32_t)sh_glen;
    for (int k = 0; k < sh_glen; k++) {
        m->glob[k] = glob_at(k) + 1;
    }
}

static void compare_with_model(int t, const char *what) {
    const model *mm = &models[t];
    for (int pi = 0; pi < S->nthreads; pi++) {
        const model_p *mp = &mm->p[pi];
        uint32_t len = sh_tail[pi] - sh_head[pi];
        if (len != mp->len) {
            dsched_fail(INV_MODEL_MISMATCH,
                        "after %s's %s (alone): P%d holds %u Gs in its ring, "
                        "the model %u",
                        tn(t), what, pi, len, mp->len);
        }
        for (uint32_t k = 0; k < len; k++) {
            int got = sh_ring[pi][(sh_head[pi] + k) % RUNQ_CAP] + 1;
            int want = mp->ring[(mp->head + k) % mm->cap];
            if (got != want) {
                dsched_fail(INV_MODEL_MISMATCH,
                            "after %s's %s (alone): P%d ring[%u] is G%d, the "
                            "model G%d",
                            tn(t), what, pi, k, got, want);
            }
        }
        if (sh_next[pi] + 1 != mp->runnext) {
            dsched_fail(INV_MODEL_MISMATCH,
                        "after %s's %s (alone): P%d runnext is G%d, the model "
                        "G%d (0 = nil)",
                        tn(t), what, pi, sh_next[pi] + 1, mp->runnext);
        }
    }
    if ((uint32_t)sh_glen != mm->glen) {
        dsched_fail(INV_MODEL_MISMATCH,
                    "after %s's %s (alone): the global queue holds %d Gs, the "
                    "model %u",
                    tn(t), what, sh_glen, mm->glen);
    }
    for (int k = 0; k < sh_glen; k++) {
        int want = mm->glob[(mm->ghead + (uint32_t)k) % MODEL_MAX_G];
        if (glob_at(k) + 1 != want) {
            dsched_fail(INV_MODEL_MISMATCH,
                        "after %s's %s (alone): global[%d] is G%d, the model G%d", tn(t), what, k,
                        glob_at(k) + 1, want);
        }
    }
}

// ---- the op interpreter -------------------------------------------------------------------

static uint32_t ring_len_real(int pi) {
    return atomic_load_explicit(&ps[pi].runqtail, memory_order_relaxed) -
           atomic_load_explicit(&ps[pi].runqhead, memory_order_relaxed);
}

static void hand_must_be_empty(int t, const char *what) {
    if (hand_count[t] == 0) {
        return;
    }
    for (int i = 0; i < ng; i++) {
        if (gw[i].where == W_HAND && gw[i].who == t) {
            dsched_fail(INV_LOST_G,
                        "G%d was taken by %s during its %s and is nowhere now: not "
                        "queued, not run",
                        i + 1, tn(t), what);
        }
    }
}

// Appends "<verb> G1 G2 ..." (the first few, then the count) to an op's result text.
static void say_gs(char *buf, size_t n, const char *verb, const int *g, int count) {
    size_t off = strlen(buf);
    off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? ", " : "", verb);
    for (int k = 0; k < count && off < n; k++) {
        if (k == 4 && count > 6) {
            off += (size_t)snprintf(buf + off, n - off, " .. G%d (%d)", g[count - 1] + 1, count);
            break;
        }
        off += (size_t)snprintf(buf + off, n - off, " G%d", g[k] + 1);
    }
    if (count == 0 && off < n) {
        snprintf(buf + off, n - off, " nothing");
    }
}

static void say_text(char *buf, size_t n, const char *text) {
    size_t off = strlen(buf);
    snprintf(buf + off, n - off, "%s", text);
}

// The Gs from ng0 on (created during an op), for its result text.
static void say_new_gs(char *buf, size_t n, const char *verb, int ng0) {
    int g[MAXG < 256 ? MAXG : 256], count = 0;
    for (int i = ng0; i < ng && count < 256; i++) {
        g[count++] = i;
    }
    say_gs(buf, n, verb, g, count);
}

// What an op did, for the end-of-op trace row: "stole G1 G2, returned G3".
static void describe_result(int t, const sched_op *op, char *result, size_t n, int ng0,
                            const int *taken, int ntaken, uint32_t tail0, int32_t got_ret,
                            bool spilled) {
    int moved[256], nmoved = 0; // Gs that landed in t's ring during the op
    for (uint32_t k = tail0; k != sh_tail[t] && nmoved < 256; k++) {
        moved[nmoved++] = sh_ring[t][k % RUNQ_CAP];
    }
    switch (op->kind) {
    case SOP_PUT:
    case SOP_PUTNEXT:
    case SOP_PUTBATCH:
        say_new_gs(result, n, "put", ng0);
        if (spilled) {
            say_text(result, n, ", spilled to the global queue");
        }
        break;
    case SOP_GLOBPUT:
        say_new_gs(result, n, "put", ng0);
        say_text(result, n, " on the global queue");
        break;
    case SOP_GLOBPUTHEAD:
        say_new_gs(result, n, "put", ng0);
        say_text(result, n, " at the global queue's head");
        break;
    case SOP_GET:
        say_gs(result, n, "got", taken, ntaken);
        break;
    case SOP_YIELD:
        say_gs(result, n, "yielded", taken, ntaken);
        break;
    case SOP_DRAIN:
        say_gs(result, n, "drained", taken, ntaken);
        if (ntaken) {
            say_text(result, n, " to the global queue");
        }
        break;
    case SOP_GLOBGET:
    case SOP_STEAL:
    case SOP_STEALNEXT:
        if (got_ret <= 0) {
            say_gs(result, n, op->kind == SOP_GLOBGET ? "got" : "stole", NULL, 0);
            break;
        }
        if (op->kind == SOP_GLOBGET) {
            int g = got_ret - 1;
            say_gs(result, n, "got", &g, 1);
            if (nmoved) {
                say_gs(result, n, "put in its ring", moved, nmoved);
            }
        } else if (nmoved == 0) {
            int g = got_ret - 1;
            say_gs(result, n, "stole and returned", &g, 1);
        } else {
            int g = got_ret - 1;
            say_gs(result, n, "stole", moved, nmoved);
            say_gs(result, n, "returned", &g, 1);
        }
        break;
    case SOP_IDLE:
    case SOP_RUNNING:
        snprintf(result, n, "status %s", op->kind == SOP_IDLE ? "idle" : "running");
        break;
    default:
        break;
    }
}

// runqget answered nil: only the owner adds to its ring and runnext, so during the call
// they only shrank; nil is right only if they are empty now.
static void spurious_empty_check(int t, const char *what, uint64_t first) {
    if (!lin_on || shadow_empty(t)) {
        return;
    }
    char b[96];
    dsched_fail(INV_SPURIOUS_EMPTY_GET,
                "%s's %s (steps %llu-%llu) returned nil, but its P%d still holds %u Gs in its "
                "ring and runnext %s (only the owner adds to them: never empty during the call)",
                tn(t), what, (unsigned long long)first, (unsigned long long)dsched_step(), t,
                sh_tail[t] - sh_head[t], gdesc(sh_next[t], b, sizeof b));
}

static void run_op(int t, const sched_op *op) {
    p *pp = &ps[t];
    model *M = &models[t];
    model_list *ML = &model_lists[t];
    char what[48], result[128] = "";
    int ng0 = ng, taken[256], ntaken = 0; // Gs created from ng0; Gs this op got
    uint32_t tail0 = sh_tail[t];          // Gs that land in this P's ring: [tail0, sh_tail)
    bool spilled = false;
    bool solo_check = !(S->flags & SFLAG_RANDOMIZE);
    snprintf(what, sizeof what, "%s",
             op->kind == SOP_RUNNING && op->target == SCHED_SYSCALL ? "syscall"
                                                                    : sched_op_name(op->kind));
    if (op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT || op->kind == SOP_EMPTY) {
        snprintf(what, sizeof what, "%s %s", sched_op_name(op->kind), tn(op->target));
    } else if (op->n > 1 || op->kind == SOP_PUT || op->kind == SOP_GET) {
        snprintf(what, sizeof what, "%s %u", sched_op_name(op->kind), op->n);
    }
    dsched_op_begin(t, what);
    uint64_t first = dsched_step(); // the op's interval is (first, dsched_step()]
    bool nothing = false;           // the op's answer was "nothing" (interleaving coverage)
    // Go's preconditions: skipped, not reported, when they do not hold.
    // globrunqget puts up to min(max, cap/2) - 1 Gs on the ring: they must fit (else
    // runqputslow would take sched.lock again). globget 2 (max 1) puts none.
    uint32_t glob_puts = op->n - 1 > 0 && op->n - 1 < RUNQ_CAP / 2 ? op->n - 2u : RUNQ_CAP / 2 - 1u;
    if ((op->kind == SOP_GLOBGET && ring_len_real(t) + glob_puts > RUNQ_CAP) ||
        ((op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT) && ring_len_real(t) != 0)) {
        // steal only into an empty ring, as findrunnable does
        dsched_op_skipped();
        dsched_op_end(t, op->kind == SOP_GLOBGET
                             ? "skipped: Go's precondition (the ring is over half full)"
                             : "skipped: Go's precondition (a thief steals into an empty ring)");
        return;
    }
    if (op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT) {
        // Go steals only after runqget found the own queue empty: its load-acquire of
        // runqhead, which the precondition above stands for.
        mm_acquire_latest(t, &pp->runqhead);
    }
    interleave_op(t, op->kind);
    if (solo_check) {
        model_from_shadow(M);
    }
    uint64_t others = dsched_others_steps(t);
    int32_t model_ret = -1, got_ret = -1;
    bool model_bool = false, got_bool = false;
    switch (op->kind) {
    case SOP_PUT:
    case SOP_PUTNEXT:
        for (int k = 0; k < op->n; k++) {
            int i = new_g(t);
            if (i < 0) {
                break;
            }
            runqput(pp, &gs[i], op->kind == SOP_PUTNEXT);
            if (solo_check) { // without sysmon (master) next is ignored
                model_runqput(M, t, i + 1, op->kind == SOP_PUTNEXT && !(S->flags & SFLAG_NOSYSMON));
            }
        }
        break;
    case SOP_GET:
    case SOP_YIELD:
        for (int k = 0; k < op->n; k++) {
            bool inh = false, minh = false;
            g *gp = runqget(pp, &inh);
            if (gp == NULL) {
                spurious_empty_check(t, "runqget", first);
                nothing = true;
            }
            solo_check = solo_check && dsched_others_steps(t) == others;
            if (solo_check) {
                int32_t want = model_runqget(M, t, &minh);
                if (want != (gp ? gidx(gp) + 1 : 0) || (gp && inh != minh)) {
                    char b[96];
                    dsched_fail(INV_MODEL_MISMATCH,
                                "%s's runqget returned %s (inheritTime %d); "
                                "alone, the model returns G%d (%d)",
                                tn(t), gdesc(gidx(gp), b, sizeof b), inh, want, minh);
                }
            }
            if (gp == NULL) {
                break;
            }
            taken[ntaken++] = gidx(gp);
            if (op->kind == SOP_GET) {
                consume(t, gp, "runqget");
            } else {
                must_hold(t, gidx(gp), "runqget");
                payload_take(gp, t);
                runqput(pp, gp, false);
                if (solo_check) {
                    model_runqput(M, t, gidx(gp) + 1, false);
                }
            }
        }
        break;
    case SOP_PUTBATCH: {
        gQueue q = {0};
        int n = 0;
        ML->n = 0;
        for (int k = 0; k < op->n; k++) {
            int i = new_g(t);
            if (i < 0) {
                break;
            }
            gQueue_pushBack(&q, &gs[i]);
            ML->g[ML->n++] = i + 1;
            n++;
        }
        bool spill = ring_len_real(t) + (uint32_t)n > RUNQ_CAP;
        api_putbatch(t, pp, &q, n);
        if (spill) {
            dsched_event(DEV_SPILL);
            spilled = true;
        }
        if (!gQueue_empty(&q)) {
            dsched_fail(INV_LOST_G, "runqputbatch left Gs on %s's batch queue", tn(t));
        }
        if (solo_check) {
            model_runqputbatch(M, t, ML);
        }
        break;
    }
    case SOP_DRAIN: {
        uint32_t n = 0;
        gQueue q = api_drain(pp, &n);
        if (lin_on && !shadow_empty(t)) {
            // Only the owner adds to its ring and runnext, so during the drain they only
            // shrank: what is there now was there all along, since the drain's last commit.
            char b[96];
            dsched_fail(INV_DRAIN_LEFT_GS,
                        "%s's runqdrain (steps %llu-%llu) returned %u Gs, but its P%d still "
                        "holds %u in its ring and runnext %s: they were never drained",
                        tn(t), (unsigned long long)first, (unsigned long long)dsched_step(), n, t,
                        sh_tail[t] - sh_head[t], gdesc(sh_next[t], b, sizeof b));
        }
        uint32_t walked = 0;
        for (g *gp = guintptr_ptr(q.head); gp != NULL && walked <= (uint32_t)MAXG;
             gp = guintptr_ptr(gp->schedlink)) {
            if (walked < 256) {
                taken[ntaken++] = gidx(gp);
            }
            walked++;
        }
        if (walked != n) {
            dsched_fail(INV_DRAIN_COUNT, "runqdrain by %s says %u Gs but its queue links %u", tn(t),
                        n, walked);
        }
        if (n > 0) {
            rq_lock(&sched.lock, RQ_SITE_caller_lock);
            api_globrunqputbatch(&q, n);
            rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
        }
        if (solo_check) {
            model_runqdrain(M, t, ML);
            model_globrunqputbatch(M, ML);
        }
        nothing = n == 0;
        break;
    }
    case SOP_GLOBPUT:
    case SOP_GLOBPUTHEAD: {
        rq_lock(&sched.lock, RQ_SITE_caller_lock);
        int n = op->kind == SOP_GLOBPUT ? op->n : 1;
        for (int k = 0; k < n; k++) {
            int i = new_g(t);
            if (i < 0) {
                break;
            }
            if (op->kind == SOP_GLOBPUT) {
                globrunqput(&gs[i]);
                if (solo_check) {
                    model_globrunqput(M, i + 1);
                }
            } else {
                globrunqputhead(&gs[i]);
                if (solo_check) {
                    model_globrunqputhead(M, i + 1);
                }
            }
        }
        rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
        break;
    }
    case SOP_GLOBGET: {
        // The shadow was reconciled when sched.lock was last released: what it says when
        // the call takes the lock is the global queue the call sees, while it holds it.
        int glen = 0;
        g *gp = api_globget(t, pp, op->n - 1, &glen);
        if (lin_on && gp == NULL && glen != 0) {
            dsched_fail(INV_SPURIOUS_EMPTY_GLOBGET,
                        "%s's globrunqget (steps %llu-%llu) returned nil, but the global "
                        "queue held %d Gs when it took sched.lock (%d when it let go)",
                        tn(t), (unsigned long long)first, (unsigned long long)dsched_step(), glen,
                        sh_glen);
        }
        got_ret = gp ? gidx(gp) + 1 : 0;
        nothing = gp == NULL;
        if (solo_check) {
            model_ret = model_globrunqget(M, t, op->n - 1);
        }
        if (gp) {
            dsched_event(DEV_GLOBGET);
            consume(t, gp, "globrunqget");
        }
        break;
    }
    case SOP_STEAL:
    case SOP_STEALNEXT: {
        uint32_t before = ring_len_real(t);
        bool next = op->kind == SOP_STEALNEXT;
        lin_begin_steal(t, op->target);
        g *gp = runqsteal(pp, &ps[op->target], next);
        lin[t].victim = -1;
        if (lin_on && gp == NULL && !(next ? lin[t].then_next_nil : lin[t].ring_empty)) {
            char seen[48] = "";
            if (!lin[t].ring_empty) {
                snprintf(seen, sizeof seen, " (at least %u Gs)", lin[t].min_len);
            }
            // runqgrab answers nothing only after it saw h == t (the ring empty at its tail
            // load) and, with stealRunNextG, then read runnext as nil.
            dsched_fail(INV_SPURIOUS_EMPTY_STEAL,
                        "%s's %s of P%d (steps %llu-%llu) took nothing, but %s%s", tn(t),
                        next ? "runqsteal(stealRunNextG)" : "runqsteal", op->target,
                        (unsigned long long)lin[t].first, (unsigned long long)dsched_step(),
                        lin[t].ring_empty ? "after its ring was empty, its runnext was never nil"
                                          : "its ring was never empty during it",
                        seen);
        }
        got_ret = gp ? gidx(gp) + 1 : 0;
        nothing = gp == NULL;
        solo_check = solo_check && dsched_others_steps(t) == others;
        if (solo_check) {
            uint32_t want_n = model_grab_count(M, op->target, op->kind == SOP_STEALNEXT);
            uint32_t got_n = gp ? 1 + ring_len_real(t) - before : 0;
            if (got_n != want_n) {
                dsched_fail(INV_WRONG_STEAL_COUNT,
                            "%s stole %u Gs from P%d running alone; the model "
                            "steals %u (half, rounded up)",
                            tn(t), got_n, op->target, want_n);
            }
            model_ret = model_runqsteal(M, t, op->target, op->kind == SOP_STEALNEXT);
        }
        if (gp) {
            consume(t, gp, "runqsteal");
        }
        break;
    }
    case SOP_EMPTY: {
        int v = op->target;
        empty_victim[t] = v;
        empty_seen[t] = shadow_empty(v);
        got_bool = runqempty(&ps[v]);
        empty_victim[t] = -1;
        if (got_bool) {
            dsched_event(DEV_EMPTY_TRUE);
            if (!empty_seen[t]) {
                dsched_fail(INV_EMPTY_LIED,
                            "runqempty(P%d) by %s returned true, but P%d was never "
                            "empty during the call",
                            v, tn(t), v);
            }
        }
        if (solo_check && dsched_others_steps(t) == others) {
            model_bool = model_runqempty(M, v);
            if (got_bool != model_bool) {
                dsched_fail(INV_MODEL_MISMATCH,
                            "runqempty(P%d) by %s, alone, returned %d; the "
                            "model says %d",
                            v, tn(t), got_bool, model_bool);
            }
        }
        snprintf(result, sizeof result, "runqempty(P%d) = %s", v, got_bool ? "true" : "false");
        nothing = got_bool;
        break;
    }
    case SOP_IDLE:
    case SOP_RUNNING:
        api_set_status(t, op);
        break;
    default:
        break;
    }
    describe_result(t, op, result, sizeof result, ng0, taken, ntaken, tail0, got_ret, spilled);
    hand_must_be_empty(t, what);
    // Checked on the model only if no other thread stepped during the op (and the model
    // was kept up to date all along: a part-way interleaving turns solo_check off).
    bool alone = dsched_others_steps(t) == others;
    interleave_op_end(t, op->kind, nothing, alone);
    if (solo_check && alone) {
        if (got_ret != model_ret) {
            dsched_fail(INV_MODEL_MISMATCH, "%s's %s (alone) returned G%d; the model returns G%d",
                        tn(t), what, got_ret, model_ret);
        }
        compare_with_model(t, what);
    }
    dsched_op_end(t, result);
}

static void w_thread_body(int t) {
    if (t == 0 && S->prefill > 0) {
        sched_op pre = {SOP_PUT, 0, S->prefill};
        run_op(t, &pre);
    }
    if (S->longp) { // a long in-memory program (initial.h)
        for (uint32_t k = 0; k < S->longp->nops[t]; k++) {
            run_op(t, &S->longp->ops[t][k]);
        }
        return;
    }
    for (int k = 0; k < S->nops[t]; k++) {
        run_op(t, &S->ops[t][k]);
    }
}

// ---- set-up and final accounting
// --------------------------------------------------------------

// ---- a v2 initial state (initial.h) ------------------------------------------------------------

// The G labelled l, placed now if it is new (where it goes is up to the caller).
static int placed_g(int32_t l, bool *fresh) {
    int h = lmap_slot(l);
    if (h >= 0 && lmap[h].gen == lgen) {
        *fresh = false;
        return lmap[h].gi;
    }
    if (ng == MAXG) {
        return -1;
    }
    int i = ng++;
    memset(&gs[i], 0, sizeof gs[i]);
    gs[i].goid = i + 1;
    glabel[i] = l;
    lmap_set(l, i);
    *fresh = true;
    return i;
}

// Queues the Gs of in (main context, before any thread runs: plain set-up, no steps).
static void place_initial(const struct sched_initial *in) {
    bool fresh;
    for (int pi = 0; pi < in->np && pi < NP; pi++) {
        p *pp = &ps[pi];
        atomic_store_explicit(&pp->runqhead, in->head[pi], memory_order_relaxed);
        atomic_store_explicit(&pp->runqtail, in->tail[pi], memory_order_relaxed);
        sh_head[pi] = in->head[pi];
        sh_tail[pi] = in->tail[pi];
        for (uint32_t k = in->head[pi]; k != in->tail[pi]; k++) {
            uint32_t slot = k % RUNQ_CAP;
            int i = placed_g(in->slots[pi][slot], &fresh);
            if (i < 0) {
                return;
            }
            gw[i].where = W_RING;
            gw[i].who = (int8_t)pi;
            sh_ring[pi][slot] = i;
        }
        if (in->next[pi]) {
            int i = placed_g(in->next[pi], &fresh);
            if (i < 0) {
                return;
            }
            gw[i].where = W_NEXT;
            gw[i].who = (int8_t)pi;
            sh_next[pi] = i;
            atomic_store_explicit(&pp->runnext, guintptr_of(&gs[i]), memory_order_relaxed);
        }
    }
    g *last = NULL;
    for (int k = 0; k < in->nglob; k++) {
        int i = placed_g(in->glob[k], &fresh);
        if (i < 0) {
            return;
        }
        gw[i].where = W_GLOBAL;
        sh_glob[(sh_gh + (uint32_t)sh_glen) % MAXG] = i;
        sh_glen++;
        if (last) {
            last->schedlink = guintptr_of(&gs[i]);
        } else {
            sched.runq.head = guintptr_of(&gs[i]);
        }
        last = &gs[i];
    }
    sched.runq.tail = guintptr_of(last);
#ifdef RUNQ_GO_MASTER
    sched.runq.size = in->nglob;
#else
    sched.runqsize = in->nglob;
#endif
    // Every slot keeps what it held, stale copies too: a stale read must see the same G.
    for (int pi = 0; pi < in->np && pi < NP; pi++) {
        for (uint32_t slot = 0; slot < RUNQ_CAP; slot++) {
            int32_t l = in->slots[pi][slot];
            if (l == 0) {
                continue;
            }
            int i = placed_g(l, &fresh);
            if (i < 0) {
                return;
            }
            if (fresh) { // queued nowhere: a G that ran (or is parked) in the recorded run
                gw[i].where = W_DONE;
                ndone++;
            }
            atomic_store_explicit(&ps[pi].runq[slot], guintptr_of(&gs[i]), memory_order_relaxed);
        }
    }
}

static int w_locate(const void *addr, int *pid, uint32_t *slot) {
    int field;
    *slot = 0;
    int pi = which_p(addr, &field, slot);
    *pid = pi;
    return pi < 0 ? -1 : field;
}

static int w_g_of(uintptr_t v) {
    return gidx((const void *)v);
}

static int32_t label_of(int i) {
    return glabel[i] ? glabel[i] : 1000000 + i;
}

static void w_save_initial(struct sched_initial *out) {
    memset(out, 0, sizeof *out);
    out->np = S->nthreads;
    for (int pi = 0; pi < S->nthreads; pi++) {
        out->head[pi] = sh_head[pi];
        out->tail[pi] = sh_tail[pi];
        out->next[pi] = sh_next[pi] >= 0 ? label_of(sh_next[pi]) : 0;
        for (uint32_t slot = 0; slot < RUNQ_CAP; slot++) {
            int i = gidx((g *)atomic_load_explicit(&ps[pi].runq[slot], memory_order_relaxed));
            out->slots[pi][slot] = i >= 0 ? label_of(i) : 0;
        }
    }
    for (int k = 0; k < sh_glen && k < SCHED_INIT_MAX_G; k++) {
        out->glob[out->nglob++] = label_of(glob_at(k));
    }
}

static void w_reset(const schedule *s) {
    S = s;
    lin_on = (s->flags & SFLAG_WEAK) == 0;
    mm_set_region(ps, sizeof ps); // the memory model finds a P's words by offset
    runq_sched_init(s->nthreads);
    runq_set_randomize((s->flags & SFLAG_RANDOMIZE) != 0, (uint64_t)s->seed + 1);
    for (int i = 0; i < NP; i++) {
        runq_p_init(&ps[i], i, s->start); // (api_reset below gives each P its M)
        sh_head[i] = sh_tail[i] = s->start;
        sh_next[i] = -1;
        hand_count[i] = 0;
        empty_victim[i] = -1;
        lin[i].victim = -1;
    }
    memset(gw, 0, sizeof(gw[0]) * (size_t)(ng > 0 ? ng : 0));
    memset(glabel, 0, sizeof(glabel[0]) * (size_t)(ng > 0 ? ng : 0));
    ng = 0;
    ndone = 0;
    sh_glen = 0;
    sh_gh = 0;
    reconciles = 0;
    lock_holder = -1;
    interleave_reset();
    api_reset();
    if (s->init) {
        lgen++;
        memset(nputs_done, 0, sizeof nputs_done);
        place_initial(s->init);
    }
}

static void w_finish(void) {
    int queued = 0;
    for (int i = 0; i < ng; i++) {
        if (gw[i].where == W_HAND) {
            dsched_fail(INV_LOST_G, "G%d is still in %s's hand at the end", i + 1, tn(gw[i].who));
            return;
        }
        queued += gw[i].where != W_DONE;
    }
    for (int pi = 0; pi < S->nthreads; pi++) {
        uint32_t rh = atomic_load_explicit(&ps[pi].runqhead, memory_order_relaxed);
        uint32_t rt = atomic_load_explicit(&ps[pi].runqtail, memory_order_relaxed);
        if (rh != sh_head[pi] || rt != sh_tail[pi]) {
            dsched_fail(INV_STATE_MISMATCH,
                        "at the end P%d's [head,tail) is [%u,%u), the ledger "
                        "says [%u,%u)",
                        pi, rh, rt, sh_head[pi], sh_tail[pi]);
            return;
        }
        for (uint32_t k = rh; k != rt; k++) {
            int i =
                gidx((g *)atomic_load_explicit(&ps[pi].runq[k % RUNQ_CAP], memory_order_relaxed));
            if (i != sh_ring[pi][k % RUNQ_CAP]) {
                dsched_fail(INV_STATE_MISMATCH, "at the end P%d slot %u holds G%d, the ledger G%d",
                            pi, k % RUNQ_CAP, i + 1, sh_ring[pi][k % RUNQ_CAP] + 1);
                return;
            }
        }
        int rn = gidx((g *)atomic_load_explicit(&ps[pi].runnext, memory_order_relaxed));
        if (rn != sh_next[pi]) {
            dsched_fail(INV_STATE_MISMATCH, "at the end P%d's runnext is G%d, the ledger G%d", pi,
                        rn + 1, sh_next[pi] + 1);
            return;
        }
    }
    global_full_check(0); // the real list must be the shadow
    hand_must_be_empty(0, "final accounting");
    int counted = sh_glen;
    for (int pi = 0; pi < S->nthreads; pi++) {
        counted += (int)(sh_tail[pi] - sh_head[pi]) + (sh_next[pi] >= 0);
    }
    if (counted != queued || ndone + queued != ng) {
        dsched_fail(INV_LOST_G,
                    "at the end %d Gs were created, %d ran, %d are queued, but the "
                    "queues hold %d",
                    ng, ndone, queued, counted);
    }
}

// ---- trace text
// -------------------------------------------------------------------------------

static void w_describe(char *buf, size_t n) {
    size_t off = 0;
    for (int pi = 0; pi < S->nthreads && off < n; pi++) {
        uint32_t len = sh_tail[pi] - sh_head[pi];
        off += (size_t)snprintf(buf + off, n - off, "%sP%d[%u,%u)", pi ? " | " : "", pi,
                                sh_head[pi], sh_tail[pi]);
        for (uint32_t k = 0; k < len && k < 6 && off < n; k++) {
            off += (size_t)snprintf(buf + off, n - off, " G%d",
                                    sh_ring[pi][(sh_head[pi] + k) % RUNQ_CAP] + 1);
        }
        if (len > 6 && off < n) {
            off += (size_t)snprintf(buf + off, n - off, " ..%u", len);
        }
        if (sh_next[pi] >= 0 && off < n) {
            off += (size_t)snprintf(buf + off, n - off, " next=G%d", sh_next[pi] + 1);
        }
    }
    if (off < n) {
        off += (size_t)snprintf(buf + off, n - off, " | glob[%d]", sh_glen);
    }
    for (int k = 0; k < sh_glen && k < 6 && off < n; k++) {
        off += (size_t)snprintf(buf + off, n - off, " G%d", glob_at(k) + 1);
    }
    if (sh_glen > 6 && off < n) {
        snprintf(buf + off, n - off, " ..%d", sh_glen);
    }
}

// One line of Gs ("  ran by owner: G1 G2 ..."); every G is listed.
static void end_line(FILE *out, const char *where, int where_kind, int who) {
    int count = 0;
    for (int i = 0; i < ng; i++) {
        if (gw[i].where == where_kind && (who < 0 || gw[i].who == who)) {
            fprintf(out, "%s G%d", count++ ? "" : where, i + 1);
        }
    }
    if (count) {
        fprintf(out, "\n");
    }
}

static void w_describe_end(FILE *out) {
    fprintf(out, "where every G finished (%d created):\n", ng);
    for (int t = 0; t < S->nthreads; t++) {
        char label[48];
        snprintf(label, sizeof label, "  ran by %s:", tn(t));
        end_line(out, label, W_DONE, t);
    }
    for (int pi = 0; pi < S->nthreads; pi++) {
        uint32_t len = sh_tail[pi] - sh_head[pi];
        if (len) {
            fprintf(out, "  P%d's ring:", pi);
            for (uint32_t k = 0; k < len; k++) {
                fprintf(out, " G%d", sh_ring[pi][(sh_head[pi] + k) % RUNQ_CAP] + 1);
            }
            fprintf(out, "\n");
        }
        if (sh_next[pi] >= 0) {
            fprintf(out, "  P%d's runnext: G%d\n", pi, sh_next[pi] + 1);
        }
    }
    if (sh_glen) {
        fprintf(out, "  global queue:");
        for (int k = 0; k < sh_glen; k++) {
            fprintf(out, " G%d", glob_at(k) + 1);
        }
        fprintf(out, "\n");
    }
    for (int t = 0; t < S->nthreads; t++) {
        char label[48];
        snprintf(label, sizeof label, "  still in %s's hand:", tn(t));
        end_line(out, label, W_HAND, t);
    }
}

static void w_describe_value(enum runq_site site, const void *addr, uintptr_t v, char *buf,
                             size_t n) {
    (void)site;
    if (api_describe(addr, v, buf, n)) {
        return;
    }
    int field;
    uint32_t slot = 0;
    int pi = which_p(addr, &field, &slot);
    if (pi < 0) {
        snprintf(buf, n, "%s", "");
        return;
    }
    switch (field) {
    case 0:
        snprintf(buf, n, "P%d.h=%u", pi, (uint32_t)v);
        break;
    case 1:
        snprintf(buf, n, "P%d.t=%u", pi, (uint32_t)v);
        break;
    case 2:
    case 3: {
        char gname[16];
        int i = gidx((void *)v);
        if (i < 0) {
            snprintf(gname, sizeof gname, "%s", i == -1 ? "nil" : "?");
        } else {
            snprintf(gname, sizeof gname, "G%d", i + 1);
        }
        if (field == 2) {
            snprintf(buf, n, "P%d.next=%s", pi, gname);
        } else {
            snprintf(buf, n, "P%d[%u]=%s", pi, slot, gname);
        }
        break;
    }
    default:
        snprintf(buf, n, "P%d.status=%u", pi, (uint32_t)v);
        break;
    }
}

static void w_sizes(uint32_t *ring_len, bool *has_next, int *glob_len) {
    for (int pi = 0; pi < S->nthreads; pi++) {
        ring_len[pi] = sh_tail[pi] - sh_head[pi];
        has_next[pi] = sh_next[pi] >= 0;
    }
    *glob_len = sh_glen;
}

const struct dsched_world WORLD_SYMBOL = {
    .cap = RUNQ_CAP,
    .reset = w_reset,
    .thread_body = w_thread_body,
    .after_access = w_after_access,
    .gwrite = w_gwrite,
    .lock_event = w_lock_event,
    .finish = w_finish,
    .describe = w_describe,
    .describe_end = w_describe_end,
    .describe_value = w_describe_value,
    .sizes = w_sizes,
    .locate = w_locate,
    .g_of = w_g_of,
    .labels = glabel,
    .save_initial = w_save_initial,
};
