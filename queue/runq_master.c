// runq_master.c - the port of Go master's per-P run queue and global run queue.
//
// Source of record: golang/go src/runtime/proc.go at commit 00120edb8424 (runqempty ..
// runqsteal, globrunq*, gQueue, gList). This file is laid out like runq.c (Go 1.19), so
// `diff queue/runq.c queue/runq_master.c` shows what changed between the two Go versions
// and nothing else. Same seam, same sites (plus runqgrab's three syscall-test reads), same
// memory-order rule; queue/README.md has the function table of each version.
#include "runq_master.h"

#include <string.h>

schedt sched;
bool randomizeScheduler = false;
bool haveSysmon = true;

void runq_set_sysmon(bool on) {
    haveSysmon = on;
}

// cheaprand: Go keeps the state per M. Here it is per P, for the reason runq.c gives for
// fastrand: every caller is the P's owner, and simulated threads share one OS thread.
static uint64_t cheaprand_seed = 0x9e3779b97f4a7c15ull;

void runq_set_randomize(bool on, uint64_t seed) {
    randomizeScheduler = on;
    cheaprand_seed = seed ? seed : 0x9e3779b97f4a7c15ull;
}

// cheaprandn returns a pseudo-random number in [0, n) from pp's state (splitmix64 in place
// of Go's per-M generator; callers need only the distribution). Owner of pp only.
uint32_t cheaprandn(p *pp, uint32_t n) {
    uint64_t z = (pp->cheaprand += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (uint32_t)(((z & 0xffffffffull) * (uint64_t)n) >> 32);
}

#define assertLockHeld(l)                                                                          \
    do {                                                                                           \
        if (!rq_lock_held(l)) {                                                                    \
            rq_throw("lock not held");                                                             \
        }                                                                                          \
    } while (0)

// ---------------------------------------------------------------------------------------
// Set-up. Go zeroes a P when it allocates it; these do the same and let tests choose the
// starting ring index so that uint32 wrap-around is reached in a few operations.

void runq_p_init(p *pp, int32_t id, uint32_t start) {
    memset(pp, 0, sizeof *pp);
    pp->id = id;
    pp->cheaprand = cheaprand_seed ^ ((uint64_t)(uint32_t)id * 0xd1342543de82ef95ull);
    atomic_init(&pp->status, _Prunning);
    atomic_init(&pp->m, 0);
    atomic_init(&pp->runqhead, start);
    atomic_init(&pp->runqtail, start);
    for (int i = 0; i < RUNQ_CAP; i++) {
        atomic_init(&pp->runq[i], 0);
    }
    atomic_init(&pp->runnext, 0);
}

void runq_sched_init(int32_t gomaxprocs) {
    rq_mutex_init(&sched.lock);
    sched.runq.head = 0;
    sched.runq.tail = 0;
    sched.runq.size = 0;
    sched.gomaxprocs = gomaxprocs;
}

// ---------------------------------------------------------------------------------------
// gQueue and gList. The caller holds every G these touch (a G on the global queue is held
// by whoever holds sched.lock), so the link writes are plain; rq_gwrite announces each
// write so the deterministic engine can check that rule.

// empty reports whether q is empty.
bool gQueue_empty(const gQueue *q) {
    return q->head == 0;
}

// push adds gp to the head of q.
void gQueue_push(gQueue *q, g *gp) {
    rq_gwrite(gp);
    gp->schedlink = q->head;
    q->head = guintptr_of(gp);
    if (q->tail == 0) {
        q->tail = guintptr_of(gp);
    }
    q->size++;
}

// pushBack adds gp to the tail of q.
void gQueue_pushBack(gQueue *q, g *gp) {
    rq_gwrite(gp);
    gp->schedlink = 0;
    if (q->tail != 0) {
        rq_gwrite(guintptr_ptr(q->tail));
        guintptr_ptr(q->tail)->schedlink = guintptr_of(gp);
    } else {
        q->head = guintptr_of(gp);
    }
    q->tail = guintptr_of(gp);
    q->size++;
}

// pushBackAll adds all Gs in q2 to the tail of q. After this q2 must not be used.
void gQueue_pushBackAll(gQueue *q, gQueue q2) {
    if (q2.tail == 0) {
        return;
    }
    rq_gwrite(guintptr_ptr(q2.tail));
    guintptr_ptr(q2.tail)->schedlink = 0;
    if (q->tail != 0) {
        rq_gwrite(guintptr_ptr(q->tail));
        guintptr_ptr(q->tail)->schedlink = q2.head;
    } else {
        q->head = q2.head;
    }
    q->tail = q2.tail;
    q->size += q2.size;
}

// pop removes and returns the head of queue q. It returns NULL if q is empty.
g *gQueue_pop(gQueue *q) {
    g *gp = guintptr_ptr(q->head);
    if (gp != NULL) {
        q->head = gp->schedlink;
        if (q->head == 0) {
            q->tail = 0;
        }
        q->size--;
    }
    return gp;
}

// popList takes all Gs in q and returns them as a gList.
gList gQueue_popList(gQueue *q) {
    gList stack = {q->head, q->size};
    q->head = 0;
    q->tail = 0;
    q->size = 0;
    return stack;
}

// empty reports whether l is empty.
bool gList_empty(const gList *l) {
    return l->head == 0;
}

// push adds gp to the head of l.
void gList_push(gList *l, g *gp) {
    rq_gwrite(gp);
    gp->schedlink = l->head;
    l->head = guintptr_of(gp);
    l->size++;
}

// pushAll prepends all Gs in q to l. After this q must not be used.
void gList_pushAll(gList *l, gQueue q) {
    if (!gQueue_empty(&q)) {
        rq_gwrite(guintptr_ptr(q.tail));
        guintptr_ptr(q.tail)->schedlink = l->head;
        l->head = q.head;
        l->size += q.size;
    }
}

// pop removes and returns the head of l. If l is empty, it returns NULL.
g *gList_pop(gList *l) {
    g *gp = guintptr_ptr(l->head);
    if (gp != NULL) {
        l->head = gp->schedlink;
        l->size--;
    }
    return gp;
}

// ---------------------------------------------------------------------------------------
// The global run queue. sched.lock must be held for all of these; sched.runq (and its
// size, which replaced sched.runqsize) is plain, ordered by the lock.

// globrunqput puts gp on the tail of the global runnable queue.
void globrunqput(g *gp) {
    assertLockHeld(&sched.lock);

    gQueue_pushBack(&sched.runq, gp);
}

// globrunqputhead puts gp at the head of the global runnable queue.
void globrunqputhead(g *gp) {
    assertLockHeld(&sched.lock);

    gQueue_push(&sched.runq, gp);
}

// globrunqputbatch puts a batch of runnable goroutines on the global runnable queue and
// clears *batch. The batch counts itself now, so there is no n to vouch for.
void globrunqputbatch(gQueue *batch) {
    assertLockHeld(&sched.lock);

    gQueue_pushBackAll(&sched.runq, *batch);
    batch->head = 0;
    batch->tail = 0;
    batch->size = 0;
}

// globrunqget takes one G from the head of the global runnable queue, or returns NULL.
g *globrunqget(void) {
    assertLockHeld(&sched.lock);

    if (sched.runq.size == 0) {
        return NULL;
    }

    return gQueue_pop(&sched.runq);
}

// globrunqgetbatch takes up to n Gs from the global runnable queue, no more than its fair
// share (size/gomaxprocs + 1). It returns the first and hands the rest back in *q, in
// queue order; the caller puts them on its own P (runqputbatch) after dropping the lock.
// Unlike 1.19's globrunqget it never touches a local ring, so it needs no P.
g *globrunqgetbatch(int32_t n, gQueue *q) {
    assertLockHeld(&sched.lock);

    q->head = 0;
    q->tail = 0;
    q->size = 0;
    if (sched.runq.size == 0) {
        return NULL;
    }

    int32_t fair = sched.runq.size / sched.gomaxprocs + 1;
    if (n > sched.runq.size) {
        n = sched.runq.size;
    }
    if (n > fair) {
        n = fair;
    }

    g *gp = gQueue_pop(&sched.runq);
    n--;

    for (; n > 0; n--) {
        g *gp1 = gQueue_pop(&sched.runq);
        gQueue_pushBack(q, gp1);
    }
    return gp;
}

// ---------------------------------------------------------------------------------------
// The local run queue.

// runqempty reports whether pp has no Gs on its local run queue. It never returns true
// spuriously. Any P may call it.
bool runqempty(p *pp) {
    // A single look at head == tail and then runnext == 0 is not enough: between them
    // (1) pp could hold G1 in runnext with head == tail, (2) runqput kicks G1 into the
    // ring, (3) runqget takes the new runnext. Re-reading tail and retrying until it did
    // not move makes the three loads a consistent snapshot.
    for (;;) {
        uint32_t head = rq_Load(&pp->runqhead, RQ_SITE_runqempty_head);
        uint32_t tail = rq_Load(&pp->runqtail, RQ_SITE_runqempty_tail);
        guintptr runnext = rq_Loadg(&pp->runnext, RQ_SITE_runqempty_next);
        if (tail == rq_Load(&pp->runqtail, RQ_SITE_runqempty_tail2)) {
            return head == tail && runnext == 0;
        }
    }
}

// runqput tries to put gp on the local runnable queue. If next is false it goes to the
// tail of the ring; if true, into pp->runnext, and the G that was there is kicked to the
// tail of the ring. If the ring is full, runqputslow moves half of it to the global queue.
// Executed only by the owner P.
void runqput(p *pp, g *gp, bool next) {
    if (!haveSysmon && next) {
        // A runnext G runs on the time slice of the G that readied it, so two Gs readying
        // each other could keep a P forever; sysmon's preemption is what stops that. With
        // no sysmon, do not use runnext at all.
        next = false;
    }
    if (randomizeScheduler && next && cheaprandn(pp, 2) == 0) {
        next = false;
    }

    if (next) {
    retryNext:;
        // plain read in Go: only the owner makes runnext non-zero, so the value can only
        // go stale by a thief zeroing it, which the CAS below notices.
        guintptr oldnext = rq_plain_loadg(&pp->runnext, RQ_SITE_runqput_next);
        if (!rq_casg(&pp->runnext, oldnext, guintptr_of(gp), RQ_SITE_runqput_nextcas)) {
            goto retryNext;
        }
        if (oldnext == 0) {
            return;
        }
        // Kick the old runnext out to the regular run queue.
        gp = guintptr_ptr(oldnext);
    }

retry:;
    // load-acquire, synchronize with consumers
    uint32_t h = rq_LoadAcq(&pp->runqhead, RQ_SITE_runqput_head);
    uint32_t t = rq_plain_load32(&pp->runqtail, RQ_SITE_runqput_tail); // relaxed: own field
    if (t - h < (uint32_t)RUNQ_CAP) {
        // relaxed: the slot is outside [head, tail), so no consumer uses it until the
        // store-release below; a thief holding a stale head may read it and will fail its CAS.
        rq_plain_storeg(&pp->runq[t % RUNQ_CAP], guintptr_of(gp), RQ_SITE_runqput_slot);
        // store-release, makes the item available for consumption
        rq_StoreRel(&pp->runqtail, t + 1, RQ_SITE_runqput_publish);
        return;
    }
    if (runqputslow(pp, gp, h, t)) {
        return;
    }
    // the queue is not full, now the put above must succeed
    goto retry;
}

// runqputslow puts gp and half of the local ring on the global queue, in ring order with
// gp last. h and t are what runqput read; it fails (returns false) if a consumer moved the
// head since, and then the ring has room. Executed only by the owner P.
bool runqputslow(p *pp, g *gp, uint32_t h, uint32_t t) {
    g *batch[RUNQ_CAP / 2 + 1];

    // First, grab a batch from local queue.
    uint32_t n = t - h;
    n = n / 2;
    if (n != (uint32_t)(RUNQ_CAP / 2)) {
        rq_throw("runqputslow: queue is not full");
    }
    for (uint32_t i = 0; i < n; i++) {
        // relaxed: these slots are in [h, t); until the CAS below commits, a thief may be
        // reading them too, and whichever CAS wins owns them.
        batch[i] =
            guintptr_ptr(rq_plain_loadg(&pp->runq[(h + i) % RUNQ_CAP], RQ_SITE_runqputslow_slot));
    }
    // cas-release, commits consume
    if (!rq_CasRel(&pp->runqhead, h, h + n, RQ_SITE_runqputslow_headcas)) {
        return false;
    }
    batch[n] = gp;

    if (randomizeScheduler) {
        for (uint32_t i = 1; i <= n; i++) {
            uint32_t j = cheaprandn(pp, i + 1);
            g *tmp = batch[i];
            batch[i] = batch[j];
            batch[j] = tmp;
        }
    }

    // Link the goroutines. Only now, after the CAS, does this P own them.
    for (uint32_t i = 0; i < n; i++) {
        rq_gwrite(batch[i]);
        batch[i]->schedlink = guintptr_of(batch[i + 1]);
    }
    gQueue q;
    q.head = guintptr_of(batch[0]);
    q.tail = guintptr_of(batch[n]);
    q.size = (int32_t)(n + 1);

    // Now put the batch on global queue.
    rq_lock(&sched.lock, RQ_SITE_runqputslow_lock);
    globrunqputbatch(&q);
    rq_unlock(&sched.lock, RQ_SITE_runqputslow_unlock);
    return true;
}

// runqputbatch_off is runqputbatch's closure off(o): the ring index o places past the
// published tail. Like Go's, it reads pp.runqtail (relaxed: the owner's own field) at
// every call. Owner of pp only.
static uint32_t runqputbatch_off(p *pp, uint32_t o) {
    return (rq_plain_load32(&pp->runqtail, RQ_SITE_runqputbatch_tail) + o) % RUNQ_CAP;
}

// runqputbatch puts as many Gs of q as fit on the local ring, in order. What does not fit
// stays in q: the caller decides where it goes (1.19 spilled it to the global queue
// here). Executed only by the owner P.
void runqputbatch(p *pp, gQueue *q) {
    if (gQueue_empty(q)) {
        return;
    }
    // load-acquire, synchronize with consumers
    uint32_t h = rq_LoadAcq(&pp->runqhead, RQ_SITE_runqputbatch_head);
    uint32_t t = rq_plain_load32(&pp->runqtail, RQ_SITE_runqputbatch_tail); // relaxed: own field
    uint32_t n = 0;
    while (!gQueue_empty(q) && t - h < (uint32_t)RUNQ_CAP) {
        g *gp = gQueue_pop(q);
        // relaxed: past tail, published by the store-release below.
        rq_plain_storeg(&pp->runq[t % RUNQ_CAP], guintptr_of(gp), RQ_SITE_runqputbatch_slot);
        t++;
        n++;
    }

    if (randomizeScheduler) {
        // off(o) is the ring index o places past the published tail.
        for (uint32_t i = 1; i < n; i++) {
            uint32_t j = cheaprandn(pp, i + 1);
            // pp.runq[off(i)], pp.runq[off(j)] = pp.runq[off(j)], pp.runq[off(i)]: Go
            // evaluates the left side's indexes, then the right side's values, left to
            // right, then assigns; every call of off reads runqtail again.
            _Atomic(guintptr) *si = &pp->runq[runqputbatch_off(pp, i)];
            _Atomic(guintptr) *sj = &pp->runq[runqputbatch_off(pp, j)];
            guintptr gj =
                rq_plain_loadg(&pp->runq[runqputbatch_off(pp, j)], RQ_SITE_runqputbatch_slot);
            guintptr gi =
                rq_plain_loadg(&pp->runq[runqputbatch_off(pp, i)], RQ_SITE_runqputbatch_slot);
            rq_plain_storeg(si, gj, RQ_SITE_runqputbatch_slot);
            rq_plain_storeg(sj, gi, RQ_SITE_runqputbatch_slot);
        }
    }

    // store-release, makes the items available for consumption
    rq_StoreRel(&pp->runqtail, t, RQ_SITE_runqputbatch_publish);
}

// runqget takes a G from the local runnable queue: runnext first, then the ring's head.
// *inheritTime (if non-NULL) says whether the G should inherit the rest of the current
// time slice (true for runnext). Executed only by the owner P.
g *runqget(p *pp, bool *inheritTime) {
    bool dummy;
    if (inheritTime == NULL) {
        inheritTime = &dummy;
    }
    // If there's a runnext, it's the next G to run.
    guintptr next = rq_plain_loadg(&pp->runnext, RQ_SITE_runqget_next); // plain in Go; see runqput
    // If the CAS fails, a thief took runnext: other Ps may only set it to 0, and only this
    // P sets it non-zero. So there is nothing to retry.
    if (next != 0 && rq_casg(&pp->runnext, next, 0, RQ_SITE_runqget_nextcas)) {
        *inheritTime = true;
        return guintptr_ptr(next);
    }

    for (;;) {
        // load-acquire, synchronize with other consumers
        uint32_t h = rq_LoadAcq(&pp->runqhead, RQ_SITE_runqget_head);
        uint32_t t = rq_plain_load32(&pp->runqtail, RQ_SITE_runqget_tail); // relaxed: own field
        if (t == h) {
            *inheritTime = false;
            return NULL;
        }
        // relaxed: read before the CAS; if a thief commits first the CAS fails and the
        // value is dropped.
        g *gp = guintptr_ptr(rq_plain_loadg(&pp->runq[h % RUNQ_CAP], RQ_SITE_runqget_slot));
        // cas-release, commits consume
        if (rq_CasRel(&pp->runqhead, h, h + 1, RQ_SITE_runqget_headcas)) {
            *inheritTime = false;
            return gp;
        }
    }
}

// runqdrain empties the local runnable queue of pp (runnext first, then the ring in
// order) and returns all its Gs as a gQueue, which counts them. Executed only by the
// owner P.
gQueue runqdrain(p *pp) {
    gQueue drainQ = {0, 0, 0};

    // plain in Go; see runqput
    guintptr oldNext = rq_plain_loadg(&pp->runnext, RQ_SITE_runqdrain_next);
    if (oldNext != 0 && rq_casg(&pp->runnext, oldNext, 0, RQ_SITE_runqdrain_nextcas)) {
        gQueue_pushBack(&drainQ, guintptr_ptr(oldNext));
    }

retry:;
    // load-acquire, synchronize with other consumers
    uint32_t h = rq_LoadAcq(&pp->runqhead, RQ_SITE_runqdrain_head);
    uint32_t t = rq_plain_load32(&pp->runqtail, RQ_SITE_runqdrain_tail); // relaxed: own field
    uint32_t qn = t - h;
    if (qn == 0) {
        return drainQ;
    }
    if (qn > (uint32_t)RUNQ_CAP) { // read inconsistent h and t
        goto retry;
    }

    // cas-release, commits consume
    if (!rq_CasRel(&pp->runqhead, h, h + qn, RQ_SITE_runqdrain_headcas)) {
        goto retry;
    }

    // The head moves first and the Gs are linked after: pushBack writes gp->schedlink,
    // and until the CAS above succeeds a thief may own any of these Gs (it may already be
    // linking them into its own lists). After the CAS no other P can reach slots
    // [h, h+qn), so this P owns the Gs and may write them. The first version of this
    // function (Go CL 310149) linked first and was reverted for that reason.
    for (uint32_t i = 0; i < qn; i++) {
        // relaxed: slots this P now owns; nobody writes them until the tail passes again.
        g *gp = guintptr_ptr(rq_plain_loadg(&pp->runq[(h + i) % RUNQ_CAP], RQ_SITE_runqdrain_slot));
        gQueue_pushBack(&drainQ, gp);
    }
    return drainQ;
}

// runqgrab copies half (rounded up) of pp's ring into batch, a ring buffer of RUNQ_CAP
// entries starting at batchHead, and returns how many it took. If the ring is empty and
// stealRunNextG is set it may take pp->runnext instead. Can be executed by any P.
uint32_t runqgrab(p *pp, _Atomic(guintptr) *batch, uint32_t batchHead, bool stealRunNextG) {
    for (;;) {
        // load-acquire, synchronize with other consumers
        uint32_t h = rq_LoadAcq(&pp->runqhead, RQ_SITE_runqgrab_head);
        // load-acquire, synchronize with the producer
        uint32_t t = rq_LoadAcq(&pp->runqtail, RQ_SITE_runqgrab_tail);
        uint32_t n = t - h;
        n = n - n / 2;
        if (n == 0) {
            if (stealRunNextG) {
                // Try to steal from pp->runnext.
                // plain in Go; the CAS below decides
                guintptr next = rq_plain_loadg(&pp->runnext, RQ_SITE_runqgrab_next);
                if (next != 0) {
                    // relaxed: a hint only (plain read in Go).
                    if (rq_plain_load32(&pp->status, RQ_SITE_runqgrab_status) == _Prunning) {
                        // relaxed: hints, plain reads in Go; a stale m or curg only
                        // changes whether we wait, and the CAS below decides.
                        m *mp = (m *)rq_plain_loadg(&pp->m, RQ_SITE_runqgrab_m);
                        if (mp != NULL) {
                            g *gp = guintptr_ptr(rq_plain_loadg(&mp->curg, RQ_SITE_runqgrab_curg));
                            // seq_cst: readgstatus is an atomic load in Go. A G in a
                            // syscall will not run next soon, so there is nothing to wait
                            // for; a nil curg means pp is in the scheduler, about to pick.
                            if (gp == NULL ||
                                (rq_Load(&gp->atomicstatus, RQ_SITE_runqgrab_gstatus) &
                                 ~(uint32_t)_Gscan) != _Gsyscall) {
                                // pp may have just readied next and be about to block,
                                // then run next itself. Back off ~3us (about 50x a
                                // channel hand-off) rather than bounce next between Ps.
                                // (Go yields instead where timers are coarse.)
                                rq_usleep3(RQ_SITE_runqgrab_backoff);
                            }
                        }
                    }
                    if (!rq_casg(&pp->runnext, next, 0, RQ_SITE_runqgrab_nextcas)) {
                        continue;
                    }
                    // relaxed: batch is the caller's own ring, past its tail.
                    rq_plain_storeg(&batch[batchHead % RUNQ_CAP], next, RQ_SITE_runqgrab_batch);
                    return 1;
                }
            }
            return 0;
        }
        if (n > (uint32_t)(RUNQ_CAP / 2)) { // read inconsistent h and t
            continue;
        }
        for (uint32_t i = 0; i < n; i++) {
            // relaxed: racy copies; worthless unless the CAS below commits them.
            guintptr gp = rq_plain_loadg(&pp->runq[(h + i) % RUNQ_CAP], RQ_SITE_runqgrab_slot);
            rq_plain_storeg(&batch[(batchHead + i) % RUNQ_CAP], gp, RQ_SITE_runqgrab_batch);
        }
        // cas-release, commits consume
        if (rq_CasRel(&pp->runqhead, h, h + n, RQ_SITE_runqgrab_headcas)) {
            return n;
        }
    }
}

// runqsteal steals half of the Gs on p2's local runnable queue into pp's (which must be
// empty enough to take them: in Go's callers it is empty) and returns one of them, or
// NULL if there was nothing to steal. Executed by the owner of pp; p2 is any other P.
g *runqsteal(p *pp, p *p2, bool stealRunNextG) {
    uint32_t t = rq_plain_load32(&pp->runqtail, RQ_SITE_runqsteal_tail); // relaxed: own field
    uint32_t n = runqgrab(p2, pp->runq, t, stealRunNextG);
    if (n == 0) {
        return NULL;
    }
    n--;
    // relaxed: own slot past tail, written by runqgrab above.
    g *gp = guintptr_ptr(rq_plain_loadg(&pp->runq[(t + n) % RUNQ_CAP], RQ_SITE_runqsteal_slot));
    if (n == 0) {
        return gp;
    }
    // load-acquire, synchronize with consumers
    uint32_t h = rq_LoadAcq(&pp->runqhead, RQ_SITE_runqsteal_head);
    if (t - h + n >= (uint32_t)RUNQ_CAP) {
        rq_throw("runqsteal: runq overflow");
    }
    // store-release, makes the item available for consumption
    rq_StoreRel(&pp->runqtail, t + n, RQ_SITE_runqsteal_publish);
    return gp;
}
