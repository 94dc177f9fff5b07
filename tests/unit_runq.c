// unit_runq.c - unit oracle of the port (native backend), one build per ring capacity and
// per Go version (-DRUNQ_GO_MASTER builds it against queue/runq_master.c).
//
//   unit_runq [--start N] [--only NAME] [--list]
//
// Go's own three tests (export_test.go: RunSchedLocalQueue{,Steal,Empty}Test), then the
// sequential semantics of every function, first against hand-written expectations and
// then against the reference model (harness/model.c) over random operation sequences.
// --start sets every P's initial runqhead/runqtail (4294967293 crosses the uint32 wrap).
// The tests are written once: the few helpers below give each version's API the meaning
// its callers in Go give it (on master: runqputbatch + the caller's spill, globrunqgetbatch
// + runqputbatch), and master's own behaviour has tests of its own at the end.
// Ends with "N passed, N failed"; exit status 1 if any failed.
#include "../harness/model.h"
#include "../queue/runq_version.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NG 4096
static g gs[NG];
static p ps[4];
static uint32_t start_index;
static int failures_in_test;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__);                                  \
        }                                                                                          \
    } while (0)

static void check_failed(const char *file, int line, const char *cond, const char *fmt, ...) {
    if (failures_in_test++ < 5) {
        fprintf(stderr, "!!! %s:%d: check failed: %s: ", file, line, cond);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

static void reset_world(int nprocs) {
    runq_sched_init(nprocs);
#ifdef RUNQ_GO_MASTER
    runq_set_sysmon(true);
#endif
    for (int i = 0; i < 4; i++) {
        runq_p_init(&ps[i], i, start_index);
    }
    memset(gs, 0, sizeof gs);
    for (int i = 0; i < NG; i++) {
        gs[i].goid = i + 1;
    }
}

static int id(g *gp) {
    return gp ? (int)gp->goid : 0;
}
static g *G(int32_t goid) {
    return goid ? &gs[goid - 1] : NULL;
}

// Ring length as the owner sees it (no concurrency here).
static uint32_t ringlen(p *pp) {
    return atomic_load(&pp->runqtail) - atomic_load(&pp->runqhead);
}

static void lock_sched(void) {
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
}
static void unlock_sched(void) {
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
}

#ifdef RUNQ_GO_MASTER
static int32_t glob_size(void) {
    return sched.runq.size;
}
static gQueue drain(p *pp, uint32_t *n) {
    gQueue q = runqdrain(pp);
    *n = (uint32_t)q.size;
    return q;
}
static void glob_putbatch(gQueue *q, uint32_t n) {
    (void)n;
    globrunqputbatch(q);
}
// What a master caller does with a batch: the ring takes what fits, the rest goes global.
static void putbatch(p *pp, gQueue *q, int n) {
    (void)n;
    runqputbatch(pp, q);
    if (!gQueue_empty(q)) {
        lock_sched();
        globrunqputbatch(q);
        unlock_sched();
    }
}
static g *glob_get(p *pp, int32_t max) {
    // findRunnable's use: at most half a ring, put on the P after the lock is dropped.
    int32_t n = max > 0 && max < RUNQ_CAP / 2 ? max : RUNQ_CAP / 2;
    gQueue q;
    lock_sched();
    g *gp = globrunqgetbatch(n, &q);
    unlock_sched();
    runqputbatch(pp, &q);
    CHECK(gQueue_empty(&q), "the batch did not fit in the ring (%d left)", q.size);
    return gp;
}
// runqput's next as master uses it: ignored without sysmon.
static bool next_used(bool next) {
    return next && haveSysmon;
}
#else
static bool next_used(bool next) {
    return next;
}
static int32_t glob_size(void) {
    return sched.runqsize;
}
static gQueue drain(p *pp, uint32_t *n) {
    return runqdrain(pp, n);
}
static void glob_putbatch(gQueue *q, uint32_t n) {
    globrunqputbatch(q, (int32_t)n);
}
static void putbatch(p *pp, gQueue *q, int n) {
    runqputbatch(pp, q, n);
}
static g *glob_get(p *pp, int32_t max) {
    lock_sched();
    g *gp = globrunqget(pp, max);
    unlock_sched();
    return gp;
}
#endif

static void glob_put(g *gp) {
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    globrunqput(gp);
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
}
// The global queue as a list of goids, head first.
static int glob_ids(int *out, int max) {
    int n = 0;
    for (g *gp = guintptr_ptr(sched.runq.head); gp && n < max; gp = guintptr_ptr(gp->schedlink)) {
        out[n++] = id(gp);
    }
    return n;
}

// ---- Go's tests, ported -----------------------------------------------------------------

// RunSchedLocalQueueTest: put i copies of one G, get them back, queue empty before and after.
static void test_go_local_queue(void) {
    reset_world(1);
    p *pp = &ps[0];
    for (int i = 0; i < RUNQ_CAP; i++) {
        CHECK(runqget(pp, NULL) == NULL, "runq is not empty initially");
        for (int j = 0; j < i; j++) {
            runqput(pp, &gs[i], false);
        }
        for (int j = 0; j < i; j++) {
            g *gp = runqget(pp, NULL);
            CHECK(gp == &gs[i], "bad element at iter %d/%d", i, j);
        }
        CHECK(runqget(pp, NULL) == NULL, "runq is not empty afterwards");
    }
}

// RunSchedLocalQueueStealTest: every G seen exactly once; the thief got i/2 or i/2+1.
static void test_go_steal(void) {
    reset_world(2);
    p *p1 = &ps[0], *p2 = &ps[1];
    for (int i = 0; i < RUNQ_CAP; i++) {
        for (int j = 0; j < i; j++) {
            gs[j].sig = 0;
            runqput(p1, &gs[j], false);
        }
        g *gp = runqsteal(p2, p1, true);
        int s = 0;
        if (gp != NULL) {
            s++;
            gp->sig++;
        }
        while ((gp = runqget(p2, NULL)) != NULL) {
            s++;
            gp->sig++;
        }
        while ((gp = runqget(p1, NULL)) != NULL) {
            gp->sig++;
        }
        for (int j = 0; j < i; j++) {
            CHECK(gs[j].sig == 1, "bad element %d(%u) at iter %d", j, gs[j].sig, i);
        }
        CHECK(s == i / 2 || s == i / 2 + 1, "bad steal %d, want %d or %d, iter %d", s, i / 2,
              i / 2 + 1, i);
    }
}

// RunSchedLocalQueueEmptyTest: a second thread calls runqempty while the owner does
// runqput then runqget; one G is always queued, so runqempty must never say true.
struct empty_arg {
    p *pp;
    _Atomic int ready;
    _Atomic int go;
    _Atomic int done;
    _Atomic int quit;
    _Atomic int spurious;
};

static void *empty_checker(void *argp) {
    struct empty_arg *a = argp;
    for (;;) {
        while (atomic_load(&a->go) == 0) {
            if (atomic_load(&a->quit)) {
                return NULL;
            }
            sched_yield(); // 2-core CI runs tests in parallel: do not starve the owner
        }
        atomic_store(&a->go, 0);
        for (atomic_fetch_add(&a->ready, 1); atomic_load(&a->ready) != 2;) {
            sched_yield();
        }
        if (runqempty(a->pp)) {
            atomic_fetch_add(&a->spurious, 1);
        }
        atomic_store(&a->done, 1);
    }
}

static void test_go_empty(void) {
    reset_world(2);
    static struct empty_arg a;
    memset(&a, 0, sizeof a);
    a.pp = &ps[0];
    pthread_t th;
    pthread_create(&th, NULL, empty_checker, &a);
    // 2,000 rounds: a smoke test of the real-thread race (the engine checks every
    // interleaving of it); on an oversubscribed machine each round can cost a time slice.
    const int iters = 2000;
    for (int i = 0; i < iters; i++) {
        atomic_store(&a.ready, 0);
        bool next0 = (i & 1) == 0, next1 = (i & 2) == 0;
        runqput(a.pp, &gs[0], next0);
        atomic_store(&a.go, 1);
        for (atomic_fetch_add(&a.ready, 1); atomic_load(&a.ready) != 2;) {
            sched_yield();
        }
        runqput(a.pp, &gs[1], next1);
        runqget(a.pp, NULL);
        while (atomic_load(&a.done) == 0) {
            sched_yield();
        }
        atomic_store(&a.done, 0);
        runqget(a.pp, NULL);
    }
    atomic_store(&a.quit, 1);
    pthread_join(th, NULL);
    CHECK(atomic_load(&a.spurious) == 0, "runqempty said empty %d times with a G queued",
          atomic_load(&a.spurious));
}

// ---- sequential semantics, hand-written expectations ----------------------------------

static void test_runnext_priority_and_kick(void) {
    reset_world(1);
    p *pp = &ps[0];
    bool inherit = false;
    runqput(pp, G(1), false);
    runqput(pp, G(2), true); // runnext = 2
    runqput(pp, G(3), true); // runnext = 3, 2 kicked to the ring's tail
    CHECK(atomic_load(&pp->runnext) == guintptr_of(G(3)), "runnext is %d, want 3",
          id(guintptr_ptr(atomic_load(&pp->runnext))));
    CHECK(ringlen(pp) == 2, "ring length %u, want 2", ringlen(pp));
    g *gp = runqget(pp, &inherit);
    CHECK(id(gp) == 3 && inherit, "first get %d inherit %d, want 3 and true", id(gp), inherit);
    gp = runqget(pp, &inherit);
    CHECK(id(gp) == 1 && !inherit, "second get %d inherit %d, want 1 and false", id(gp), inherit);
    gp = runqget(pp, &inherit);
    CHECK(id(gp) == 2, "third get %d, want the kicked G 2", id(gp));
    CHECK(runqget(pp, NULL) == NULL && runqempty(pp), "queue should be empty");
}

static void test_fifo(void) {
    reset_world(1);
    p *pp = &ps[0];
    for (int rep = 0; rep < 3; rep++) { // walk the indices around the ring a few times
        for (int i = 1; i <= RUNQ_CAP; i++) {
            runqput(pp, G(i), false);
        }
        CHECK(ringlen(pp) == RUNQ_CAP, "ring should be full, has %u", ringlen(pp));
        CHECK(glob_size() == 0, "nothing may reach the global queue yet");
        for (int i = 1; i <= RUNQ_CAP; i++) {
            g *gp = runqget(pp, NULL);
            CHECK(id(gp) == i, "get %d, want %d (FIFO)", id(gp), i);
        }
    }
}

static void test_overflow(void) {
    reset_world(1);
    p *pp = &ps[0];
    for (int i = 1; i <= RUNQ_CAP; i++) {
        runqput(pp, G(i), false);
    }
    runqput(pp, G(RUNQ_CAP + 1), false); // full: half + the new G go global
    CHECK(glob_size() == RUNQ_CAP / 2 + 1, "global size %d, want %d", glob_size(),
          RUNQ_CAP / 2 + 1);
    int ids[NG];
    int n = glob_ids(ids, NG);
    CHECK(n == RUNQ_CAP / 2 + 1, "global list length %d", n);
    for (int i = 0; i < RUNQ_CAP / 2; i++) {
        CHECK(ids[i] == i + 1, "global[%d] = %d, want %d (ring order)", i, ids[i], i + 1);
    }
    CHECK(ids[RUNQ_CAP / 2] == RUNQ_CAP + 1, "new G must be last, got %d", ids[RUNQ_CAP / 2]);
    CHECK(ringlen(pp) == RUNQ_CAP / 2, "ring keeps %u, want %d", ringlen(pp), RUNQ_CAP / 2);
    g *gp = runqget(pp, NULL);
    CHECK(id(gp) == RUNQ_CAP / 2 + 1, "ring head %d, want %d", id(gp), RUNQ_CAP / 2 + 1);
    // A kicked runnext overflows the same way.
    reset_world(1);
    for (int i = 1; i <= RUNQ_CAP; i++) {
        runqput(pp, G(i), false);
    }
    runqput(pp, G(RUNQ_CAP + 1), true);
    CHECK(glob_size() == 0, "runnext put into a full ring must not spill yet");
    runqput(pp, G(RUNQ_CAP + 2), true); // kicks RUNQ_CAP+1 into the full ring
    n = glob_ids(ids, NG);
    CHECK(n == RUNQ_CAP / 2 + 1 && ids[n - 1] == RUNQ_CAP + 1,
          "kicked runnext must spill last (n=%d last=%d)", n, n ? ids[n - 1] : 0);
}

static void test_putbatch_spill(void) {
    reset_world(1);
    p *pp = &ps[0];
    for (int i = 1; i <= RUNQ_CAP - 2; i++) {
        runqput(pp, G(i), false);
    }
    gQueue q = {0};
    for (int i = 0; i < 5; i++) {
        gQueue_pushBack(&q, G(1000 + i));
    }
    putbatch(pp, &q, 5);
    CHECK(gQueue_empty(&q), "batch must be consumed");
    CHECK(ringlen(pp) == RUNQ_CAP, "ring should be full, has %u", ringlen(pp));
    int ids[NG];
    int n = glob_ids(ids, NG);
    CHECK(n == 3 && glob_size() == 3, "3 Gs spill, got %d (size %d)", n, glob_size());
    for (int i = 0; i < n; i++) {
        CHECK(ids[i] == 1002 + i, "spill[%d] = %d, want %d", i, ids[i], 1002 + i);
    }
    for (int i = 1; i <= RUNQ_CAP - 2; i++) {
        runqget(pp, NULL);
    }
    CHECK(id(runqget(pp, NULL)) == 1000 && id(runqget(pp, NULL)) == 1001,
          "batch head goes to the ring in order");
}

static void test_drain_order(void) {
    reset_world(1);
    p *pp = &ps[0];
    for (int i = 1; i <= 3; i++) {
        runqput(pp, G(i), false);
    }
    runqput(pp, G(9), true);
    uint32_t n = 0;
    gQueue q = drain(pp, &n);
    CHECK(n == 4, "drained %u, want 4", n);
    int want[] = {9, 1, 2, 3};
    for (int i = 0; i < 4; i++) {
        g *gp = gQueue_pop(&q);
        CHECK(id(gp) == want[i], "drain[%d] = %d, want %d", i, id(gp), want[i]);
    }
    CHECK(gQueue_empty(&q) && runqempty(pp), "drain leaves the queue empty");
    q = drain(pp, &n);
    CHECK(n == 0 && gQueue_empty(&q), "draining an empty queue gives nothing");
    // The GC worker's use: drain then put the batch on the global queue.
    for (int i = 1; i <= RUNQ_CAP; i++) {
        runqput(pp, G(i), false);
    }
    q = drain(pp, &n);
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    glob_putbatch(&q, n);
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    int ids[NG];
    int k = glob_ids(ids, NG);
    CHECK(k == RUNQ_CAP && glob_size() == RUNQ_CAP, "global has %d/%d", k, glob_size());
    for (int i = 0; i < k; i++) {
        CHECK(ids[i] == i + 1, "global[%d] = %d", i, ids[i]);
    }
}

static void test_steal_half(void) {
    for (int len = 0; len <= RUNQ_CAP; len++) {
        reset_world(2);
        for (int i = 1; i <= len; i++) {
            runqput(&ps[0], G(i), false);
        }
        g *gp = runqsteal(&ps[1], &ps[0], false);
        uint32_t want = (uint32_t)(len - len / 2);
        uint32_t got = gp ? 1 + ringlen(&ps[1]) : 0;
        CHECK(got == want, "len %d: stole %u, want %u", len, got, want);
        CHECK(ringlen(&ps[0]) == (uint32_t)len - want, "len %d: victim keeps %u", len,
              ringlen(&ps[0]));
        if (want > 0) {
            CHECK(id(gp) == (int)want, "len %d: returned %d, want the last taken %u", len, id(gp),
                  want);
            for (uint32_t i = 1; i < want; i++) {
                g *x = runqget(&ps[1], NULL);
                CHECK(id(x) == (int)i, "len %d: thief ring[%u] = %d", len, i, id(x));
            }
            g *x = runqget(&ps[0], NULL);
            CHECK(len == (int)want || id(x) == (int)want + 1, "len %d: victim head %d", len, id(x));
        }
    }
}

static void test_steal_runnext(void) {
    reset_world(2);
    atomic_store(&ps[0].status, _Pidle); // no back-off needed
    runqput(&ps[0], G(1), true);
    CHECK(runqsteal(&ps[1], &ps[0], false) == NULL, "without stealRunNextG runnext stays");
    g *gp = runqsteal(&ps[1], &ps[0], true);
    CHECK(id(gp) == 1, "empty ring: steal takes runnext, got %d", id(gp));
    CHECK(atomic_load(&ps[0].runnext) == 0, "runnext must be cleared");
    // With Gs in the ring, runnext is left alone.
    runqput(&ps[0], G(2), true);
    runqput(&ps[0], G(3), false);
    gp = runqsteal(&ps[1], &ps[0], true);
    CHECK(id(gp) == 3, "non-empty ring: steal from the ring, got %d", id(gp));
    CHECK(atomic_load(&ps[0].runnext) == guintptr_of(G(2)), "runnext must stay");
    // A running victim: the thief backs off (3us) and still takes it.
    atomic_store(&ps[0].status, _Prunning);
    gp = runqsteal(&ps[1], &ps[0], true);
    CHECK(id(gp) == 2, "running victim: runnext taken after back-off, got %d", id(gp));
}

static void test_globrunqget_sizing(void) {
    // n = min(size/gomaxprocs + 1, size, max if > 0, cap/2); one returned, n-1 to the ring.
    static const struct {
        int nprocs, size, max;
    } cases[] = {{1, 0, 0},   {1, 1, 0},   {1, 5, 0}, {4, 5, 0},   {4, 5, 1},  {2, 9, 3},
                 {1, 600, 0}, {3, 600, 0}, {8, 7, 0}, {2, 600, 2}, {1, 3, 10}, {5, 100, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        reset_world(cases[c].nprocs);
        for (int i = 1; i <= cases[c].size; i++) {
            glob_put(G(i));
        }
        int size = cases[c].size;
        int n = size / cases[c].nprocs + 1;
        if (n > size) {
            n = size;
        }
        if (cases[c].max > 0 && n > cases[c].max) {
            n = cases[c].max;
        }
        if (n > RUNQ_CAP / 2) {
            n = RUNQ_CAP / 2;
        }
        g *gp = glob_get(&ps[0], cases[c].max);
        CHECK(id(gp) == (n ? 1 : 0), "case %zu: got %d", c, id(gp));
        CHECK(ringlen(&ps[0]) == (uint32_t)(n ? n - 1 : 0), "case %zu: ring got %u, want %d", c,
              ringlen(&ps[0]), n ? n - 1 : 0);
        CHECK(glob_size() == size - n, "case %zu: global keeps %d, want %d", c, glob_size(),
              size - n);
        for (int i = 2; i <= n; i++) {
            CHECK(id(runqget(&ps[0], NULL)) == i, "case %zu: ring order", c);
        }
    }
}

static void test_globrunqputhead(void) {
    reset_world(1);
    glob_put(G(1));
    glob_put(G(2));
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    globrunqputhead(G(3));
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    int ids[8] = {0};
    int n = glob_ids(ids, 8);
    CHECK(n == 3 && ids[0] == 3 && ids[1] == 1 && ids[2] == 2, "global order %d: %d %d %d", n,
          ids[0], ids[1], ids[2]);
    CHECK(glob_size() == 3, "runqsize %d", glob_size());
    CHECK(id(glob_get(&ps[0], 1)) == 3, "head comes out first");
}

static void test_gqueue_glist(void) {
    reset_world(1);
    gQueue q = {0};
    CHECK(gQueue_empty(&q), "new queue empty");
    gQueue_pushBack(&q, G(2));
    gQueue_push(&q, G(1));
    gQueue_pushBack(&q, G(3));
    gQueue q2 = {0};
    gQueue_pushBack(&q2, G(4));
    gQueue_pushBack(&q2, G(5));
    gQueue_pushBackAll(&q, q2);
    gList l = {0};
    gList_push(&l, G(7));
    gQueue q3 = {0};
    gQueue_pushBack(&q3, G(6));
    gList_pushAll(&l, q3); // 6, 7
    for (int want = 1; want <= 5; want++) {
        CHECK(id(gQueue_pop(&q)) == want, "gQueue order at %d", want);
    }
    CHECK(gQueue_pop(&q) == NULL && gQueue_empty(&q), "gQueue drained");
    gQueue_pushBack(&q, G(8));
    gList l2 = gQueue_popList(&q);
    CHECK(gQueue_empty(&q) && id(gList_pop(&l2)) == 8 && gList_empty(&l2), "popList");
    CHECK(id(gList_pop(&l)) == 6 && id(gList_pop(&l)) == 7 && gList_pop(&l) == NULL, "gList order");
}

// ---- sequential semantics against the reference model ---------------------------------

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

// Compares every P's queue and the global queue with the model; returns false on a mismatch.
static bool same_as_model(const model *m, int np, int step) {
    for (int i = 0; i < np; i++) {
        p *pp = &ps[i];
        uint32_t h = atomic_load(&pp->runqhead), t = atomic_load(&pp->runqtail);
        const model_p *mp = &m->p[i];
        CHECK(t - h == mp->len, "step %d P%d: ring length %u, model %u", step, i, t - h, mp->len);
        if (t - h != mp->len) {
            return false;
        }
        for (uint32_t k = 0; k < mp->len; k++) {
            int got = id(guintptr_ptr(atomic_load(&pp->runq[(h + k) % RUNQ_CAP])));
            int want = mp->ring[(mp->head + k) % m->cap];
            CHECK(got == want, "step %d P%d: ring[%u] = %d, model %d", step, i, k, got, want);
            if (got != want) {
                return false;
            }
        }
        int rn = id(guintptr_ptr(atomic_load(&pp->runnext)));
        CHECK(rn == mp->runnext, "step %d P%d: runnext %d, model %d", step, i, rn, mp->runnext);
        if (rn != mp->runnext) {
            return false;
        }
    }
    static int ids[NG];
    int n = glob_ids(ids, NG);
    CHECK(n == (int)m->glen && glob_size() == (int32_t)m->glen,
          "step %d: global %d (size %d), model %u", step, n, glob_size(), m->glen);
    if (n != (int)m->glen) {
        return false;
    }
    for (int k = 0; k < n; k++) {
        int want = m->glob[(m->ghead + k) % MODEL_MAX_G];
        CHECK(ids[k] == want, "step %d: global[%d] = %d, model %d", step, k, ids[k], want);
        if (ids[k] != want) {
            return false;
        }
    }
    return true;
}

static void test_against_model(void) {
    static model m;
    static model_list lst;
    const int np = 3, seeds = 60, steps = 3000;
    for (int seed = 1; seed <= seeds && failures_in_test == 0; seed++) {
        rng_state = 0x1234567ull * (uint64_t)seed + 99;
        reset_world(np);
#ifdef RUNQ_GO_MASTER
        runq_set_sysmon(seed % 3 != 0); // every third seed: no sysmon, runnext unused
#endif
        model_init(&m, RUNQ_CAP, np);
        for (int i = 0; i < np; i++) {
            atomic_store(&ps[i].status, _Pidle);
        }
        int32_t next_g = 1;
        for (int step = 0; step < steps; step++) {
            int pid = (int)rnd(np);
            p *pp = &ps[pid];
            uint32_t op = rnd(100);
            if (next_g >= NG - RUNQ_CAP) {
                op = 40; // out of fresh Gs: only gets from here
            }
            if (op < 35) { // runqput, burst
                int k = 1 + (int)rnd(rnd(4) == 0 ? RUNQ_CAP + 2 : 3);
                for (int j = 0; j < k && next_g < NG - 1; j++) {
                    bool next = rnd(3) == 0;
                    runqput(pp, G(next_g), next);
                    model_runqput(&m, pid, next_g, next_used(next));
                    next_g++;
                }
            } else if (op < 55) { // runqget
                bool inh1, inh2;
                int got = id(runqget(pp, &inh1));
                int want = model_runqget(&m, pid, &inh2);
                CHECK(got == want && inh1 == inh2, "step %d: runqget %d/%d, model %d/%d", step, got,
                      inh1, want, inh2);
            } else if (op < 65) { // runqsteal into an empty thief
                int victim = (pid + 1 + (int)rnd(np - 1)) % np;
                if (!runqempty(pp)) {
                    continue;
                }
                bool srn = rnd(2);
                int got = id(runqsteal(pp, &ps[victim], srn));
                int want = model_runqsteal(&m, pid, victim, srn);
                CHECK(got == want, "step %d: runqsteal %d, model %d", step, got, want);
            } else if (op < 72) { // runqdrain + globrunqputbatch (the GC worker)
                uint32_t n = 0;
                gQueue q = drain(pp, &n);
                model_runqdrain(&m, pid, &lst);
                CHECK((int)n == lst.n, "step %d: drained %u, model %d", step, n, lst.n);
                if (n > 0) {
                    rq_lock(&sched.lock, RQ_SITE_caller_lock);
                    glob_putbatch(&q, n);
                    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
                    model_globrunqputbatch(&m, &lst);
                }
            } else if (op < 80) { // runqputbatch of fresh Gs
                int k = (int)rnd(rnd(3) == 0 ? RUNQ_CAP + 4 : 6);
                gQueue q = {0};
                lst.n = 0;
                for (int j = 0; j < k; j++) {
                    gQueue_pushBack(&q, G(next_g));
                    lst.g[lst.n++] = next_g++;
                }
                putbatch(pp, &q, k);
                model_runqputbatch(&m, pid, &lst);
            } else if (op < 88) { // globrunqget, only with room for the batch (as Go's callers)
                if (ringlen(pp) > RUNQ_CAP / 2) {
                    continue;
                }
                int32_t max = (int32_t)rnd(4);
                int got = id(glob_get(pp, max));
                int want = model_globrunqget(&m, pid, max);
                CHECK(got == want, "step %d: globrunqget %d, model %d", step, got, want);
            } else if (op < 94) { // global puts
                bool head = rnd(2);
                rq_lock(&sched.lock, RQ_SITE_caller_lock);
                if (head) {
                    globrunqputhead(G(next_g));
                } else {
                    globrunqput(G(next_g));
                }
                rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
                if (head) {
                    model_globrunqputhead(&m, next_g);
                } else {
                    model_globrunqput(&m, next_g);
                }
                next_g++;
            } else { // runqempty
                CHECK(runqempty(pp) == model_runqempty(&m, pid), "step %d: runqempty differs",
                      step);
            }
            if (!same_as_model(&m, np, step)) {
                fprintf(stderr, "    (seed %d)\n", seed);
                break;
            }
        }
    }
}

#ifdef RUNQ_GO_MASTER
// ---- Go master only: where its behaviour differs from 1.19 ------------------------------

// Every gQueue and gList operation keeps size equal to the number of Gs linked.
static int linked(guintptr head) {
    int n = 0;
    for (g *gp = guintptr_ptr(head); gp != NULL && n <= NG; gp = guintptr_ptr(gp->schedlink)) {
        n++;
    }
    return n;
}

static void test_master_sizes(void) {
    reset_world(1);
    gQueue q = {0}, q2 = {0};
    gQueue_pushBack(&q, G(1));
    gQueue_push(&q, G(2));
    gQueue_pushBack(&q2, G(3));
    gQueue_pushBack(&q2, G(4));
    CHECK(q.size == 2 && q2.size == 2, "push/pushBack sizes %d %d", q.size, q2.size);
    gQueue_pushBackAll(&q, q2);
    CHECK(q.size == 4 && linked(q.head) == 4, "pushBackAll size %d linked %d", q.size,
          linked(q.head));
    gQueue_pushBackAll(&q, (gQueue){0});
    CHECK(q.size == 4, "pushBackAll of an empty queue changed size to %d", q.size);
    CHECK(id(gQueue_pop(&q)) == 2 && q.size == 3, "pop size %d", q.size);
    gList l = gQueue_popList(&q);
    CHECK(l.size == 3 && q.size == 0 && gQueue_empty(&q), "popList sizes %d %d", l.size, q.size);
    gList_push(&l, G(5));
    gQueue q3 = {0};
    gQueue_pushBack(&q3, G(6));
    gList_pushAll(&l, q3);
    CHECK(l.size == 5 && linked(l.head) == 5, "gList size %d linked %d", l.size, linked(l.head));
    CHECK(id(gList_pop(&l)) == 6 && l.size == 4, "gList pop size %d", l.size);
    CHECK(gQueue_pop(&q) == NULL && q.size == 0, "pop of an empty queue keeps size 0");
    // sched.runq.size is the global queue's only count now.
    for (int i = 1; i <= RUNQ_CAP + 1; i++) {
        runqput(&ps[0], G(100 + i), false); // the last put overflows: half + 1 go global
    }
    CHECK(sched.runq.size == RUNQ_CAP / 2 + 1 && linked(sched.runq.head) == sched.runq.size,
          "after overflow sched.runq.size %d, linked %d", sched.runq.size, linked(sched.runq.head));
    glob_put(G(900));
    lock_sched();
    globrunqputhead(G(901));
    unlock_sched();
    CHECK(sched.runq.size == RUNQ_CAP / 2 + 3, "after two puts size %d", sched.runq.size);
    gQueue d = runqdrain(&ps[0]);
    CHECK(d.size == RUNQ_CAP / 2 && linked(d.head) == d.size, "drainQ size %d linked %d", d.size,
          linked(d.head));
    lock_sched();
    globrunqputbatch(&d);
    unlock_sched();
    CHECK(d.size == 0 && gQueue_empty(&d), "globrunqputbatch clears the batch (size %d)", d.size);
    CHECK(sched.runq.size == RUNQ_CAP + 3 && linked(sched.runq.head) == sched.runq.size,
          "global size %d linked %d", sched.runq.size, linked(sched.runq.head));
}

// runqputbatch puts what fits, in order, and leaves the rest in q (no spill, no lock).
static void test_master_putbatch_leaves_rest(void) {
    reset_world(1);
    p *pp = &ps[0];
    gQueue q = {0};
    runqputbatch(pp, &q); // empty: returns at once
    CHECK(ringlen(pp) == 0, "empty batch put %u Gs", ringlen(pp));
    for (int i = 1; i <= RUNQ_CAP - 2; i++) {
        runqput(pp, G(i), false);
    }
    for (int i = 0; i < 5; i++) {
        gQueue_pushBack(&q, G(1000 + i));
    }
    runqputbatch(pp, &q);
    CHECK(ringlen(pp) == RUNQ_CAP, "ring should be full, has %u", ringlen(pp));
    CHECK(q.size == 3 && linked(q.head) == 3, "3 Gs stay in q, size %d linked %d", q.size,
          linked(q.head));
    CHECK(id(guintptr_ptr(q.head)) == 1002, "what stays starts at the first that did not fit (%d)",
          id(guintptr_ptr(q.head)));
    CHECK(sched.runq.size == 0 && sched.runq.head == 0, "runqputbatch must not touch the global "
                                                        "queue");
    runqputbatch(pp, &q); // still full: nothing moves
    CHECK(q.size == 3 && ringlen(pp) == RUNQ_CAP, "a full ring takes nothing (q %d)", q.size);
}

// globrunqgetbatch: n = min(n, size, size/gomaxprocs + 1); first G returned, rest in q.
static void test_master_globrunqgetbatch(void) {
    static const struct {
        int nprocs, size, n;
    } cases[] = {{1, 0, 4},     {1, 1, 4},     {1, 5, 2},   {4, 5, 8},  {4, 5, 1},  {2, 9, 3},
                 {1, 600, 128}, {3, 600, 128}, {8, 7, 100}, {1, 3, 10}, {5, 100, 2}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        reset_world(cases[c].nprocs);
        for (int i = 1; i <= cases[c].size; i++) {
            glob_put(G(i));
        }
        int size = cases[c].size, want = cases[c].n;
        if (want > size) {
            want = size;
        }
        if (want > size / cases[c].nprocs + 1) {
            want = size / cases[c].nprocs + 1;
        }
        gQueue q = {(guintptr)1, (guintptr)1, 99}; // must be overwritten
        lock_sched();
        g *gp = globrunqgetbatch(cases[c].n, &q);
        unlock_sched();
        CHECK(id(gp) == (want ? 1 : 0), "case %zu: got %d", c, id(gp));
        CHECK(q.size == (want ? want - 1 : 0) && linked(q.head) == q.size,
              "case %zu: batch size %d linked %d, want %d", c, q.size, linked(q.head),
              want ? want - 1 : 0);
        for (int i = 2; i <= want; i++) {
            CHECK(id(gQueue_pop(&q)) == i, "case %zu: batch order", c);
        }
        CHECK(sched.runq.size == size - want, "case %zu: global keeps %d, want %d", c,
              sched.runq.size, size - want);
        CHECK(ringlen(&ps[0]) == 0, "case %zu: globrunqgetbatch must not touch a ring", c);
    }
    // globrunqget: one G from the head, or nil.
    reset_world(2);
    lock_sched();
    CHECK(globrunqget() == NULL, "empty global queue gives nil");
    globrunqput(G(1));
    globrunqput(G(2));
    g *gp = globrunqget();
    unlock_sched();
    CHECK(id(gp) == 1 && sched.runq.size == 1, "globrunqget took %d, size %d", id(gp),
          sched.runq.size);
}

// Without sysmon runqput(next=true) is runqput(next=false): runnext stays nil.
static void test_master_next_without_sysmon(void) {
    reset_world(1);
    p *pp = &ps[0];
    runq_set_sysmon(false);
    runqput(pp, G(1), false);
    runqput(pp, G(2), true);
    CHECK(atomic_load(&pp->runnext) == 0, "runnext set to %d without sysmon",
          id(guintptr_ptr(atomic_load(&pp->runnext))));
    bool inherit = true;
    CHECK(id(runqget(pp, &inherit)) == 1 && !inherit, "FIFO: 1 first, no inheritTime");
    CHECK(id(runqget(pp, &inherit)) == 2 && !inherit, "then 2");
    runq_set_sysmon(true);
    runqput(pp, G(3), true);
    CHECK(atomic_load(&pp->runnext) == guintptr_of(G(3)), "with sysmon runnext is used");
    CHECK(id(runqget(pp, &inherit)) == 3 && inherit, "runnext inherits the time slice");
}

// runqgrab still takes runnext whatever the victim's M runs; only the back-off differs
// (skipped for a G in a syscall), which the deterministic engine's sites show.
static void test_master_steal_runnext_syscall(void) {
    static m ms;
    static g cur;
    const uint32_t states[] = {_Grunning, _Gsyscall, _Gsyscall | _Gscan};
    for (int k = -2; k < 3; k++) {
        reset_world(2);
        atomic_store(&ps[0].status, _Prunning);
        atomic_store(&ms.curg, 0);
        if (k == -2) {
            atomic_store(&ps[0].m, 0); // no M
        } else {
            atomic_store(&ps[0].m, (muintptr)&ms);
        }
        if (k >= 0) {
            atomic_store(&cur.atomicstatus, states[k]);
            atomic_store(&ms.curg, guintptr_of(&cur));
        }
        runqput(&ps[0], G(1), true);
        g *gp = runqsteal(&ps[1], &ps[0], true);
        CHECK(id(gp) == 1, "case %d: runnext stolen, got %d", k, id(gp));
    }
}
#endif

// ---- runner ---------------------------------------------------------------------------

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"go_local_queue", test_go_local_queue},
    {"go_steal", test_go_steal},
    {"go_empty", test_go_empty},
    {"runnext_priority_and_kick", test_runnext_priority_and_kick},
    {"fifo", test_fifo},
    {"overflow", test_overflow},
    {"putbatch_spill", test_putbatch_spill},
    {"drain_order", test_drain_order},
    {"steal_half", test_steal_half},
    {"steal_runnext", test_steal_runnext},
    {"globrunqget_sizing", test_globrunqget_sizing},
    {"globrunqputhead", test_globrunqputhead},
    {"gqueue_glist", test_gqueue_glist},
    {"against_model", test_against_model},
#ifdef RUNQ_GO_MASTER
    {"master_sizes", test_master_sizes},
    {"master_putbatch_leaves_rest", test_master_putbatch_leaves_rest},
    {"master_globrunqgetbatch", test_master_globrunqgetbatch},
    {"master_next_without_sysmon", test_master_next_without_sysmon},
    {"master_steal_runnext_syscall", test_master_steal_runnext_syscall},
#endif
};

int main(int argc, char **argv) {
    const char *only = NULL, *skip = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--start") == 0 && i + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 0);
            if (*end != '\0' || v > 0xffffffffull) {
                fprintf(stderr, "unit_runq: --start: expected a uint32, got '%s'\n", argv[i]);
                return 2;
            }
            start_index = (uint32_t)v;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc) {
            skip = argv[++i];
        } else if (strcmp(argv[i], "--list") == 0) {
            for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
                puts(tests[t].name);
            }
            return 0;
        } else {
            fprintf(stderr, "usage: unit_runq [--start N] [--only NAME] [--skip NAME] [--list]\n");
            return 2;
        }
    }
    int passed = 0, failed = 0;
    printf("unit_runq: Go %s, capacity %d, start index %u\n", RUNQ_GO_VERSION, RUNQ_CAP,
           start_index);
    for (size_t t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        if ((only && strcmp(only, tests[t].name) != 0) ||
            (skip && strcmp(skip, tests[t].name) == 0)) {
            continue;
        }
        failures_in_test = 0;
        tests[t].fn();
        if (failures_in_test == 0) {
            passed++;
            printf("ok   %s\n", tests[t].name);
        } else {
            failed++;
            printf("FAIL %s (%d checks)\n", tests[t].name, failures_in_test);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
