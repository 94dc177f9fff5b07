// engine.h - the per-capacity engine (world_*.c), reached through struct stress_engine:
// nothing else knows the ring capacity.
#ifndef STRESS_ENGINE_H
#define STRESS_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct rec_snapshot;

struct stress_stats_extra {
    int64_t globq;  // global queue length (read without sched.lock if it could not be had)
    int64_t parked; // Gs parked
};

struct stress_engine {
    int capacity;
    const char *go;                         // Go version of the port: "1.19" or "master"
    int (*setup)(void);                     // after P, M and the ledger are set
    void *(*worker)(void *mstate);          // thread body
    void *(*schedule_worker)(void *mstate); // thread body with --schedule (NULL: unsupported)
    bool (*audit)(void);                    // world stopped; false after reporting failures
    // World stopped: --inject dup (world_inject.c); false: no G to plant yet.
    bool (*plant_dup)(void);
    void (*dump_queues)(FILE *f);                // racy snapshot, any time; never blocks
    void (*extra)(struct stress_stats_extra *x); // never blocks: sched.lock is only tried
    void (*teardown)(void);
    // --record (record.c): the queues now, world stopped; and how to name an address and a
    // G pointer in a recording.
    void (*rec_snapshot)(struct rec_snapshot *s);
    int (*rec_locate)(const void *addr, int *pid, uint32_t *slot); // REC_LOC_*, -1: unknown
    uint32_t (*rec_goid)(uintptr_t v);                             // 0: nil or no G
    int (*rec_global)(uint32_t *goids, int max); // the global queue (sched.lock held)
};

#endif
