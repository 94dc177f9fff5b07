// record.c - the flight recorder of runq-torture --record (see record.h).
#define STRESS_RECORD_IMPL
#ifndef RUNQ_SEAM_RECORD
#define RUNQ_SEAM_RECORD // for the hooks' declarations
#endif
#include "record.h"

#include "runq_seam.h"
#include "torture.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// The seam's hooks (queue/seam_native.h). A plain bool: set before any thread starts and
// never changed, so reading it is no race.
bool rq_record_on;

enum { REC_KIND_OP = 16, REC_KIND_G = 17 }; // an op marker, a G it puts; below: rq_record_kind

struct rec_entry {
    uint64_t ticket;
    const void *addr;
    uintptr_t v, w;
    uint16_t site; // enum runq_site; for an op marker the enum rec_op
    uint8_t kind;
    uint8_t pad[5];
};

struct recorder {
    _Alignas(64) _Atomic uint64_t n; // entries ever written (owner stores, others read)
    struct rec_entry *e;             // REC_N of them, a ring
};

static struct recorder rec[REC_MAX_PROCS];
static int rec_threads;
static _Thread_local struct recorder *rec_self;
// The one lock every recorded access is made under, and the ticket it hands out. A mutex
// rather than a spin lock: 4 threads on 2 cores, and a preempted holder must not be spun on.
static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t rec_ticket; // under rec_lock
static _Atomic int rec_frozen;
static struct rec_snapshot snap;

// The recorder's own checks. It sees every access in the order it happened, so it can see
// what the holder tokens cannot: a write of runqhead that moves it past runqtail (or back),
// or an owner's slot store over a queued G, which the deterministic engine reports at that
// very access (harness/world_hooks.c head_moved, slot-clobber).
// Without it the stress names such a run later and otherwise (dup-g when the G is taken
// twice, an audit's count), and the verified replay, which stops at the first failure,
// could never name the same invariant. Shadows under rec_lock, exact from the last
// snapshot (world stopped) on: runqhead and runqtail change only through the seam.
static const struct stress_engine *rec_eng;
static _Thread_local int rec_id = -1;
static struct {
    bool known;
    uint32_t head, tail;
} shadow[REC_MAX_PROCS];

int record_init(int nthreads, int gs) {
    rec_threads = nthreads < REC_MAX_PROCS ? nthreads : REC_MAX_PROCS;
    for (int i = 0; i < rec_threads; i++) {
        rec[i].e = calloc(REC_N, sizeof(struct rec_entry));
        if (rec[i].e == NULL) {
            return -1;
        }
    }
    snap.glob = calloc((size_t)gs + 1, sizeof *snap.glob);
    if (snap.glob == NULL) {
        return -1;
    }
    rq_record_on = true;
    return 0;
}

void record_thread_start(int id) {
    rec_self = id < rec_threads ? &rec[id] : NULL;
    rec_id = id;
}

static void append(struct recorder *r, uint64_t ticket, enum runq_site s, const void *addr,
                   int kind, uintptr_t v, uintptr_t w) {
    // relaxed: only this thread writes n; readers (the failure path) read it once the
    // threads have stopped, or accept a torn tail.
    uint64_t n = atomic_load_explicit(&r->n, memory_order_relaxed);
    struct rec_entry *e = &r->e[n & (REC_N - 1)];
    e->ticket = ticket;
    e->addr = addr;
    e->v = v;
    e->w = w;
    e->site = (uint16_t)s;
    e->kind = (uint8_t)kind;
    atomic_store_explicit(&r->n, n + 1, memory_order_release); // publishes the entry
}

void rq_record_begin(void) {
    pthread_mutex_lock(&rec_lock);
}

