// world_dump.c - the queue dump after a failure and the monitor's statistics: relaxed
// reads only, at any time, and never waiting for good on a sched.lock a failed thread holds.
#include "qwalk.h" // the queue walker, shared with the engine
#include "torture.h"

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

// ---- dump (any time: relaxed reads only) -------------------------------------------------

// One G of a listed queue at column col; a list that would pass the output's width
// (STRESS_LINE_MAX) goes on on an indented line. Returns the new column.
static int dump_g(FILE *f, int col, bool sep, unsigned goid) {
    char g[16];
    int n = snprintf(g, sizeof g, "g%u", goid);
    if (col + 1 + n + 5 > STRESS_LINE_MAX) { // room for " ...]"
        fprintf(f, "\n   ");
        col = 3;
        sep = true;
    }
    return col + fprintf(f, "%s%s", sep ? " " : "", g);
}

void world_dump_queues(FILE *f) {
    for (int i = 0; i < srun()->params.procs; i++) {
        p *pp = &allp[i];
        struct qview v = qview_of_port(world_qlayout(), pp); // relaxed: head, tail, runnext
        int col =
            fprintf(f, "P%d: %s owner=T%d head=%u tail=%u len=%u runnext=g%u parked=%d ring=[", i,
                    atomic_load_explicit(&pp->status, memory_order_relaxed) == _Prunning ? "running"
                                                                                         : "idle",
                    atomic_load_explicit(&px[i].owner, memory_order_relaxed), v.head, v.tail,
                    qview_len(&v), goid_of(guintptr_ptr(v.next)),
                    atomic_load_explicit(&px[i].nparked_hint, memory_order_relaxed));
        uint32_t len = qview_len(&v) > (uint32_t)RUNQ_CAP ? (uint32_t)RUNQ_CAP : qview_len(&v);
        struct qitem it;
        for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it);) {
            if (it.where != GPLACE_RING || it.pos >= 64) {
                break; // runnext is on the line already; the first 64 of the ring
            }
            col = dump_g(f, col, it.pos > 0, goid_of(guintptr_ptr(it.g)));
        }
        fprintf(f, "%s]\n", len > 64 ? " ..." : "");
    }
    // The global queue needs sched.lock, and a thread that failed or is stuck may hold it
    // for good: try for a while, then read without it and say so.
    bool locked = try_lock_sched(200);
    int col;
    if (locked) {
        col = fprintf(f, "global: runqsize=%d [", (int)GLOBAL_SIZE());
    } else {
        char who[32] = "a thread";
        unsigned long h = atomic_load_explicit(&sched.lock.holder, memory_order_relaxed);
        for (int i = 0; i < srun()->nthreads; i++) {
            if (h != 0 && h == (unsigned long)srun()->m[i].th) {
                snprintf(who, sizeof who, "T%d", i);
            }
        }
        LOCKLESS_READS_BEGIN();
        col = fprintf(f,
                      "global (read WITHOUT sched.lock: %s has held it for over 200ms; may be "
                      "inconsistent): runqsize=%d [",
                      who, __atomic_load_n(&GLOBAL_SIZE_LVALUE, __ATOMIC_RELAXED));
    }
    // The first 64 Gs, up to a word that is no G (its schedlink is not read).
    uint32_t n = 0;
    struct qitem it;
    for (struct qwalk_list w =
             qwalk_list(world_qlayout(), __atomic_load_n(&sched.runq.head, __ATOMIC_RELAXED), 64);
         qwalk_list_next(&w, &it) && goid_of(guintptr_ptr(it.g)); n++) {
        col = dump_g(f, col, n > 0, goid_of(guintptr_ptr(it.g)));
    }
    fprintf(f, "%s]\n", n >= 64 ? " ..." : "");
    if (locked) {
        unlock_sched();
    } else {
        LOCKLESS_READS_END();
    }
}

void world_extra(struct stress_stats_extra *x) {
    if (try_lock_sched(100)) {
        x->globq = GLOBAL_SIZE();
        unlock_sched();
    } else { // held by a failed or stuck thread: a racy peek, statistics only
        LOCKLESS_READS_BEGIN();
        x->globq = __atomic_load_n(&GLOBAL_SIZE_LVALUE, __ATOMIC_RELAXED);
        LOCKLESS_READS_END();
    }
    x->parked = 0;
    for (int i = 0; i < srun()->params.procs; i++) {
        x->parked += atomic_load_explicit(&px[i].nparked_hint, memory_order_relaxed);
    }
}
