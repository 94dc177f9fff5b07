// trace.c - see trace.h.
#include "trace.h"

#include "dsched.h"

#include <stdlib.h>
#include <string.h>

// A row is kept as a record "t\x1fstep\x1fdone\x1ftext\x1fstate\n" until the end of the run:
// the columns are sized to their widest cell, known only then.
#define SEP '\x1f'

static struct {
    FILE *out;
    bool steps;
    int n;
    trace_state_fn state;
    trace_value_fn value;
    // The op being folded: its thread (-1: none), what it is, its rows so far, and whether
    // it must be shown unfolded (it read a stale value).
    int fold_t;
    bool fold_keep;
    char fold_what[64];
    uint64_t fold_first;
    size_t len;  // bytes in fold_buf
    size_t rlen; // bytes in rows
    // Column widths of what was printed already (a trace too long for rows is printed in
    // parts; a later part's columns are never narrower).
    size_t width[SCHED_MAX_THREADS];
    bool header_done;
    unsigned shown_done; // threads whose "-- done" was printed
} T = {.fold_t = -1};

// The rows of the op being folded, and every row not printed yet. Fixed buffers filled by a
// plain byte loop, not memstreams: rows are written inside fibers and printed by the main
// context, and libc's allocations there would be races to ThreadSanitizer (fibers switch
// without synchronising). An op whose rows do not fit is printed unfolded, the same in
// every build.
static char fold_buf[1 << 20];
static char rows[1 << 24];

// Copies with plain stores (never through an intercepted libc call: see fold_buf).
static void copy_plain(char *dst, size_t size, const char *src) {
    volatile char *d = dst;
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++) {
        d[i] = src[i];
    }
    d[i] = 0;
}

static void append_plain(char *buf, size_t *len, const char *src, size_t n) {
    volatile char *dst = buf + *len; // volatile: no memcpy call for TSan to intercept
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
    *len += n;
}

bool trace_on(void) {
    return T.out != NULL;
}

// One parsed record; text and state point into the record (not terminated: their lengths).
typedef struct {
    int t;
    unsigned long long step;
    unsigned done;
    const char *text, *state;
    int tlen, slen;
    const char *next;
} record;

static bool parse_record(const char *p, const char *end, record *r) {
    if (p >= end) {
        return false;
    }
    char *q;
    r->t = (int)strtol(p, &q, 10);
    r->step = strtoull(q + 1, &q, 10);
    r->done = (unsigned)strtoul(q + 1, &q, 10);
    r->text = q + 1;
    const char *s = memchr(r->text, SEP, (size_t)(end - r->text));
    r->tlen = (int)(s - r->text);
    r->state = s + 1;
    const char *nl = memchr(r->state, '\n', (size_t)(end - r->state));
    r->slen = (int)(nl - r->state);
    r->next = nl + 1;
    return true;
}

static const char *cell_of(const record *r, int i, unsigned newly, int *len) {
    const char *c = i == r->t            ? r->text
                    : (newly >> i & 1)   ? "-- done"
                    : (r->done >> i & 1) ? ""
                                         : ".";
    *len = i == r->t ? r->tlen : (int)strlen(c);
    return c;
}

static void print_header(void) {
    fprintf(T.out, "%6s ", "step");
    for (int i = 0; i < T.n; i++) {
        fprintf(T.out, " %-*s", (int)T.width[i], sched_thread_name(i));
    }
    fprintf(T.out, " | queues: P<id>[head,tail) slots next=runnext; glob[n] the global queue\n");
    fprintf(T.out,
            "%6s  legend: > op begins, < op ends (what it did), * commit point (a publish or a "
            "successful CAS), !!! a failure\n",
            "");
    fprintf(T.out,
            "%6s  ~~ dN decision N takes over; <sN a load read the store of step N (s0: the "
            "initial value), ~K by dN: K stores stale, asked by decision N\n",
            "");
    fprintf(T.out,
            "%6s  . idle; -- done the thread has finished its ops (its column is blank after)%s\n",
            "", T.steps ? "" : "; an op that ran alone is one row (--steps: every step)");
}

// Prints the rows kept so far, each column as wide as its widest cell.
static void print_rows(void) {
    const char *end = rows + T.rlen;
    record r;
    unsigned shown = T.shown_done;
    for (const char *p = rows; parse_record(p, end, &r); p = r.next) {
        unsigned newly = r.done & ~shown & ~(1u << r.t);
        shown |= newly;
        for (int i = 0; i < T.n; i++) {
            int len;
            cell_of(&r, i, newly, &len);
            if ((size_t)len > T.width[i]) {
                T.width[i] = (size_t)len;
            }
        }
    }
    if (!T.header_done) {
        print_header();
        T.header_done = true;
    }
    for (const char *p = rows; parse_record(p, end, &r); p = r.next) {
        unsigned newly = r.done & ~T.shown_done & ~(1u << r.t);
        T.shown_done |= newly;
        fprintf(T.out, "%6llu ", r.step);
        for (int i = 0; i < T.n; i++) {
            int len;
            const char *c = cell_of(&r, i, newly, &len);
            fprintf(T.out, " %.*s%*s", len, c, (int)T.width[i] - len, "");
        }
        fprintf(T.out, " | %.*s\n", r.slen, r.state);
    }
    T.rlen = 0;
}

void trace_start(FILE *out, bool steps, int nthreads, trace_state_fn state, trace_value_fn value) {
    trace_flush();
    T.value = value;
    T.out = out;
    T.steps = steps;
    T.n = nthreads;
    T.state = state;
    T.header_done = false;
    T.shown_done = 0;
    T.fold_keep = false;
    for (int i = 0; i < nthreads; i++) {
        T.width[i] = strlen(sched_thread_name(i));
    }
}

// Keeps n bytes of rows, printing what is kept first when they do not fit.
static void keep_rows(const char *src, size_t n) {
    if (T.rlen + n > sizeof rows) {
        print_rows();
    }
    if (n <= sizeof rows) {
        append_plain(rows, &T.rlen, src, n);
    }
}

static void fold_close(bool print) {
    if (T.fold_t < 0) {
        return;
    }
    if (print) {
        keep_rows(fold_buf, T.len);
    }
    T.len = 0;
    T.fold_t = -1;
    T.fold_keep = false;
}

void trace_flush(void) {
    fold_close(true);
    if (T.out && T.rlen > 0) {
        print_rows();
    }
}

void trace_keep_op(void) {
    T.fold_keep = true;
}

void trace_row(int t, uint64_t step, unsigned done, const char *text) {
    if (!T.out) {
        return;
    }
    if (T.fold_t >= 0 && T.fold_t != t) {
        fold_close(true); // another thread steps: the op did not run alone
    }
    char state[768], row[1024];
    T.state(state, sizeof state);
    int k = snprintf(row, sizeof row, "%d%c%llu%c%u%c%s%c%s\n", t, SEP, (unsigned long long)step,
                     SEP, done, SEP, text, SEP, state);
    if (k <= 0) {
        return;
    }
    size_t n = (size_t)k < sizeof row ? (size_t)k : sizeof row - 1;
    row[n - 1] = '\n'; // a truncated record still ends its line
    if (T.fold_t == t && T.len + n > sizeof fold_buf) {
        fold_close(true); // too long to fold: printed as it is
    }
    if (T.fold_t == t) {
        append_plain(fold_buf, &T.len, row, n);
    } else {
        keep_rows(row, n);
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
    if (T.fold_t == t && T.fold_keep) {
        fold_close(true); // a stale read inside: every step of it is shown
    }
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