void rq_record_end(enum runq_site s, const void *addr, enum rq_record_kind k, uintptr_t v,
                   uintptr_t w) {
    uint64_t ticket = ++rec_ticket;
    // relaxed: a flag; entries after the first failure are merely not wanted.
    if (rec_self && !atomic_load_explicit(&rec_frozen, memory_order_relaxed)) {
        append(rec_self, ticket, s, addr, (int)k, v, w);
    }
    int pid = -1, loc = -1;
    uint32_t slot = 0, old = 0, nw = 0, len = 0;
    if (rec_eng && (k == RQ_REC_STORE || k == RQ_REC_CAS_OK)) {
        loc = rec_eng->rec_locate(addr, &pid, &slot);
    }
    bool past = false, clobber = false;
    if (pid >= 0 && pid < REC_MAX_PROCS && shadow[pid].known) {
        if (loc == REC_LOC_HEAD) {
            old = shadow[pid].head;
            nw = (uint32_t)(k == RQ_REC_CAS_OK ? w : v);
            len = shadow[pid].tail - old;
            past = nw - old > len;
            shadow[pid].head = nw;
        } else if (loc == REC_LOC_TAIL) {
            shadow[pid].tail = (uint32_t)(k == RQ_REC_CAS_OK ? w : v);
        } else if (loc == REC_LOC_SLOT && k == RQ_REC_STORE && pid == rec_id) {
            // The owner writes a slot that still holds a queued G ([head, tail)).
            old = shadow[pid].head;
            len = shadow[pid].tail - old;
            clobber = (slot - old) % (uint32_t)snap.cap < len;
        }
    }
    if (past) {
        // Before the lock is let go: no access after this one may come first, so a failure
        // that follows from this write (a G taken twice) is not the first one reported.
        // (stress_fail takes the output lock and never a seam access: no lock cycle.)
        stress_fail(rec_id, INV_HEAD_PAST_TAIL,
                    "T%d advanced P%d's runqhead by %u with only %u Gs queued (from %u to %u, "
                    "at %s; seen by the recorder)",
                    rec_id, pid, nw - old, len, old, nw, runq_site_name(s));
    }
    if (clobber) {
        stress_fail(rec_id, INV_SLOT_CLOBBER,
                    "T%d overwrote slot %u of P%d's ring, which holds a queued G (%u queued from "
                    "head %u; at %s; seen by the recorder)",
                    rec_id, slot, pid, len, old, runq_site_name(s));
    }
    pthread_mutex_unlock(&rec_lock);
}

void record_op(enum rec_op op, int arg, const uint32_t *goids, int n) {
    if (rec_self && !atomic_load_explicit(&rec_frozen, memory_order_relaxed)) {
        append(rec_self, 0, (enum runq_site)op, NULL, REC_KIND_OP, (uintptr_t)arg, 0);
        for (int i = 0; i < n; i++) {
            append(rec_self, 0, (enum runq_site)0, NULL, REC_KIND_G, goids[i], 0);
        }
    }
}

void record_freeze(void) {
    atomic_store_explicit(&rec_frozen, 1, memory_order_relaxed);
}

void record_snapshot(const struct stress_engine *e, double t) {
    if (!rq_record_on || atomic_load_explicit(&rec_frozen, memory_order_relaxed)) {
        return;
    }
    e->rec_snapshot(&snap);
    pthread_mutex_lock(&rec_lock);
    snap.ticket = rec_ticket;
    rec_eng = e;
    for (int i = 0; i < REC_MAX_PROCS; i++) {
        shadow[i].known = i < snap.procs;
        shadow[i].head = snap.head[i];
        shadow[i].tail = snap.tail[i];
    }
    pthread_mutex_unlock(&rec_lock);
    for (int i = 0; i < rec_threads; i++) {
        snap.pos[i] = atomic_load_explicit(&rec[i].n, memory_order_acquire);
    }
    snap.t = t;
    snap.valid = true;
}

static const char *const rec_op_names[REC_OP_N] = {
#define X(e, name) name,
    REC_OP_LIST(X)
#undef X
};

static const char kind_letter[] = "LSCFKUB"; // enum rq_record_kind

