// fail_schedule.c - on failure, the failing threads' recent queue operations as a schedule
// ("runq-schedule v1", harness/schedule.h) for runq-replay and the fuzzer to search around.
//
// What carries over: up to 4 threads (the one that failed, the previous holder it named,
// the owners of the Ps they stole from, then others), each with its last 16 queue
// operations (consecutive equal ones merged: "put 3"), and as a comment the order the
// operations ended in (the op logs' stamps). What does not:
// which G (the engine makes fresh Gs), parking and waking, the rings' contents when the
// window starts, and any interleaving inside an operation (where races live), so the
// schedule is a starting point for the search, not a replay of the failure.
#include "op_interp.h"
#include "progname.h"
#include "schedule.h"
#include "torture.h"

#include <stdlib.h>
#include <string.h>

struct item {
    int k; // schedule thread
    uint64_t stamp, seq;
    sched_op op;
};

static int item_cmp(const void *a, const void *b) {
    const struct item *x = a, *y = b;
    if (x->stamp != y->stamp) {
        return x->stamp < y->stamp ? -1 : 1;
    }
    if (x->k != y->k) {
        return x->k - y->k;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// to_sched_op: the schedule op a logged operation stands for; false if none. Which op makes
// which call is the interpreter's table (op_interp.h); what is read here is the log's
// spelling of the call and its variant.
static bool to_sched_op(const struct oplog_view *v, const int *k_of_p, sched_op *op) {
    enum op_call call;
    bool variant = false;
    memset(op, 0, sizeof *op);
    op->n = 1;
    switch (v->op) {
    case OP_RUNQPUT:
    case OP_RUNQPUT_NEXT:
        call = OPC_RUNQPUT;
        variant = v->op == OP_RUNQPUT_NEXT;
        break;
    case OP_RUNQGET:
        if (v->goid == 0) {
            return false; // found nothing: no op of its own
        }
        call = OPC_RUNQGET;
        break;
    case OP_GLOBRUNQGET:
        if (v->goid == 0) {
            return false;
        }
        call = OPC_GLOBRUNQGET;
        op->n = (uint16_t)(v->arg + 1); // globget n means max = n-1
        break;
    case OP_RUNQSTEAL:
        if (v->arg >= STRESS_MAX_PROCS || k_of_p[v->arg] < 0) {
            return false;
        }
        call = OPC_RUNQSTEAL;
        variant = (v->n & STEAL_NEXT_FLAG) != 0;
        op->target = (uint8_t)k_of_p[v->arg];
        break;
    case OP_RUNQPUTBATCH:
        call = OPC_RUNQPUTBATCH;
        op->n = (uint16_t)(v->n < 1 ? 1 : v->n > 256 ? 256 : v->n);
        break;
    case OP_RUNQDRAIN:
        if (v->n == 0) {
            return false;
        }
        call = OPC_RUNQDRAIN;
        break;
    case OP_GLOBRUNQPUT:
        call = OPC_GLOBRUNQPUT;
        variant = v->arg != 0; // globrunqputhead
        break;
    default:
        return false;
    }
    op->kind = (uint8_t)op_kind_of_call(call, variant);
    return op->kind != SOP_NOP;
}

static bool chosen(const int *list, int n, int t) {
    for (int i = 0; i < n; i++) {
        if (list[i] == t) {
            return true;
        }
    }
    return false;
}

int write_fail_schedule(const char *path, char *err, size_t errlen) {
    static struct oplog_view v[STRESS_MAX_THREADS][OPLOG_N];
    int nv[STRESS_MAX_THREADS];
    int p_owner[STRESS_MAX_PROCS]; // the thread that used P last
    for (int i = 0; i < STRESS_MAX_PROCS; i++) {
        p_owner[i] = -1;
    }
    for (int t = 0; t < srun()->nthreads; t++) {
        nv[t] = oplog_read(&srun()->m[t], v[t], OPLOG_N);
        int pid = atomic_load_explicit(&srun()->m[t].pid, memory_order_relaxed);
        if (pid >= 0 && pid < STRESS_MAX_PROCS) {
            p_owner[pid] = t;
        }
    }
    // The threads: who failed, whom it named, whose Ps they stole from, then the rest.
    int list[SCHED_MAX_THREADS], n = 0;
    int first = stress_first_thread(), other = stress_first_other();
    if (first >= 0 && first < srun()->nthreads) {
        list[n++] = first;
    }
    if (other >= 0 && other < srun()->nthreads && !chosen(list, n, other)) {
        list[n++] = other;
    }
    for (int i = 0; i < n && n < SCHED_MAX_THREADS; i++) {
        for (int e = nv[list[i]] - 1; e >= 0 && n < SCHED_MAX_THREADS; e--) {
            const struct oplog_view *x = &v[list[i]][e];
            if (x->op == OP_RUNQSTEAL && x->arg < STRESS_MAX_PROCS) {
                int owner = p_owner[x->arg] >= 0 ? p_owner[x->arg] : x->arg;
                if (owner < srun()->nthreads && !chosen(list, n, owner)) {
                    list[n++] = owner;
                }
            }
        }
    }
    for (int t = 0; t < srun()->nthreads && n < SCHED_MAX_THREADS; t++) {
        if (!chosen(list, n, t)) {
            list[n++] = t;
        }
    }
    int k_of_p[STRESS_MAX_PROCS];
    for (int i = 0; i < STRESS_MAX_PROCS; i++) {
        int owner = p_owner[i] >= 0 ? p_owner[i] : i;
        k_of_p[i] = -1;
        for (int k = 0; k < n; k++) {
            if (list[k] == owner) {
                k_of_p[i] = k;
            }
        }
    }

    schedule *s = calloc(1, sizeof *s);
    struct item *items = calloc((size_t)n * SCHED_MAX_OPS, sizeof *items);
    if (!s || !items) {
        snprintf(err, errlen, "out of memory");
        free(s);
        free(items);
        return -1;
    }
    s->nthreads = (uint8_t)n;
    s->cap = (uint16_t)srun()->params.capacity;
    s->version = strcmp(srun()->params.go, "master") == 0 ? SVER_MASTER : SVER_119;
    // The byte form reaches only starts below 128 or from 2^32-128 on: take the nearest.
    s->start = srun()->params.start < 0x80000000u
                   ? (srun()->params.start < 128 ? srun()->params.start : 127)
                   : (srun()->params.start >= 4294967168u ? srun()->params.start : 4294967168u);
    s->pct_depth = 1;
    s->seed = (uint16_t)(srun()->params.seed & 0xffff);
    int nitems = 0;
    for (int k = 0; k < n; k++) {
        // Map, merge runs of one kind, keep the newest SCHED_MAX_OPS.
        struct item mine[OPLOG_N];
        int m = 0;
        for (int e = 0; e < nv[list[k]]; e++) {
            sched_op op;
            if (!to_sched_op(&v[list[k]][e], k_of_p, &op)) {
                continue;
            }
            if ((op.kind == SOP_STEAL || op.kind == SOP_STEALNEXT) && op.target == k) {
                continue; // stole from a P this thread also used (hand-off): no schedule form
            }
            // One logged call each: consecutive ones merge where n counts the calls.
            if (m > 0 && mine[m - 1].op.kind == op.kind && mine[m - 1].op.target == op.target &&
                op_calls[op.kind].repeat && mine[m - 1].op.n < 256) {
                mine[m - 1].op.n++;
                continue;
            }
            mine[m].k = k;
            mine[m].stamp = v[list[k]][e].stamp;
            mine[m].seq = v[list[k]][e].seq;
            mine[m].op = op;
            m++;
        }
        int from = m > SCHED_MAX_OPS ? m - SCHED_MAX_OPS : 0;
        s->nops[k] = (uint8_t)(m - from);
        for (int i = from; i < m; i++) {
            s->ops[k][i - from] = mine[i].op;
            items[nitems++] = mine[i];
        }
    }
    // No decisions: one per operation would make every operation atomic, and races live
    // inside operations. Without decisions the engine interleaves step by step from the
    // seed; the order seen on the hardware is kept as a comment.
    qsort(items, (size_t)nitems, sizeof *items, item_cmp);

    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s", path);
        free(s);
        free(items);
        return -1;
    }
    char port[160];
    prog_port_line(port, sizeof port, srun()->params.go);
    fputs(port, f); // the port that failed: a tool built for another one refuses the file
    fprintf(f, "# written by %s on failure: invariant=%s, seed %llu\n", srun()->params.prog,
            stress_first_invariant(), (unsigned long long)srun()->params.seed);
    fprintf(f, "# threads here -> threads of the run:");
    for (int k = 0; k < n; k++) {
        fprintf(f, " %s=T%d", sched_thread_name(k), list[k]);
    }
    fprintf(f, "\n# Each thread's last queue operations; G identities, parking and waking are not\n"
               "# carried over. No decisions: the engine interleaves step by step from the seed\n"
               "# (try other seeds, or give it to the fuzzer). Order the operations ended in:\n#");
    for (int i = 0; i < nitems; i++) {
        fprintf(f, "%s %s", i && i % 12 == 0 ? "\n#" : "", sched_thread_name(items[i].k));
    }
    fprintf(f, "\n");
    free(items);
    schedule_print_text(s, f);
    int rc = fclose(f);
    free(s);
    if (rc != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    // It must load back (the format's own parser is the judge).
    schedule *back = calloc(1, sizeof *back);
    if (back && schedule_load_file(path, back, err, errlen) != 0) {
        free(back);
        return -1;
    }
    free(back);
    return 0;
}
