// chrome_trace.c - see chrome_trace.h.
//
// The file is one JSON object, {"traceEvents":[...], "otherData":{...}}, one event per
// line. An op's slice is named after its result ("runqsteal owner -> G3"), known only when
// it ends, so each thread's events inside an op are held in a buffer and written out, after
// the op's "B", when it ends: within a track the file stays in time order, which the
// validator (ci/check_chrome_trace.py) checks along with B/E pairing.
#include "chrome_trace.h"
#include "json_out.h"

#include "schedule.h"

#include <stdlib.h>
#include <string.h>

#define PID 1
#define ARROW " \xe2\x86\x92 " // U+2192

typedef struct ctrack {
    FILE *buf; // events inside the open op (NULL: none open)
    char *mem;
    size_t len;
    char what[96];
    char result[128];
    uint64_t begin;
    bool lock_open;
} ctrack;

static struct {
    FILE *out;
    int n;
    bool error;
    ctrack tr[SCHED_MAX_THREADS];
    // Last counter values written (-1: none yet).
    int64_t ring[SCHED_MAX_THREADS], next[SCHED_MAX_THREADS], glob;
} C;

bool ctrace_on(void) {
    return C.out != NULL;
}

// Where thread t's events go now: its op buffer, or the file.
static FILE *sink(int t) {
    return t >= 0 && t < C.n && C.tr[t].buf ? C.tr[t].buf : C.out;
}

// Event header up to and including the name: ,\n{"ph":"X","pid":1,"tid":T,"ts":S,"name":N
static void ev(FILE *f, const char *ph, int t, uint64_t ts, const char *name) {
    fprintf(f, ",\n{\"ph\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":%llu,\"name\":", ph, PID, t + 1,
            (unsigned long long)ts);
    json_string(f, name);
}

void ctrace_begin(FILE *f, int nthreads, const char *title) {
    memset(&C, 0, sizeof C);
    C.out = f;
    C.n = nthreads < SCHED_MAX_THREADS ? nthreads : SCHED_MAX_THREADS;
    C.glob = -1;
    for (int i = 0; i < SCHED_MAX_THREADS; i++) {
        C.ring[i] = C.next[i] = -1;
    }
    fprintf(f,
            "{\"traceEvents\":[\n{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\","
            "\"args\":{\"name\":",
            PID);
    json_string(f, title);
    fprintf(f, "}}");
    for (int t = 0; t < C.n; t++) {
        fprintf(f,
                ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\","
                "\"args\":{\"name\":\"%s\"}}",
                PID, t + 1, sched_thread_name(t));
        fprintf(f,
                ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_sort_index\","
                "\"args\":{\"sort_index\":%d}}",
                PID, t + 1, t);
    }
}

static void close_lock(int t, uint64_t step) {
    ctrack *k = &C.tr[t];
    if (k->lock_open) {
        ev(sink(t), "E", t, step, "sched.lock");
        fputs("}", sink(t));
        k->lock_open = false;
    }
}

void ctrace_op_begin(int t, uint64_t step, const char *what) {
    if (!C.out || t < 0 || t >= C.n) {
        return;
    }
    ctrack *k = &C.tr[t];
    if (k->buf) {
        ctrace_op_end(t, step, "(no end)");
    }
    snprintf(k->what, sizeof k->what, "%s", what);
    k->result[0] = 0;
    k->begin = step;
    k->mem = NULL;
    k->len = 0;
    k->buf = open_memstream(&k->mem, &k->len);
    if (!k->buf) {
        C.error = true;
    }
}

void ctrace_op_end(int t, uint64_t step, const char *result) {
    if (!C.out || t < 0 || t >= C.n) {
        return;
    }
    ctrack *k = &C.tr[t];
    close_lock(t, step);
    if (!k->buf) {
        return;
    }
    fclose(k->buf);
    k->buf = NULL;
    if (k->result[0] == 0) {
        snprintf(k->result, sizeof k->result, "%s", result);
    }
    char name[256];
    snprintf(name, sizeof name, "%s" ARROW "%s", k->what, k->result);
    // An op that took no step is an instant: a zero-length slice followed by one that begins
    // at the same time confuses viewers (speedscope nests them).
    bool empty = step == k->begin;
    // No args: the name says it all, and speedscope would append them to every frame's name.
    ev(C.out, empty ? "i" : "B", t, k->begin, name);
    fputs(empty ? ",\"s\":\"t\",\"cat\":\"op\"}" : ",\"cat\":\"op\"}", C.out);
    if (k->mem) {
        fwrite(k->mem, 1, k->len, C.out);
    }
    free(k->mem);
    k->mem = NULL;
    if (!empty) {
        ev(C.out, "E", t, step, name);
        fputs("}", C.out);
    }
}

