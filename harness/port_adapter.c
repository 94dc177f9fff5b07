// port_adapter.c - one compiled port (capacity and Go version) as the engine sees it: a
// struct port_adapter (port_adapter.h) of its entry points and its layout.
//
// Built once per capacity and Go version (-DRUNQ_CAP=N -DRUNQ_NS=dN_ -DRUNQ_SEAM_DSCHED,
// plus -DRUNQ_GO_MASTER and the prefix dmN_ for Go master), exporting dN_port / dmN_port.
// Go 1.19 and master differ in a few signatures (queue/README.md); each op of a schedule
// means what Go's callers of that version do. Everything version-specific is here; the
// checks it makes are the ones only this version's types can make (gQueue sizes).
#include "port_adapter.h"

#include "dsched.h"
#include "runq_version.h"

#include <stddef.h>
#include <stdio.h>

_Static_assert(RUNQ_CAP <= PORT_MAX_CAP, "the engine's shadow holds PORT_MAX_CAP slots");
_Static_assert(sizeof(guintptr) == sizeof(uintptr_t), "ring slots are uintptr_t words");

static p ps[PORT_MAX_PROCS];
static g gs[PORT_MAX_G];

#ifdef RUNQ_GO_MASTER
static m ms[PORT_MAX_PROCS];    // the M of each P: runqgrab reads its curg
static g curgs[PORT_MAX_PROCS]; // the G that M runs: running, or in a syscall (op "syscall")
#define GLOBAL_SIZE_NAME "sched.runq.size"
static int32_t global_size(void) {
    return sched.runq.size;
}
static void set_global_size(int32_t n) {
    sched.runq.size = n;
}
#else
#define GLOBAL_SIZE_NAME "sched.runqsize"
static int32_t global_size(void) {
    return sched.runqsize;
}
static void set_global_size(int32_t n) {
    sched.runqsize = n;
}
#endif

static gQueue to_gq(const struct port_gqueue *q) {
    gQueue r = {.head = q->head, .tail = q->tail};
#ifdef RUNQ_GO_MASTER
    r.size = q->size;
#endif
    return r;
}

static struct port_gqueue from_gq(const gQueue *q) {
    struct port_gqueue r = {.head = q->head, .tail = q->tail, .size = 0};
#ifdef RUNQ_GO_MASTER
    r.size = q->size;
#endif
    return r;
}

#ifdef RUNQ_GO_MASTER
// Gs linked from q's head (bounded: a cycle must not hang the ledger).
static uint32_t links_of(const gQueue *q) {
    uint32_t n = 0;
    for (g *gp = guintptr_ptr(q->head); gp != NULL && n <= (uint32_t)PORT_MAX_G;
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
                    sched_thread_name(t), q->size, n);
    }
}
#endif

static void a_lock(void) {
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
}

static void a_unlock(void) {
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
}

static void a_runqput(void *pp, void *gp, bool next) {
    runqput(pp, gp, next);
}

static void *a_runqget(void *pp, bool *inherit) {
    return runqget(pp, inherit);
}

static void *a_runqsteal(void *pp, void *p2, bool stealRunNextG) {
    return runqsteal(pp, p2, stealRunNextG);
}

static bool a_runqempty(void *pp) {
    return runqempty(pp);
}

static void a_push_back(struct port_gqueue *pq, void *gp) {
    gQueue q = to_gq(pq);
    gQueue_pushBack(&q, gp);
    *pq = from_gq(&q);
}

static bool a_putbatch(int t, void *pp, struct port_gqueue *pq, int n) {
    gQueue q = to_gq(pq);
#ifdef RUNQ_GO_MASTER
    (void)n;
    runqputbatch(pp, &q);
    check_qsize(t, &q, "what runqputbatch left");
    if (!gQueue_empty(&q)) {
        rq_lock(&sched.lock, RQ_SITE_caller_lock);
        globrunqputbatch(&q);
        rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    }
#else
    (void)t;
    runqputbatch(pp, &q, n);
#endif
    *pq = from_gq(&q);
    return gQueue_empty(&q);
}

static struct port_gqueue a_drain(void *pp, uint32_t *n) {
#ifdef RUNQ_GO_MASTER
    gQueue q = runqdrain(pp);
    *n = (uint32_t)q.size;
#else
    gQueue q = runqdrain(pp, n);
#endif
    return from_gq(&q);
}

static void a_globputbatch(struct port_gqueue *pq, uint32_t n) {
    gQueue q = to_gq(pq);
#ifdef RUNQ_GO_MASTER
    (void)n;
    globrunqputbatch(&q);
#else
    globrunqputbatch(&q, (int32_t)n);
#endif
    *pq = from_gq(&q);
}

