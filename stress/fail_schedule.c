// fail_schedule.c - on failure, the failing threads' recent queue operations as a schedule
// ("runq-schedule v1", harness/schedule.h) for runq-replay and the fuzzer to search around.
//
// Grouped by P, not by OS thread: an engine thread stands for a P and whichever thread owns
// it. With hand-off a P's owner-side operations stay sequential across owners (releasep and
// acquirep synchronise through sched.lock), so a P's operations, made by several threads
// one tenure after another, are one program; a thief that owns P i and steals from P j is
// "P i's thread stealing from P j". A G that moves with its thread from P i to P j needs no
// form of its own here: the engine's put ops make fresh Gs.
//
// What carries over: up to 4 Ps (all of them with --procs <= 4; else the one that failed,
// the one the previous holder it named held, the Ps they stole from, then others), each
// with its last 16 queue operations (consecutive equal ones merged: "put 3") including the
// one under way at the failure, and as a comment the order the operations ended in (the op
// logs' stamps). When every log still holds the run's start, the Gs the run starts with on
// the global queue come first as the owner's "globput". What does not: which G, parking and
// waking, the rings' contents when the window starts, and any interleaving inside an
// operation (where races live), so the schedule is the input of a search (runq-explore
// --search), not a replay of the failure.
#include "op_interp.h"
#include "progname.h"
#include "schedule.h"
#include "torture.h"

#include <stdlib.h>
#include <string.h>

