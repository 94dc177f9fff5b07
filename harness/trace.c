// trace.c - see trace.h.
#include "trace.h"

#include "dsched.h"

#include <stdlib.h>
#include <string.h>

#define COLW 36

static struct {
    FILE *out;
    bool steps;
    int n;
    trace_state_fn state;
    trace_value_fn value;
    // The op being folded: its thread (-1: none), what it is, its rows so far.
    int fold_t;
    char fold_what[64];
    uint64_t fold_first;
    size_t len; // bytes in fold_buf
} T = {.fold_t = -1};

// The rows of the op being folded. A fixed buffer filled by a plain byte loop, not a
// memstream: rows are written inside fibers and dropped or printed by the main context,
// and libc's allocations there would be races to ThreadSanitizer (fibers switch without
// synchronising). An op whose rows do not fit is printed unfolded, the same in every build.
static char fold_buf[1 << 20];

// Copies into the trace's own state with plain stores (never through an intercepted libc
// call: see fold_buf).
static void copy_plain(char *dst, size_t size, const char *src) {
    volatile char *d = dst;
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++) {
        d[i] = src[i];
    }
    d[i] = 0;
}

static void fold_append(const char *row, size_t n) {
    volatile char *dst = fold_buf + T.len; // volatile: no memcpy call for TSan to intercept
    for (size_t i = 0; i < n; i++) {
        dst[i] = row[i];
    }
    T.len += n;
}

bool trace_on(void) {
    return T.out != NULL;
}

// One row: step, the cells (only t's has text; an idle thread shows '.', a finished one
// nothing), the queues. A long cell covers the idle cells to its right.
static size_t format_row(char *out, size_t outlen, int t, uint64_t step, unsigned done,
                         const char *text) {
    char state[768], line[1024];
    T.state(state, sizeof state);
    size_t off = (size_t)snprintf(line, sizeof line, "%6llu ", (unsigned long long)step);
    for (int i = 0; i < T.n && off < sizeof line; i++) {
        size_t col = 7 + (size_t)i * (COLW + 1);
        const char *cell = i == t ? text : (done >> i & 1) ? "" : ".";
        if (off > col && i != t) {
            continue; // covered by a long cell
        }
        off += (size_t)snprintf(line + off, sizeof line - off, "%*s%s",
                                off < col + 1 ? (int)(col + 1 - off) : 1, "", cell);
    }
    size_t end = 7 + (size_t)T.n * (COLW + 1);
    if (off < end && off < sizeof line) {
        off += (size_t)snprintf(line + off, sizeof line - off, "%*s", (int)(end - off), "");
    }
    int k = snprintf(out, outlen, "%s | %s\n", line, state);
    return k < 0 ? 0 : (size_t)k < outlen ? (size_t)k : outlen - 1;
}

void trace_start(FILE *out, bool steps, int nthreads, trace_state_fn state, trace_value_fn value) {
    trace_flush();
    T.value = value;
    T.out = out;
    T.steps = steps;
    T.n = nthreads;
    T.state = state;
    if (!out) {
        return;
    }
    fprintf(out, "%6s ", "step");
    for (int i = 0; i < nthreads; i++) {
        fprintf(out, " %-*s", COLW, sched_thread_name(i));
    }
    fprintf(out, " | queues: P<id>[head,tail) slots next=runnext; glob[n] the global queue\n");
    fprintf(out,
            "%6s  legend: > op begins, < op ends (what it did), * commit point (a publish "
            "or a successful CAS), ~~ dN decision N takes over%s\n",
            "", steps ? "" : "; an op that ran alone is one row (--steps: every step)");
}

static void fold_close(bool print) {
    if (T.fold_t < 0) {
        return;
    }
    if (print) {
        fwrite(fold_buf, 1, T.len, T.out);
    }
    T.len = 0;
    T.fold_t = -1;
}

void trace_flush(void) {
    fold_close(true);
}

