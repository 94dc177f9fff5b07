// runq.h - types and entry points of the C port of Go's per-P run queue.
//
// Ported from $GOROOT/src/runtime/proc.go and runtime2.go (Go 1.19). Names, argument
// order and control flow follow Go so the two can be read side by side; queue/README.md
// maps every function and every memory access.
//
// This header is the port's whole interface. It knows nothing of tests: the engines that
// run it plug in behind runq_seam.h.
#ifndef RUNQ_H
#define RUNQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runq_seam.h"
// after every system header, so that no system name is renamed
#include "runq_ns.h"

// Ring capacity: Go's is 256. Smaller powers of two let a search reach overflow and
// wrap-around in a few operations. Set at compile time (-DRUNQ_CAP=8); one build, one size.
#ifndef RUNQ_CAP
#define RUNQ_CAP 256
#endif
_Static_assert(RUNQ_CAP >= 4 && (RUNQ_CAP & (RUNQ_CAP - 1)) == 0,
               "RUNQ_CAP must be a power of two, at least 4");

typedef struct g g;
typedef struct p p;

// guintptr is a *g held as an integer, as in Go; 0 means nil.
typedef uintptr_t guintptr;

static inline g *guintptr_ptr(guintptr gp) {
    return (g *)gp;
}
static inline guintptr guintptr_of(g *gp) {
    return (guintptr)gp;
}

// g carries only what the run-queue code touches, plus one opaque word for its users.
struct g {
    // schedlink links a G into a gQueue or gList. Only the G's current holder may write
    // it (the reverted first runqdrain broke exactly this rule).
    guintptr schedlink;
    // Not used by the port: goid names the G in messages; sig is what Go's own tests use
    // to count sightings; user is for engines and tests (never read here).
    int64_t goid;
    uint32_t sig;
    void *user;
};

// P status values: only _Prunning matters to runqgrab's back-off.
enum { _Pidle = 0, _Prunning = 1 };

struct p {
    int32_t id;
    // status is read racily by thieves in runqgrab (a plain read in Go). Written by
    // whoever drives the P (acquirep/releasep in Go; the test engines here).
    _Atomic uint32_t status;

    // Queue of runnable goroutines. Accessed without lock.
    // runqhead is advanced by any P (CAS); runqtail is written only by the owner.
    // Both are 8-byte aligned words so a race detector keeps their histories apart.
    _Alignas(8) _Atomic uint32_t runqhead;
    _Alignas(8) _Atomic uint32_t runqtail;
    _Atomic(guintptr) runq[RUNQ_CAP];

    // fastrand state for randomizeScheduler (Go keeps it per M; see runq.c). Owner only.
    uint64_t fastrand;

    // runnext, if non-nil, is a runnable G that was ready'd by the current G and should
    // be run next instead of what's in runq if there's time remaining in the running G's
    // time slice. Other Ps may atomically CAS it to zero; only the owner P can CAS it to a
    // valid G.
    _Atomic(guintptr) runnext;
};

// gQueue is a dequeue of Gs linked through g.schedlink. A G can only be on one gQueue or
// gList at a time.
typedef struct gQueue {
    guintptr head;
    guintptr tail;
} gQueue;

// gList is a list of Gs linked through g.schedlink. A G can only be on one gQueue or
// gList at a time.
typedef struct gList {
    guintptr head;
} gList;

// schedt holds the global run queue: what Go keeps in sched.runq/runqsize under
// sched.lock, plus gomaxprocs (a global in Go; kept here so one place holds the world).
typedef struct schedt {
    rq_mutex lock;
    gQueue runq;
    int32_t runqsize;
    int32_t gomaxprocs;
} schedt;

// The scheduler globals. One world per process, as in Go.
extern schedt sched;

// --- gQueue / gList (callers hold every G they touch) ---
bool gQueue_empty(const gQueue *q);
void gQueue_push(gQueue *q, g *gp);
void gQueue_pushBack(gQueue *q, g *gp);
void gQueue_pushBackAll(gQueue *q, gQueue q2);
g *gQueue_pop(gQueue *q);
gList gQueue_popList(gQueue *q);
bool gList_empty(const gList *l);
void gList_push(gList *l, g *gp);
void gList_pushAll(gList *l, gQueue q);
g *gList_pop(gList *l);

// --- global run queue (sched.lock must be held) ---
void globrunqput(g *gp);
void globrunqputhead(g *gp);
void globrunqputbatch(gQueue *batch, int32_t n);
g *globrunqget(p *pp, int32_t max);

// --- local run queue ---
bool runqempty(p *pp);                                  // any P
void runqput(p *pp, g *gp, bool next);                  // owner only
bool runqputslow(p *pp, g *gp, uint32_t h, uint32_t t); // owner only
void runqputbatch(p *pp, gQueue *q, int qsize);         // owner only
g *runqget(p *pp, bool *inheritTime);                   // owner only; inheritTime may be NULL
gQueue runqdrain(p *pp, uint32_t *n);                   // owner only
uint32_t runqgrab(p *pp, _Atomic(guintptr) *batch, uint32_t batchHead,
                  bool stealRunNextG);          // any P
g *runqsteal(p *pp, p *p2, bool stealRunNextG); // owner of pp, any p2

// --- set-up (not in Go: Go zeroes these with the P) ---
// runq_p_init zeroes pp and sets runqhead = runqtail = start (default 0; near 2^32 to
// cross the index wrap early). Call before any other thread can see pp.
void runq_p_init(p *pp, int32_t id, uint32_t start);
// runq_sched_init empties the global queue and sets gomaxprocs.
void runq_sched_init(int32_t gomaxprocs);

// randomizeScheduler: Go turns it on under the race detector to shuffle batches. Off by
// default here; runq_set_randomize(true, seed) turns it on with a seeded PRNG whose state
// is per P (Ps initialised afterwards get it).
extern bool randomizeScheduler;
void runq_set_randomize(bool on, uint64_t seed);
uint32_t fastrandn(p *pp, uint32_t n);

#endif