int record_write(const char *path, const struct stress_engine *e, const char *program,
                 const char *params, const char *invariant, const char *message, char *err,
                 size_t errlen) {
    if (!snap.valid) {
        snprintf(err, errlen, "no snapshot of the queues was taken");
        return -1;
    }
    uint64_t end[REC_MAX_PROCS];
    for (int i = 0; i < rec_threads; i++) {
        end[i] = atomic_load_explicit(&rec[i].n, memory_order_acquire);
        if (end[i] - snap.pos[i] > REC_N) {
            snprintf(err, errlen,
                     "T%d made %llu recorded steps since the last audit, more than the "
                     "recorder keeps (%u): use a shorter --audit-interval",
                     i, (unsigned long long)(end[i] - snap.pos[i]), REC_N);
            return -1;
        }
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    fprintf(f, "runq-record v1\n");
    fprintf(f, "# written by %s on failure: tools/runq-record turns it into a schedule\n", program);
    fprintf(f, "program %s\nparams %s\ninvariant %s\n", program, params, invariant);
    fprintf(f, "message %s\n", message);
    fprintf(f, "procs %d\ncapacity %d\n", snap.procs, snap.cap);
    fprintf(f, "snapshot %.6f ticket %llu\n", snap.t, (unsigned long long)snap.ticket);
    fprintf(f, "initial\n");
    for (int pi = 0; pi < snap.procs; pi++) {
        fprintf(f, "  P%d head %u tail %u\n", pi, snap.head[pi], snap.tail[pi]);
        if (snap.next[pi]) {
            fprintf(f, "  P%d next %u\n", pi, snap.next[pi]);
        }
        for (int k = 0; k < snap.cap; k += 16) {
            fprintf(f, "  P%d slot %d", pi, k);
            for (int j = k; j < k + 16 && j < snap.cap; j++) {
                fprintf(f, " %u", snap.slots[pi][j]);
            }
            fprintf(f, "\n");
        }
    }
    for (int i = 0; i < snap.nglob; i += 16) {
        fprintf(f, "  global");
        for (int j = i; j < i + 16 && j < snap.nglob; j++) {
            fprintf(f, " %u", snap.glob[j]);
        }
        fprintf(f, "\n");
    }
    static const char *const field[] = {"head", "tail", "next", "slot", "status"};
    for (int i = 0; i < rec_threads; i++) {
        fprintf(f, "thread %d\n", i);
        for (uint64_t n = snap.pos[i]; n < end[i]; n++) {
            const struct rec_entry *x = &rec[i].e[n & (REC_N - 1)];
            if (x->kind == REC_KIND_OP) {
                fprintf(f, "  op %s %lu", rec_op_names[x->site], (unsigned long)x->v);
                while (n + 1 < end[i] && rec[i].e[(n + 1) & (REC_N - 1)].kind == REC_KIND_G) {
                    n++;
                    fprintf(f, " %lu", (unsigned long)rec[i].e[n & (REC_N - 1)].v);
                }
                fprintf(f, "\n");
                continue;
            }
            if (x->kind == REC_KIND_G) {
                continue; // a G of an op whose marker is before the snapshot
            }
            char loc[32] = "-";
            uintptr_t v = x->v, w = x->w;
            if (x->addr) {
                int pid;
                uint32_t slot;
                int l = e->rec_locate(x->addr, &pid, &slot);
                if (l == REC_LOC_LOCK) {
                    snprintf(loc, sizeof loc, "lock");
                } else if (l == REC_LOC_SLOT) {
                    snprintf(loc, sizeof loc, "P%d.slot%u", pid, slot);
                } else if (l >= 0) {
                    snprintf(loc, sizeof loc, "P%d.%s", pid, field[l]);
                }
                if (l == REC_LOC_SLOT || l == REC_LOC_NEXT) { // G pointers: goids
                    v = e->rec_goid(v);
                    w = e->rec_goid(w);
                }
            }
            fprintf(f, "  a %llu %s %s %c %lu %lu\n", (unsigned long long)x->ticket,
                    runq_site_name((enum runq_site)x->site), loc, kind_letter[x->kind],
                    (unsigned long)v, (unsigned long)w);
        }
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}
