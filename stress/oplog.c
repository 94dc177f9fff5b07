// oplog.c - each thread's ring of its last operations, and how they are printed: in the
// watchdog/failure dump and in the failure trace file (format in stress/README.md).
#include "torture.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

// Log stamps: a fine clock, so that the threads' logs can be merged into one timeline. On
// x86-64 the TSC (synchronised across cores on the CPUs this runs on) in units of 64
// cycles; elsewhere CLOCK_MONOTONIC in units of 64 ns. 40 bits of either last hours. Read
// every 8th scheduling round and after each steal that got a G (oplog_restamp, called by
// world_core.c's tick), not per entry: it costs ~25 ns in a VM, more than a queue operation.
static uint64_t stamp0;
static double stamps_per_us = 1000.0 / 64;

static uint64_t raw_stamp(void) {
#if defined(__x86_64__)
    return __rdtsc() >> 6;
#else
    return now_ns() >> 6;
#endif
}

void oplog_clock_init(void) {
    stamp0 = raw_stamp();
#if defined(__x86_64__)
    uint64_t n0 = now_ns(), s0 = raw_stamp();
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    uint64_t n1 = now_ns(), s1 = raw_stamp();
    if (n1 > n0 && s1 > s0) {
        stamps_per_us = (double)(s1 - s0) * 1000.0 / (double)(n1 - n0);
    }
#endif
}

void oplog_restamp(struct mstate *m) {
    m->stamp = raw_stamp() - stamp0;
}

double oplog_stamp_us(uint64_t stamp) {
    return (double)stamp / stamps_per_us;
}

static const char *const op_names[OP_N] = {
#define X(e, name) name,
    STRESS_OP_LIST(X)
#undef X
};

const char *op_name(int op) {
    return op >= 0 && op < OP_N ? op_names[op] : "?";
}

int oplog_read(const struct mstate *m, struct oplog_view *out, int max) {
    uint64_t seq = atomic_load_explicit(&m->logseq, memory_order_relaxed);
    uint64_t first = seq > (uint64_t)max ? seq - (uint64_t)max : 0;
    if (seq - first > OPLOG_N) {
        first = seq - OPLOG_N;
    }
    int k = 0;
    for (uint64_t s = first; s < seq; s++) {
        const struct oplog_entry *e = &m->log[s & (OPLOG_N - 1)];
        uint64_t w0 = atomic_load_explicit(&e->w0, memory_order_relaxed);
        uint64_t w1 = atomic_load_explicit(&e->w1, memory_order_relaxed);
        out[k].seq = s;
        out[k].op = (int)(w0 & 0xff);
        out[k].pid = (int)((w0 >> 8) & 0xff);
        out[k].arg = (int)((w0 >> 16) & 0xff);
        out[k].stamp = w0 >> 24;
        out[k].goid = (uint32_t)w1;
        out[k].n = (uint32_t)(w1 >> 32);
        k++;
    }
    return k;
}

static void g_name(uint32_t goid, char *buf, size_t len) {
    if (goid) {
        snprintf(buf, len, "g%u", goid);
    } else {
        snprintf(buf, len, "nil");
    }
}

// oplog_format: "P1 runqsteal P3 runnext -> g17 n=1" (no sequence or time).
void oplog_format(const struct oplog_view *v, char *buf, size_t len) {
    char gn[16];
    g_name(v->goid, gn, sizeof gn);
    switch (v->op) {
    case OP_RUNQGET:
        snprintf(buf, len, "P%d runqget -> %s%s", v->pid, gn, v->arg ? " (runnext)" : "");
        break;
    case OP_GLOBRUNQGET:
        snprintf(buf, len, "P%d globrunqget max=%d -> %s", v->pid, v->arg, gn);
        break;
    case OP_RUNQSTEAL:
        snprintf(buf, len, "P%d runqsteal P%d%s -> %s n=%u", v->pid, v->arg,
                 (v->n & STEAL_NEXT_FLAG) ? " runnext" : "", gn, v->n & ~STEAL_NEXT_FLAG);
        break;
    case OP_RUNQPUT:
    case OP_RUNQPUT_NEXT:
    case OP_GLOBRUNQPUT:
    case OP_PARK:
    case OP_RUN:
        snprintf(buf, len, "P%d %s %s", v->pid, op_name(v->op), gn);
        break;
    case OP_WAKE: {
        static const char *const why[] = {"ready", "batch", "idle"};
        snprintf(buf, len, "P%d wake %s (%s)", v->pid, gn, why[v->arg % 3]);
        break;
    }
    case OP_RUNQPUTBATCH:
    case OP_RUNQDRAIN:
    case OP_GLOBRUNQPUTBATCH:
        snprintf(buf, len, "P%d %s n=%u first=%s", v->pid, op_name(v->op), v->n, gn);
        break;
    case OP_RELEASEP:
    case OP_ACQUIREP:
        snprintf(buf, len, "%s P%d", op_name(v->op), v->pid);
        break;
    default:
        snprintf(buf, len, "P%d %s", v->pid, op_name(v->op));
        break;
    }
}