struct item {
    int k; // schedule thread (a P); while collecting: the P
    int thread;
    uint64_t tenure; // stamp of the first entry of the thread's tenure on the P
    uint64_t stamp, seq;
    sched_op op;
    struct oplog_view v;
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

// A P's operations in the order they were made: tenure by tenure (a P has one owner at a
// time, and the next owner's acquirep comes after the last one's releasep), then each
// thread's own order.
static int by_p_cmp(const void *a, const void *b) {
    const struct item *x = a, *y = b;
    if (x->k != y->k) {
        return x->k - y->k;
    }
    if (x->tenure != y->tenure) {
        return x->tenure < y->tenure ? -1 : 1;
    }
    if (x->thread != y->thread) {
        return x->thread - y->thread;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// doing_view: the operation thread t had under way at the failure, as a log entry (it never
// completed, so the log lacks it; a throw inside it is the failure). False if none.
static bool doing_view(int t, uint64_t seq, uint64_t stamp, struct oplog_view *v) {
    uint64_t d = stress_doing_at_failure[t];
    memset(v, 0, sizeof *v);
    v->op = (int)(d & 0xff);
    v->pid = (int)((d >> 8) & 0xff);
    v->arg = (int)((d >> 16) & 0xff);
    uint32_t goid = (uint32_t)(d >> 24);
    v->seq = seq;
    v->stamp = stamp;
    v->goid = goid ? goid : 1; // a get under way: treat it as one that finds a G
    v->n = 1;
    if (v->op == OP_RUNQSTEAL) {
        v->n = goid ? STEAL_NEXT_FLAG | 1 : 1; // the doing word's G marks a runnext steal
    }
    return v->op != OP_NONE && v->op != OP_STOPPED && v->op != OP_STALL;
}

// collect: every thread's logged operations (and the one under way), each tagged with the P
// it was made on and its tenure. Returns the count; *covers_start is whether every log
// reaches back to the run's first operation.
static int collect(struct item *it, bool *covers_start) {
    static struct oplog_view v[OPLOG_N];
    int procs = srun()->params.procs, n = 0;
    *covers_start = true;
    for (int t = 0; t < srun()->nthreads; t++) {
        int nv = oplog_read(&srun()->m[t], v, OPLOG_N);
        if (nv > 0 && v[0].seq != 0) {
            *covers_start = false;
        }
        int cur = -1;
        uint64_t tenure = 0, last_stamp = 0, last_seq = 0;
        for (int e = 0; e <= nv; e++) {
            struct oplog_view x;
            if (e < nv) {
                x = v[e];
            } else if (!doing_view(t, last_seq + 1, last_stamp, &x)) {
                break;
            }
            last_stamp = x.stamp;
            last_seq = x.seq;
            if (x.pid < 0 || x.pid >= procs) {
                continue; // no P (a G put on the global queue between Ps)
            }
            // A tenure begins at each acquirep (a thread may take back the P it released,
            // after another thread had it) or where the window starts.
            if (x.pid != cur || x.op == OP_ACQUIREP) {
                tenure = x.stamp; // acquirep restamps, so this is when the tenure began
            }
            cur = x.op == OP_RELEASEP ? -1 : x.pid;
            it[n] = (struct item){
                .k = x.pid, .thread = t, .tenure = tenure, .stamp = x.stamp, .seq = x.seq, .v = x};
            n++;
        }
    }
    return n;
}

// last_pid: the P thread t last logged an operation on (-1: none).
static int last_pid(const struct item *it, int n, int t) {
    int p = -1;
    uint64_t best = 0;
    for (int i = 0; i < n; i++) {
        if (it[i].thread == t && (p < 0 || it[i].seq >= best)) {
            p = it[i].k;
            best = it[i].seq;
        }
    }
    return p;
}

// choose_ps: which Ps become the schedule's threads. All of them when they fit; else the P
// that failed, the P of the thread it named, the Ps they stole from, then the rest.
static int choose_ps(const struct item *it, int n, int *list) {
    int procs = srun()->params.procs, m = 0;
    if (procs <= SCHED_MAX_THREADS) {
        for (int p = 0; p < procs; p++) {
            list[m++] = p;
        }
        return m;
    }
    int want[2] = {last_pid(it, n, stress_first_thread()), last_pid(it, n, stress_first_other())};
    for (int w = 0; w < 2; w++) {
        if (want[w] >= 0 && !chosen(list, m, want[w])) {
            list[m++] = want[w];
        }
    }
    for (int i = 0; i < m && m < SCHED_MAX_THREADS; i++) {
        for (int e = n - 1; e >= 0 && m < SCHED_MAX_THREADS; e--) {
            if (it[e].k == list[i] && it[e].v.op == OP_RUNQSTEAL && it[e].v.arg < procs &&
                !chosen(list, m, it[e].v.arg)) {
                list[m++] = it[e].v.arg;
            }
        }
    }
    for (int p = 0; p < procs && m < SCHED_MAX_THREADS; p++) {
        if (!chosen(list, m, p)) {
            list[m++] = p;
        }
    }
    return m;
}

// fill_programs: each chosen P's operations as its thread's program (merged, the newest
// SCHED_MAX_OPS, the owner's first slot kept for the starting globput when covers_start).
// The kept operations go to out[] (k = schedule thread) for the order comment.
static int fill_programs(schedule *s, struct item *it, int n, const int *list, int nlist,
                         bool covers_start, struct item *out) {
    int k_of_p[STRESS_MAX_PROCS], nout = 0;
    for (int p = 0; p < STRESS_MAX_PROCS; p++) {
        k_of_p[p] = -1;
    }
    for (int k = 0; k < nlist; k++) {
        k_of_p[list[k]] = k;
    }
    qsort(it, (size_t)n, sizeof *it, by_p_cmp);
    for (int k = 0; k < nlist; k++) {
        int m = 0, room = SCHED_MAX_OPS - (k == 0 && covers_start);
        for (int e = 0; e < n; e++) {
            sched_op op;
            if (it[e].k != list[k] || !to_sched_op(&it[e].v, k_of_p, &op)) {
                continue;
            }
            if ((op.kind == SOP_STEAL || op.kind == SOP_STEALNEXT) && op.target == k) {
                continue; // a P does not steal from itself
            }
            // One logged call each: consecutive ones merge where n counts the calls.
            if (m > 0 && out[nout + m - 1].op.kind == op.kind &&
                out[nout + m - 1].op.target == op.target && op_calls[op.kind].repeat &&
                out[nout + m - 1].op.n < 256) {
                out[nout + m - 1].op.n++;
                continue;
            }
            out[nout + m] = it[e];
            out[nout + m].k = k;
            out[nout + m].op = op;
            m++;
        }
        int from = m > room ? m - room : 0, o = 0;
        if (k == 0 && covers_start) {
            // The run starts with every G on the global queue (ledger TOK_QUEUED).
            int gs = srun()->params.gs < 256 ? srun()->params.gs : 256;
            s->ops[0][o++] = (sched_op){.kind = SOP_GLOBPUT, .n = (uint16_t)gs};
        }
        for (int i = from; i < m; i++) {
            s->ops[k][o++] = out[nout + i].op;
            out[nout + i - from] = out[nout + i];
        }
        s->nops[k] = (uint8_t)o;
        nout += m - from;
    }
    return nout;
}

static void header(schedule *s, int nthreads) {
    s->nthreads = (uint8_t)nthreads;
    s->cap = (uint16_t)srun()->params.capacity;
    s->version = strcmp(srun()->params.go, "master") == 0 ? SVER_MASTER : SVER_119;
    // The byte form reaches only starts below 128 or from 2^32-128 on: take the nearest.
    s->start = srun()->params.start < 0x80000000u
                   ? (srun()->params.start < 128 ? srun()->params.start : 127)
                   : (srun()->params.start >= 4294967168u ? srun()->params.start : 4294967168u);
    s->pct_depth = 1;
    s->seed = (uint16_t)(srun()->params.seed & 0xffff);
}

static int write_file(const char *path, const schedule *s, const int *list, int n,
                      const struct item *items, int nitems, char *err, size_t errlen) {
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    char port[160];
    prog_port_line(port, sizeof port, srun()->params.go);
    fputs(port, f); // the port that failed: a tool built for another one refuses the file
    fprintf(f, "# written by %s on failure: invariant=%s, seed %llu\n", srun()->params.prog,
            stress_first_invariant(), (unsigned long long)srun()->params.seed);
    fprintf(f, "# threads here -> Ps of the run (each P's operations, whichever thread owned it):");
    for (int k = 0; k < n; k++) {
        fprintf(f, " %s=P%d", sched_thread_name(k), list[k]);
    }
    fprintf(f, "\n# Each P's last queue operations; G identities, parking and waking are not\n"
               "# carried over. No decisions: the engine interleaves step by step from the seed\n"
               "# (runq-explore --search tries orders for the same invariant). Order the\n"
               "# operations ended in:\n#");
    for (int i = 0; i < nitems; i++) {
        fprintf(f, "%s %s", i && i % 12 == 0 ? "\n#" : "", sched_thread_name(items[i].k));
    }
    fprintf(f, "\n");
    schedule_print_text(s, f);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

int write_fail_schedule(const char *path, char *err, size_t errlen) {
    size_t cap = (size_t)srun()->nthreads * (OPLOG_N + 1);
    struct item *it = calloc(cap, sizeof *it), *kept = calloc(cap, sizeof *kept);
    schedule *s = calloc(1, sizeof *s);
    int rc = -1;
    if (!it || !kept || !s) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    bool covers_start;
    int n = collect(it, &covers_start);
    int list[SCHED_MAX_THREADS];
    int np = choose_ps(it, n, list);
    header(s, np);
    int nkept = fill_programs(s, it, n, list, np, covers_start, kept);
    // No decisions: one per operation would make every operation atomic, and races live
    // inside operations. The order seen on the hardware is kept as a comment.
    qsort(kept, (size_t)nkept, sizeof *kept, item_cmp);
    if (write_file(path, s, list, np, kept, nkept, err, errlen) != 0) {
        goto out;
    }
    // It must load back (the format's own parser is the judge).
    rc = schedule_load_file(path, s, err, errlen) == 0 ? 0 : -1;
out:
    free(it);
    free(kept);
    free(s);
    return rc;
}
