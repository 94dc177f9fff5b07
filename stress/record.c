// record.c - the flight recorder of runq-torture --record (see record.h).
#define STRESS_RECORD_IMPL
#ifndef RUNQ_SEAM_RECORD
#define RUNQ_SEAM_RECORD // for the hooks' declarations
#endif
#include "record.h"

#include "ledger.h"
#include "progname.h"
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
// snapshot (world stopped) on: runqhead, runqtail, runnext and the slots change only
// through the seam, the global queue only under sched.lock.
static const struct stress_engine *rec_eng;
static _Thread_local int rec_id = -1;
static struct {
    bool known;
    uint32_t head, tail, next;
    uint32_t slot[REC_MAX_CAP]; // goids, stale ones included
} shadow[REC_MAX_PROCS];

// Where each G is at the seam's level, as the engine's ledger has it (harness/world_hooks.c):
// queued (a ring slot below runqtail, runnext, the global queue) or in one thread's hand.
// A head CAS moves the Gs it commits into the CASer's hand, a runqtail store the Gs it
// publishes into the ring, a runnext CAS the old G into the hand and the new one into
// runnext; the global queue is reconciled when sched.lock is released (its list walked).
// Gs out of the queues (run, parked) stay with the thread that took them: with --no-handoff
// a thread keeps its P and wakes only its own parked Gs. Two checks come of it, both the
// engine's: a runqtail store publishes only slots that hold a G (nil-g), and a G's fields
// (schedlink, rq_gwrite) are written only by its holder (not-holder).
enum { GP_HAND, GP_RING, GP_NEXT, GP_GLOBAL };
struct gplace_rec {
    uint8_t where;
    int8_t who; // thread (hand) or P (ring, runnext)
};
static struct gplace_rec *gpl; // indexed by goid, 1..gs
static uint32_t *gl, *gl_new;  // the global queue's goids at the last release of sched.lock
static int ngl, rec_gs;
static uint32_t *gl_stamp, gl_gen;
static int lock_holder = -1;

static void describe(uint32_t goid, char *b, size_t n) {
    static const char *const where[] = {"in the hand of T", "queued in the ring of P",
                                        "in runnext of P"};
    if (gpl[goid].where == GP_GLOBAL) {
        snprintf(b, n, "on the global queue");
    } else {
        snprintf(b, n, "%s%d", where[gpl[goid].where], gpl[goid].who);
    }
}

static void to_hand(uint32_t goid, int t) {
    if (goid > 0 && (int)goid <= rec_gs) {
        gpl[goid].where = GP_HAND;
        gpl[goid].who = (int8_t)t;
    }
}

static void to_queue(uint32_t goid, int where, int pid) {
    if (goid > 0 && (int)goid <= rec_gs) {
        gpl[goid].where = (uint8_t)where;
        gpl[goid].who = (int8_t)pid;
    }
}

static bool holds(uint32_t goid, int t) {
    return gpl[goid].where == GP_HAND ? gpl[goid].who == t
                                      : gpl[goid].where == GP_GLOBAL && lock_holder == t;
}

// sched.lock is about to be released by t: Gs that left the global queue are in t's hand,
// the ones on it now are queued there.
static void reconcile_global(int t) {
    int n = rec_eng->rec_global(gl_new, rec_gs);
    gl_gen++;
    for (int i = 0; i < n; i++) {
        if (gl_new[i] > 0 && (int)gl_new[i] <= rec_gs) {
            gl_stamp[gl_new[i]] = gl_gen;
        }
    }
    for (int i = 0; i < ngl; i++) {
        uint32_t x = gl[i];
        if (gl_stamp[x] != gl_gen && gpl[x].where == GP_GLOBAL) {
            to_hand(x, t);
        }
    }
    ngl = 0;
    for (int i = 0; i < n; i++) {
        if (gl_new[i] > 0 && (int)gl_new[i] <= rec_gs) {
            to_queue(gl_new[i], GP_GLOBAL, 0);
            gl[ngl++] = gl_new[i];
        }
    }
}