void trace_row(int t, uint64_t step, unsigned done, const char *text) {
    if (!T.out) {
        return;
    }
    if (T.fold_t >= 0 && T.fold_t != t) {
        fold_close(true); // another thread steps: the op did not run alone
    }
    char row[2048];
    size_t n = format_row(row, sizeof row, t, step, done, text);
    if (T.fold_t == t && T.len + n > sizeof fold_buf) {
        fold_close(true); // too long to fold: printed as it is
    }
    if (T.fold_t == t) {
        fold_append(row, n);
    } else {
        fwrite(row, 1, n, T.out);
    }
}

void trace_op_begin(int t, uint64_t step, unsigned done, const char *what) {
    if (!T.out) {
        return;
    }
    char row[96];
    snprintf(row, sizeof row, "> %s", what);
    fold_close(true);
    if (!T.steps) {
        T.len = 0;
        T.fold_t = t;
        copy_plain(T.fold_what, sizeof T.fold_what, what);
        T.fold_first = step;
    }
    trace_row(t, step, done, row);
}

void trace_op_end(int t, uint64_t step, unsigned done, const char *result) {
    if (!T.out) {
        return;
    }
    char row[256];
    if (T.fold_t == t) {
        fold_close(false);
        snprintf(row, sizeof row, "%s < %s (alone, %llu steps)", T.fold_what, result,
                 (unsigned long long)(step - T.fold_first));
    } else {
        snprintf(row, sizeof row, "< %s", result);
    }
    trace_row(t, step, done, row);
}

void trace_access(int t, uint64_t step, unsigned done, enum runq_site site, const void *addr,
                  int kind, uintptr_t v, uintptr_t w, const char *note) {
    if (!T.out) {
        return;
    }
    char val[64], other[64], row[192];
    const char *name = runq_site_name(site);
    T.value(site, addr, v, val, sizeof val);
    if (kind == DACC_CAS_OK || kind == DACC_CAS_FAIL) {
        T.value(site, addr, w, other, sizeof other);
        char *eq = strchr(val, '='), *oeq = strchr(other, '=');
        const char *a = eq ? eq + 1 : val, *b = oeq ? oeq + 1 : other;
        int loc = eq ? (int)(eq - val) : 0;
        if (kind == DACC_CAS_OK) {
            snprintf(row, sizeof row, "* %s %.*s %s->%s", name, loc, val, a, b);
        } else {
            snprintf(row, sizeof row, "%s %.*s want %s, found %s FAIL", name, loc, val, a, b);
        }
    } else {
        size_t n = strlen(name);
        bool publish = kind == DACC_STORE && n > 8 && strcmp(name + n - 8, ".publish") == 0;
        snprintf(row, sizeof row, "%s%s %s", publish ? "* " : "", name, val);
    }
    if (note && note[0]) {
        size_t n = strlen(row);
        snprintf(row + n, sizeof row - n, " %s", note);
    }
    trace_row(t, step, done, row);
}

void trace_takeover(int t, uint64_t step, unsigned done, int number, const sched_decision *d,
                    int preempted) {
    if (!T.out) {
        return;
    }
    char who[16], what[64], row[128];
    snprintf(who, sizeof who, number > 0 ? "d%d" : "rng", number);
    switch (d->mode) {
    case SMODE_STEPS:
        snprintf(what, sizeof what, "steps %u", d->arg);
        break;
    case SMODE_UNTIL:
        snprintf(what, sizeof what, "until %s", runq_site_name((enum runq_site)d->arg));
        break;
    case SMODE_OP:
        snprintf(what, sizeof what, "op");
        break;
    default:
        snprintf(what, sizeof what, "ops %u", d->arg);
        break;
    }
    snprintf(row, sizeof row, "~~ %s: %s%s%s%s", who, what, preempted >= 0 ? " (preempts " : "",
             preempted >= 0 ? sched_thread_name(preempted) : "", preempted >= 0 ? ")" : "");
    trace_row(t, step, done, row);
}
