// port_adapter.h - what the engine sees of one compiled port (one ring capacity, one Go
// version): its entry points, as that version's own callers use them, and the layout of
// its Ps and Gs as offsets. port_adapter.c is the only engine file compiled once per
// capacity and version (it includes the port's header); the world (world_*.c) is compiled
// once and works through this struct, a capacity-neutral view of a P.
#ifndef HARNESS_PORT_ADAPTER_H
#define HARNESS_PORT_ADAPTER_H

#include "schedule.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PORT_MAX_PROCS SCHED_MAX_THREADS // Ps of a world: one per simulated thread
#define PORT_MAX_G 18000                 // Gs of a world
#define PORT_MAX_CAP 256                 // the largest ring capacity a world is built for

// A gQueue of any version, by value (master's counts its Gs in size; 1.19's size is 0).
struct port_gqueue {
    uintptr_t head, tail;
    int32_t size;
};

struct port_adapter {
    int cap;               // ring capacity (a power of two)
    bool master;           // Go master's port (else Go 1.19's)
    const char *size_name; // the global queue's length field, for messages

    // The port's Ps (PORT_MAX_PROCS, p_size bytes apart) and Gs (PORT_MAX_G, g_size apart),
    // owned by the adapter (their types are the port's).
    char *ps, *gs;
    size_t p_size, g_size;
    size_t p_head, p_tail, p_runq, p_next; // offsets in a p (runq: slot 0, 8 bytes a slot)
    size_t g_schedlink, g_goid, g_user;    // offsets in a g
    // sched.runq's head and tail (guintptr words).
    uintptr_t *glob_head, *glob_tail;

    // Set-up for a schedule (main context): sched, every P at index start, randomize and
    // (master) sysmon flags, each P's M and curg.
    void (*reset)(const schedule *s);
    // The global queue's length field (sched.runqsize / sched.runq.size); its set-up.
    int32_t (*global_size)(void);
    void (*set_global_size)(int32_t n);

    // Entry points, on thread t's P pp. sched.lock: the caller's lock and unlock.
    void (*lock)(void);
    void (*unlock)(void);
    void (*runq_put)(void *pp, void *gp, bool next);
    void *(*runq_get)(void *pp, bool *inherit);
    void *(*runq_steal)(void *pp, void *p2, bool stealRunNextG);
    bool (*runq_empty)(void *pp);
    void (*gqueue_push_back)(struct port_gqueue *q, void *gp);
    // runqputbatch of q (n Gs): 1.19 spills what does not fit; on master the caller puts
    // the rest on the global queue under sched.lock. Returns false if Gs stayed in q.
    bool (*putbatch)(int t, void *pp, struct port_gqueue *q, int n);
    // runqdrain; *n is the count the port reports (1.19's n, master's drainQ.size).
    struct port_gqueue (*drain)(void *pp, uint32_t *n);
    // globrunqputbatch of q (n Gs), sched.lock held.
    void (*globputbatch)(struct port_gqueue *q, uint32_t n);
    // globrunqput / globrunqputhead, sched.lock held.
    void (*globput)(void *gp);
    void (*globputhead)(void *gp);
    // Take from the global queue as that version's findRunnable does (takes sched.lock).
    void *(*globget)(int t, void *pp, int32_t max);
    // idle / running / syscall: what a thief's runqgrab sees of P t.
    void (*set_status)(int t, const sched_op *op);
    // Trace text for words only this version's runqgrab reads (master: m, curg, status).
    bool (*describe)(const void *addr, uintptr_t v, char *buf, size_t n);
};

// One adapter per compiled capacity and version (dN_port: Go 1.19, dmN_port: Go master).
extern const struct port_adapter d4_port, d8_port, d256_port;
extern const struct port_adapter dm4_port, dm8_port, dm256_port;

#endif