void describe_doing(uint64_t d, char *buf, size_t len) {
    int op = (int)(d & 0xff), pid = (int)((d >> 8) & 0xff), arg = (int)((d >> 16) & 0xff);
    uint32_t goid = (uint32_t)(d >> 24);
    char gn[16];
    g_name(goid, gn, sizeof gn);
    switch (op) {
    case OP_NONE:
        snprintf(buf, len, "nothing (between operations)");
        break;
    case OP_RUNQSTEAL:
        snprintf(buf, len, "runqsteal on P%d from P%d%s", pid, arg, goid ? " (runnext)" : "");
        break;
    case OP_RELEASEP:
    case OP_ACQUIREP:
        snprintf(buf, len, "%s (P%d)", op_name(op), pid);
        break;
    case OP_STOPPED:
        snprintf(buf, len, "stopped at the barrier");
        break;
    case OP_STALL:
        snprintf(buf, len, "stalled on purpose (--stall) on P%d", pid);
        break;
    default:
        snprintf(buf, len, "%s on P%d%s%s", op_name(op), pid, goid ? " with " : "", goid ? gn : "");
        break;
    }
}

void dump_threads(FILE *f, int last) {
    struct oplog_view v[OPLOG_N];
    char line[160], doing[128];
    for (int i = 0; i < srun()->nthreads; i++) {
        struct mstate *m = &srun()->m[i];
        bool failed = stress_failed();
        describe_doing(failed ? stress_doing_at_failure[i]
                              : atomic_load_explicit(&m->doing, memory_order_relaxed),
                       doing, sizeof doing);
        fprintf(f, "T%d: P%d rounds=%llu runs=%llu%s %s: %s\n", i,
                atomic_load_explicit(&m->pid, memory_order_relaxed),
                (unsigned long long)atomic_load_explicit(&m->iter, memory_order_relaxed),
                (unsigned long long)atomic_load_explicit(&m->ctr[CTR_RUNS], memory_order_relaxed),
                atomic_load_explicit(&m->exited, memory_order_relaxed) ? " exited" : "",
                failed ? "doing at the failure" : "doing", doing);
        int n = oplog_read(m, v, last);
        for (int k = 0; k < n; k++) {
            oplog_format(&v[k], line, sizeof line);
            fprintf(f, "  T%d #%llu %.3fms %s\n", i, (unsigned long long)v[k].seq,
                    oplog_stamp_us(v[k].stamp) / 1000, line);
        }
    }
}

struct tl_entry {
    int thread;
    struct oplog_view v;
};

static int tl_cmp(const void *a, const void *b) {
    const struct tl_entry *x = a, *y = b;
    if (x->v.stamp != y->v.stamp) {
        return x->v.stamp < y->v.stamp ? -1 : 1;
    }
    if (x->thread != y->thread) {
        return x->thread - y->thread;
    }
    return x->v.seq < y->v.seq ? -1 : x->v.seq > y->v.seq;
}

void write_thread_ops(FILE *f) {
    struct oplog_view v[OPLOG_N];
    char line[160];
    struct tl_entry *tl = calloc((size_t)srun()->nthreads * OPLOG_N, sizeof *tl);
    int ntl = 0;
    for (int i = 0; i < srun()->nthreads; i++) {
        char doing[128];
        describe_doing(stress_doing_at_failure[i], doing, sizeof doing);
        fprintf(f, "\n[thread T%d]\n# holds P%d; doing at the failure: %s\n", i,
                atomic_load_explicit(&srun()->m[i].pid, memory_order_relaxed), doing);
        int n = oplog_read(&srun()->m[i], v, OPLOG_N);
        for (int k = 0; k < n; k++) {
            oplog_format(&v[k], line, sizeof line);
            fprintf(f, "op %llu %.3f %s\n", (unsigned long long)v[k].seq,
                    oplog_stamp_us(v[k].stamp), line);
            if (tl) {
                tl[ntl].thread = i;
                tl[ntl].v = v[k];
                ntl++;
            }
        }
    }
    if (tl) {
        // Stamps are taken after each operation: the order of overlapping operations of
        // different threads is the order they ended in, within the clock's skew.
        qsort(tl, (size_t)ntl, sizeof *tl, tl_cmp);
        fprintf(f, "\n[timeline]\n# all threads, by the time each operation ended (us)\n");
        for (int k = 0; k < ntl; k++) {
            oplog_format(&tl[k].v, line, sizeof line);
            fprintf(f, "T%d %llu %.3f %s\n", tl[k].thread, (unsigned long long)tl[k].v.seq,
                    oplog_stamp_us(tl[k].v.stamp), line);
        }
        free(tl);
    }
}