static void a_globput(void *gp) {
    globrunqput(gp);
}

static void a_globputhead(void *gp) {
    globrunqputhead(gp);
}

// 1.19: globrunqget(pp, max) under the lock. Master, as findRunnable: globrunqgetbatch(n)
// under the lock (n = max, at most half a ring; 0 = half a ring), then runqputbatch of the
// batch after the unlock, which must take all of it.
static void *a_globget(int t, void *pp, int32_t max) {
#ifdef RUNQ_GO_MASTER
    int32_t n = max > 0 && max < RUNQ_CAP / 2 ? max : RUNQ_CAP / 2;
    gQueue q;
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    g *gp = globrunqgetbatch(n, &q);
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    check_qsize(t, &q, "globrunqgetbatch's batch");
    runqputbatch(pp, &q);
    if (!gQueue_empty(&q)) {
        dsched_fail(INV_THROW, "%s: couldn't put the global batch into its local runq (%d left)",
                    sched_thread_name(t), q.size);
    }
    return gp;
#else
    (void)t;
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    g *gp = globrunqget(pp, max);
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    return gp;
#endif
}

static void a_set_status(int t, const sched_op *op) {
    atomic_store_explicit(&ps[t].status, op->kind == SOP_IDLE ? _Pidle : _Prunning,
                          memory_order_relaxed);
#ifdef RUNQ_GO_MASTER
    atomic_store_explicit(&curgs[t].atomicstatus,
                          op->target == SCHED_SYSCALL ? _Gsyscall : _Grunning,
                          memory_order_relaxed);
#endif
}

static bool a_describe(const void *addr, uintptr_t v, char *buf, size_t n) {
#ifdef RUNQ_GO_MASTER
    for (int i = 0; i < PORT_MAX_PROCS; i++) {
        if (addr == (const void *)&ps[i].m) {
            if (v) {
                snprintf(buf, n, "P%d.m=M%d", i, i);
            } else {
                snprintf(buf, n, "P%d.m=nil", i);
            }
            return true;
        }
        if (addr == (const void *)&ms[i].curg) {
            // the G that M runs is none of the schedule's numbered Gs: named after its M
            if (v == guintptr_of(&curgs[i])) {
                snprintf(buf, n, "M%d.curg=G(M%d)", i, i);
            } else {
                snprintf(buf, n, "M%d.curg=%s", i, v ? "G?" : "nil");
            }
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

static void a_reset(const schedule *s) {
    runq_sched_init(s->nthreads);
    runq_set_randomize((s->flags & SFLAG_RANDOMIZE) != 0, (uint64_t)s->seed + 1);
    for (int i = 0; i < PORT_MAX_PROCS; i++) {
        runq_p_init(&ps[i], i, s->start);
    }
#ifdef RUNQ_GO_MASTER
    runq_set_sysmon(!(s->flags & SFLAG_NOSYSMON));
    for (int i = 0; i < PORT_MAX_PROCS; i++) {
        atomic_init(&curgs[i].atomicstatus, _Grunning);
        atomic_init(&ms[i].curg, guintptr_of(&curgs[i]));
        atomic_init(&ps[i].m, (muintptr)&ms[i]);
    }
#endif
}

const struct port_adapter RQ_NS(port) = {
    .cap = RUNQ_CAP,
#ifdef RUNQ_GO_MASTER
    .master = true,
#endif
    .size_name = GLOBAL_SIZE_NAME,
    .ps = (char *)ps,
    .gs = (char *)gs,
    .p_size = sizeof(p),
    .g_size = sizeof(g),
    .p_head = offsetof(p, runqhead),
    .p_tail = offsetof(p, runqtail),
    .p_runq = offsetof(p, runq),
    .p_next = offsetof(p, runnext),
    .g_schedlink = offsetof(g, schedlink),
    .g_goid = offsetof(g, goid),
    .g_user = offsetof(g, user),
    .glob_head = &sched.runq.head,
    .glob_tail = &sched.runq.tail,
    .reset = a_reset,
    .global_size = global_size,
    .set_global_size = set_global_size,
    .lock = a_lock,
    .unlock = a_unlock,
    .runq_put = a_runqput,
    .runq_get = a_runqget,
    .runq_steal = a_runqsteal,
    .runq_empty = a_runqempty,
    .gqueue_push_back = a_push_back,
    .putbatch = a_putbatch,
    .drain = a_drain,
    .globputbatch = a_globputbatch,
    .globput = a_globput,
    .globputhead = a_globputhead,
    .globget = a_globget,
    .set_status = a_set_status,
    .describe = a_describe,
};
