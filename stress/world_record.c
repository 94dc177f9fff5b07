// world_record.c - --record: what the flight recorder (record.c) asks of this copy's world:
// snapshots of the queues, and the names of the addresses the port's hooks touch.
#include "record.h"
#include "torture.h"

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

// ---- --record: snapshots and names (record.c) ---------------------------------------------

// The global queue's Gs in order (at most max), by whoever holds sched.lock or with the
// world stopped.
int world_rec_global(uint32_t *goids, int max) {
    int n = 0;
    for (g *gp = guintptr_ptr(sched.runq.head); gp && n < max; gp = guintptr_ptr(gp->schedlink)) {
        goids[n++] = goid_of(gp);
    }
    return n;
}

void world_rec_snapshot(struct rec_snapshot *s) {
    s->procs = srun()->params.procs < REC_MAX_PROCS ? srun()->params.procs : REC_MAX_PROCS;
    s->cap = RUNQ_CAP;
    for (int i = 0; i < s->procs; i++) {
        p *pp = &allp[i];
        s->head[i] = atomic_load(&pp->runqhead);
        s->tail[i] = atomic_load(&pp->runqtail);
        s->next[i] = goid_of(guintptr_ptr(atomic_load(&pp->runnext)));
        for (int k = 0; k < RUNQ_CAP; k++) {
            s->slots[i][k] = goid_of(guintptr_ptr(atomic_load(&pp->runq[k])));
        }
    }
    s->nglob = world_rec_global(s->glob, srun()->params.gs);
}

int world_rec_locate(const void *addr, int *pid, uint32_t *slot) {
    const char *a = addr, *base = (const char *)allp;
    size_t psz = sizeof(p); // allp[i]
    *pid = -1;
    *slot = 0;
    if (addr == (const void *)&sched.lock) {
        return REC_LOC_LOCK;
    }
    if (a < base || a >= base + psz * (size_t)srun()->params.procs) {
        return -1;
    }
    int i = (int)((size_t)(a - base) / psz);
    const p *pp = (const p *)(base + psz * (size_t)i);
    *pid = i;
    if (a == (const char *)&pp->runqhead) {
        return REC_LOC_HEAD;
    }
    if (a == (const char *)&pp->runqtail) {
        return REC_LOC_TAIL;
    }
    if (a == (const char *)&pp->runnext) {
        return REC_LOC_NEXT;
    }
    if (a >= (const char *)&pp->runq[0] && a < (const char *)&pp->runq[RUNQ_CAP]) {
        *slot = (uint32_t)(((const _Atomic(guintptr) *)(const void *)a) - pp->runq);
        return REC_LOC_SLOT;
    }
    return REC_LOC_STATUS;
}

uint32_t world_rec_goid(uintptr_t v) {
    return goid_of(guintptr_ptr(v));
}