void ctrace_access(int t, uint64_t step, const char *site, const char *what, const char *value,
                   const char *kind) {
    if (!C.out) {
        return;
    }
    FILE *f = sink(t);
    ev(f, "i", t, step, site);
    fprintf(f, ",\"s\":\"t\",\"cat\":\"seam\",\"args\":{\"site\":");
    json_string(f, site);
    fputs(",\"value\":", f);
    json_string(f, value);
    fputs(",\"kind\":", f);
    json_string(f, kind);
    fprintf(f, ",\"order\":%llu,\"what\":", (unsigned long long)step);
    json_string(f, what);
    fputs("}}", f);
}

void ctrace_instant(int t, uint64_t step, const char *name) {
    if (!C.out) {
        return;
    }
    ev(sink(t), "i", t, step, name);
    fputs(",\"s\":\"t\"}", sink(t));
}

void ctrace_lock(int t, uint64_t step, bool acquired) {
    if (!C.out || t < 0 || t >= C.n) {
        return;
    }
    if (acquired) {
        close_lock(t, step);
        ev(sink(t), "B", t, step, "sched.lock");
        fputs(",\"cat\":\"lock\"}", sink(t));
        C.tr[t].lock_open = true;
    } else {
        close_lock(t, step);
    }
}

void ctrace_preempt(int from, int to, uint64_t step, int decision, const char *how) {
    if (!C.out || from < 0 || from >= C.n) {
        return;
    }
    char name[96];
    if (decision > 0) {
        snprintf(name, sizeof name, "preempted" ARROW "%s (decision %d)", sched_thread_name(to),
                 decision);
    } else {
        snprintf(name, sizeof name, "preempted" ARROW "%s (%s)", sched_thread_name(to), how);
    }
    FILE *f = sink(from);
    ev(f, "i", from, step, name);
    fprintf(f, ",\"s\":\"t\",\"cat\":\"sched\",\"args\":{\"to\":\"%s\",\"decision\":%d,\"by\":",
            sched_thread_name(to), decision);
    json_string(f, how);
    fputs("}}", f);
}

static void counter(uint64_t step, const char *name, int64_t v) {
    fprintf(C.out, ",\n{\"ph\":\"C\",\"pid\":%d,\"ts\":%llu,\"name\":", PID,
            (unsigned long long)step);
    json_string(C.out, name);
    fprintf(C.out, ",\"args\":{\"value\":%lld}}", (long long)v);
}

void ctrace_counters(uint64_t step, int np, const uint32_t *ring_len, const bool *has_next,
                     int glob_len) {
    if (!C.out) {
        return;
    }
    char name[48];
    for (int pi = 0; pi < np && pi < SCHED_MAX_THREADS; pi++) {
        if (C.ring[pi] != (int64_t)ring_len[pi]) {
            C.ring[pi] = ring_len[pi];
            snprintf(name, sizeof name, "P%d ring length", pi);
            counter(step, name, C.ring[pi]);
        }
        if (C.next[pi] != (int64_t)has_next[pi]) {
            C.next[pi] = has_next[pi];
            snprintf(name, sizeof name, "P%d runnext set", pi);
            counter(step, name, C.next[pi]);
        }
    }
    if (C.glob != glob_len) {
        C.glob = glob_len;
        counter(step, "global queue size", C.glob);
    }
}

void ctrace_fail(int t, uint64_t step, const char *invariant, const char *message) {
    if (!C.out) {
        return;
    }
    char name[96];
    snprintf(name, sizeof name, "!!! invariant=%s", invariant);
    if (t >= 0 && t < C.n && C.tr[t].buf) {
        snprintf(C.tr[t].result, sizeof C.tr[t].result, "!!! %s", invariant);
    }
    // Global scope: drawn across every track, so it goes straight to the file.
    fprintf(C.out, ",\n{\"ph\":\"i\",\"s\":\"g\",\"pid\":%d,\"tid\":%d,\"ts\":%llu,\"name\":", PID,
            t >= 0 ? t + 1 : 0, (unsigned long long)step);
    json_string(C.out, name);
    fputs(",\"cat\":\"failure\",\"args\":{\"invariant\":", C.out);
    json_string(C.out, invariant);
    fputs(",\"thread\":", C.out);
    json_string(C.out, t >= 0 ? sched_thread_name(t) : "end");
    fprintf(C.out, ",\"step\":%llu,\"message\":", (unsigned long long)step);
    json_string(C.out, message);
    fputs("}}", C.out);
}

int ctrace_end(uint64_t step) {
    if (!C.out) {
        return 0;
    }
    for (int t = 0; t < C.n; t++) {
        if (C.tr[t].buf) {
            ctrace_op_end(t, step, "(not finished)");
        }
    }
    fprintf(C.out, "\n],\n\"otherData\":{\"format\":\"runq chrome trace v1\","
                   "\"time\":\"1 us = 1 step of the deterministic engine\"}}\n");
    int rc = C.error || ferror(C.out) ? -1 : 0;
    C.out = NULL;
    return rc;
}
