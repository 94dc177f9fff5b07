// runq_master.h - types and entry points of the port of Go master's per-P run queue.
//
// Ported from golang/go src/runtime/proc.go at commit 00120edb8424 (see queue/README.md,
// "Go master"). It is the twin of runq.h (Go 1.19): the same seam, the same names, and the
// same shape, with master's types and signatures. A translation unit includes one of the
// two, never both; build with -DRUNQ_GO_MASTER to get this one through runq_version.h.
//
// What master changed in this code, in short: gQueue and gList count their Gs (size);
// sched.runq.size replaces sched.runqsize; globrunqputbatch takes no count; globrunqget
// takes one G and globrunqgetbatch(n) hands the caller a G and a batch; runqputbatch no
// longer spills (what does not fit stays in q for the caller); runqput ignores next when
// there is no sysmon; runqgrab does not back off when the victim's G is in a syscall.
#ifndef RUNQ_MASTER_H
#define RUNQ_MASTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runq_seam.h"
// after every system header, so that no system name is renamed
#include "runq_ns.h"

#define RUNQ_GO_VERSION "master"

// Ring capacity, as in runq.h: Go's is 256; powers of two >= 4 for search.
#ifndef RUNQ_CAP
#define RUNQ_CAP 256
#endif
_Static_assert(RUNQ_CAP >= 4 && (RUNQ_CAP & (RUNQ_CAP - 1)) == 0,
               "RUNQ_CAP must be a power of two, at least 4");

typedef struct g g;
typedef struct p p;
typedef struct m m;

// guintptr is a *g held as an integer, as in Go; 0 means nil. muintptr likewise for *m.
typedef uintptr_t guintptr;
typedef uintptr_t muintptr;

static inline g *guintptr_ptr(guintptr gp) {
    return (g *)gp;
}
static inline guintptr guintptr_of(g *gp) {
    return (guintptr)gp;
}

// G status values that runqgrab looks at (Go's numbering).
enum { _Grunning = 2, _Gsyscall = 3, _Gscan = 0x1000 };

struct g {
    // Only the G's holder may write schedlink (see runq.h).
    guintptr schedlink;
    // atomicstatus is read by thieves in runqgrab (readgstatus: an atomic load in Go).
    // Written by whoever drives the G (the engines here).
    _Atomic uint32_t atomicstatus;
    // Not used by the port: goid, sig and user as in runq.h.
    int64_t goid;
    uint32_t sig;
    void *user;
};

// m carries only what runqgrab reads: the G it is running. Read racily by thieves (a
// plain read in Go); written by whoever drives the M.
struct m {
    _Atomic(guintptr) curg;
};

enum { _Pidle = 0, _Prunning = 1 };

struct p {
    int32_t id;
    // status: as in runq.h, read racily by thieves.
    _Atomic uint32_t status;
    // m is the M running this P (nil when idle), read racily by thieves in runqgrab.
    _Atomic(muintptr) m;

    // runqhead moves by CAS (any P), runqtail only by the owner; 8-byte aligned words.
    _Alignas(8) _Atomic uint32_t runqhead;
    _Alignas(8) _Atomic uint32_t runqtail;
    _Atomic(guintptr) runq[RUNQ_CAP];

    // cheaprand state for randomizeScheduler (Go keeps it per M; see runq_master.c).
    uint64_t cheaprand;

    // runnext: a G readied by the running G, run before the ring; only the owner makes it
    // non-nil, anyone may CAS it to nil.
    _Atomic(guintptr) runnext;
};

// gQueue: a deque of Gs through g.schedlink, now with its length. One G, one list.
typedef struct gQueue {
    guintptr head;
    guintptr tail;
    int32_t size;
} gQueue;

// gList: a stack of Gs through g.schedlink, now with its length.
typedef struct gList {
    guintptr head;
    int32_t size;
} gList;

// schedt: the global run queue (its length is sched.runq.size now) under sched.lock, and
// gomaxprocs.
typedef struct schedt {
    rq_mutex lock;
    gQueue runq;
    int32_t gomaxprocs;
} schedt;

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
void globrunqputbatch(gQueue *batch);
g *globrunqget(void);
// Go returns (gp, q); here q comes back through *q (emptied first).
g *globrunqgetbatch(int32_t n, gQueue *q);

// --- local run queue ---
bool runqempty(p *pp);                                  // any P
void runqput(p *pp, g *gp, bool next);                  // owner only
bool runqputslow(p *pp, g *gp, uint32_t h, uint32_t t); // owner only
void runqputbatch(p *pp, gQueue *q);                    // owner only; leaves what did not fit
g *runqget(p *pp, bool *inheritTime);                   // owner only; inheritTime may be NULL
gQueue runqdrain(p *pp);                                // owner only; drainQ.size counts
uint32_t runqgrab(p *pp, _Atomic(guintptr) *batch, uint32_t batchHead,
                  bool stealRunNextG);          // any P
g *runqsteal(p *pp, p *p2, bool stealRunNextG); // owner of pp, any p2

// --- set-up (not in Go) ---
void runq_p_init(p *pp, int32_t id, uint32_t start);
void runq_sched_init(int32_t gomaxprocs);

// randomizeScheduler as in runq.h; cheaprandn replaces fastrandn.
extern bool randomizeScheduler;
void runq_set_randomize(bool on, uint64_t seed);
uint32_t cheaprandn(p *pp, uint32_t n);

// haveSysmon: Go's constant (false only on wasm); a variable here so tests can run the
// no-sysmon path. runq_set_sysmon(false) makes runqput ignore next.
extern bool haveSysmon;
void runq_set_sysmon(bool on);

#endif