int record_init(int nthreads, int gs) {
    rec_threads = nthreads < REC_MAX_PROCS ? nthreads : REC_MAX_PROCS;
    for (int i = 0; i < rec_threads; i++) {
        rec[i].e = calloc(REC_N, sizeof(struct rec_entry));
        if (rec[i].e == NULL) {
            return -1;
        }
    }
    snap.glob = calloc((size_t)gs + 1, sizeof *snap.glob);
    gpl = calloc((size_t)gs + 1, sizeof *gpl);
    gl = calloc((size_t)gs + 1, sizeof *gl);
    gl_new = calloc((size_t)gs + 1, sizeof *gl_new);
    gl_stamp = calloc((size_t)gs + 1, sizeof *gl_stamp);
    if (snap.glob == NULL || gpl == NULL || gl == NULL || gl_new == NULL || gl_stamp == NULL) {
        return -1;
    }
    rec_gs = gs;
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
    if (k == RQ_REC_GWRITE) { // a check only: no step of the engine's, so not recorded
        uint32_t goid = rec_eng ? rec_eng->rec_goid((uintptr_t)addr) : 0;
        if (goid > 0 && shadow[0].known && !holds(goid, rec_id)) {
            char b[64];
            describe(goid, b, sizeof b);
            stress_fail(rec_id, INV_NOT_HOLDER,
                        "T%d writes the fields (schedlink) of g%u, which it does not hold: g%u "
                        "is %s (seen by the recorder)",
                        rec_id, goid, goid, b);
        }
        pthread_mutex_unlock(&rec_lock);
        return;
    }
    uint64_t ticket = ++rec_ticket;
    // relaxed: a flag; entries after the first failure are merely not wanted.
    if (rec_self && !atomic_load_explicit(&rec_frozen, memory_order_relaxed)) {
        append(rec_self, ticket, s, addr, (int)k, v, w);
    }
    if (rec_eng && k == RQ_REC_LOCK) {
        lock_holder = rec_id;
    } else if (rec_eng && k == RQ_REC_UNLOCK) {
        if (shadow[0].known) {
            reconcile_global(rec_id);
        }
        lock_holder = -1;
    }
    int pid = -1, loc = -1;
    uint32_t slot = 0, old = 0, nw = 0, len = 0, nilk = 0;
    if (rec_eng && (k == RQ_REC_STORE || k == RQ_REC_CAS_OK)) {
        loc = rec_eng->rec_locate(addr, &pid, &slot);
    }
    bool past = false, clobber = false, nil = false;
    uint32_t cap = (uint32_t)snap.cap;
    if (pid >= 0 && pid < REC_MAX_PROCS && shadow[pid].known) {
        if (loc == REC_LOC_HEAD) {
            old = shadow[pid].head;
            nw = (uint32_t)(k == RQ_REC_CAS_OK ? w : v);
            len = shadow[pid].tail - old;
            past = nw - old > len;
            for (uint32_t x = old; !past && x != nw; x++) { // committed: in the CASer's hand
                to_hand(shadow[pid].slot[x % cap], rec_id);
            }
            shadow[pid].head = nw;
        } else if (loc == REC_LOC_TAIL) {
            old = shadow[pid].tail;
            nw = (uint32_t)(k == RQ_REC_CAS_OK ? w : v);
            for (uint32_t x = old; nw - old <= cap && x != nw; x++) { // published: queued
                uint32_t goid = shadow[pid].slot[x % cap];
                if (goid == 0) {
                    nil = true;
                    nilk = x;
                    break;
                }
                to_queue(goid, GP_RING, pid);
            }
            shadow[pid].tail = nw;
        } else if (loc == REC_LOC_NEXT) {
            uint32_t was = k == RQ_REC_CAS_OK ? rec_eng->rec_goid(v) : shadow[pid].next;
            uint32_t now = rec_eng->rec_goid(k == RQ_REC_CAS_OK ? w : v);
            to_hand(was, rec_id);
            to_queue(now, GP_NEXT, pid);
            shadow[pid].next = now;
        } else if (loc == REC_LOC_SLOT && k == RQ_REC_STORE) {
            // The owner writes a slot that still holds a queued G ([head, tail)).
            old = shadow[pid].head;
            len = shadow[pid].tail - old;
            clobber = pid == rec_id && (slot - old) % cap < len;
            shadow[pid].slot[slot] = rec_eng->rec_goid(v);
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
    if (nil) {
        stress_fail(rec_id, INV_NIL_G,
                    "T%d published P%d's runqtail %u, but slot %u (index %u) holds nil, not a "
                    "G (at %s; seen by the recorder)",
                    rec_id, pid, nw, nilk % cap, nilk, runq_site_name(s));
    }
    pthread_mutex_unlock(&rec_lock);
}

bool record_taken(int t, uint32_t goid, const char *op, int pid) {
    if (goid == 0 || (int)goid > rec_gs) {
        return true;
    }
    pthread_mutex_lock(&rec_lock);
    bool ok = !shadow[0].known || (gpl[goid].where == GP_HAND && gpl[goid].who == t);
    if (!ok) {
        char b[64];
        describe(goid, b, sizeof b);
        stress_fail(t, gpl[goid].where == GP_HAND ? INV_DUP_G : INV_NOT_HOLDER,
                    "%s on P%d returned g%u to T%d, which did not take it: g%u is %s (seen by "
                    "the recorder)",
                    op, pid, goid, t, goid, b);
    }
    pthread_mutex_unlock(&rec_lock);
    return ok;
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

void record_unfreeze(void) {
    atomic_store_explicit(&rec_frozen, 0, memory_order_relaxed);
}

void record_snapshot(const struct stress_engine *e, double t) {
    if (!rq_record_on || atomic_load_explicit(&rec_frozen, memory_order_relaxed)) {
        return;
    }
    e->rec_snapshot(&snap);
    pthread_mutex_lock(&rec_lock);
    snap.ticket = rec_ticket;
    rec_eng = e;
    // Gs out of the queues: in the hand of their ledger token's thread (a parked G: its P's
    // owner, thread pid); then the queued ones.
    for (int x = 1; x <= rec_gs; x++) {
        uint64_t tok = atomic_load_explicit(&ledger_gs[x].token, memory_order_relaxed);
        to_hand((uint32_t)x,
                (tok & 3) == TOK_PARKED ? (int)(tok >> 18 & 0xff) : (int)(tok >> 2 & 0xff));
    }
    for (int i = 0; i < REC_MAX_PROCS; i++) {
        shadow[i].known = i < snap.procs;
        shadow[i].head = snap.head[i];
        shadow[i].tail = snap.tail[i];
        shadow[i].next = i < snap.procs ? snap.next[i] : 0;
        for (int j = 0; i < snap.procs && j < snap.cap; j++) {
            shadow[i].slot[j] = snap.slots[i][j];
        }
        for (uint32_t x = snap.head[i];
             i < snap.procs && x != snap.tail[i] && x - snap.head[i] <= (uint32_t)snap.cap; x++) {
            to_queue(snap.slots[i][x % (uint32_t)snap.cap], GP_RING, i);
        }
        if (i < snap.procs) {
            to_queue(snap.next[i], GP_NEXT, i);
        }
    }
    ngl = 0;
    for (int x = 0; x < snap.nglob; x++) {
        to_queue(snap.glob[x], GP_GLOBAL, 0);
        gl[ngl++] = snap.glob[x];
    }
    lock_holder = -1;
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
    char port[160];
    prog_port_line(port, sizeof port, e->go);
    fprintf(f, "runq-record v1\n%s", port); // a runq-record for another port refuses it
    fprintf(f, "# written by %s on failure: runq-record turns it into a schedule\n", program);
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
