// report.c - the program's output lines and failure state: "!!!" failures (each naming an
// invariant), "???" suspicions, and everything else, one whole line at a time so that
// threads never interleave within a line.
#include "record.h"
#include "torture.h"

#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int failed;
static _Atomic uint64_t nerrors;
static char first_invariant[32];
static char first_message[512];
static int first_thread = -1, first_other = -1;
// What every thread was doing when the first failure was reported (the dump comes later,
// after the threads have stopped).
uint64_t stress_doing_at_failure[STRESS_MAX_THREADS];
static _Thread_local int noted_other = -1;

void stress_note_other(int thread) {
    noted_other = thread;
}

#define MAX_PRINTED_FAILURES 50

void stress_out(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&out_mu);
    vprintf(fmt, ap);
    fflush(stdout);
    pthread_mutex_unlock(&out_mu);
    va_end(ap);
}

void stress_wrap_start(struct stress_wrap *w, const char *label) {
    w->len = (size_t)snprintf(w->buf, sizeof w->buf, "%s", label);
    w->indent = w->len < 40 ? w->len + 1 : 4;
    w->items = 0;
}

void stress_wrap_item(struct stress_wrap *w, const char *fmt, ...) {
    char item[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item, sizeof item, fmt, ap);
    va_end(ap);
    size_t n = strlen(item);
    if (w->items > 0 && w->len + 1 + n > STRESS_LINE_MAX) {
        stress_out("%s\n", w->buf);
        memset(w->buf, ' ', w->indent);
        w->len = w->indent;
        w->items = 0;
    }
    bool sep = w->items > 0 || w->len != w->indent;
    w->len +=
        (size_t)snprintf(w->buf + w->len, sizeof w->buf - w->len, "%s%s", sep ? " " : "", item);
    if (w->len >= sizeof w->buf) {
        w->len = sizeof w->buf - 1;
    }
    w->items++;
}

void stress_wrap_end(struct stress_wrap *w) {
    if (w->items > 0) {
        stress_out("%s\n", w->buf);
    }
    w->items = 0;
}

// head and msg as lines of at most STRESS_LINE_MAX columns, broken at spaces; the next
// lines are indented, so a parser of the first line (invariant=ID) sees it unchanged. A
// word wider than a line (a long path) stays whole. The caller holds out_mu.
static void print_wrapped(const char *head, const char *msg) {
    char line[STRESS_LINE_MAX + 1];
    size_t len = (size_t)snprintf(line, sizeof line, "%s", head);
    size_t start = len;  // where the line's words begin (after the head, or the indent)
    bool pending = true; // the line has something to print (the first always does)
    for (const char *p = msg; *p;) {
        while (*p == ' ') {
            p++;
        }
        size_t word = strcspn(p, " ");
        if (word == 0) {
            break;
        }
        size_t sep = len > start ? 1 : 0;
        if (sep && len + sep + word > STRESS_LINE_MAX) {
            printf("%.*s\n", (int)len, line);
            memset(line, ' ', 4);
            len = start = 4;
            sep = 0;
        }
        if (len + sep + word > STRESS_LINE_MAX) { // a word wider than a line: whole, alone
            printf("%.*s%.*s\n", (int)len, line, (int)word, p);
            memset(line, ' ', 4);
            len = start = 4;
            pending = false;
        } else {
            line[len] = ' ';
            len += sep;
            memcpy(line + len, p, word);
            len += word;
            pending = true;
        }
        p += word;
    }
    if (pending) {
        printf("%.*s\n", (int)len, line);
    }
}

void stress_out_wrapped(const char *head, const char *msg) {
    pthread_mutex_lock(&out_mu);
    print_wrapped(head, msg);
    fflush(stdout);
    pthread_mutex_unlock(&out_mu);
}

void stress_warn(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    stress_out_wrapped("??? ", msg);
}

void stress_fail(int thread, enum inv_id id, const char *fmt, ...) {
    const char *invariant = inv_name(id);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&out_mu);
    uint64_t n = atomic_fetch_add(&nerrors, 1);
    if (!atomic_load(&failed)) {
        snprintf(first_invariant, sizeof first_invariant, "%s", invariant);
        snprintf(first_message, sizeof first_message, "%s", msg);
        first_thread = thread;
        first_other = noted_other;
        for (int i = 0; i < srun()->nthreads; i++) {
            stress_doing_at_failure[i] =
                atomic_load_explicit(&srun()->m[i].doing, memory_order_relaxed);
        }
        atomic_store(&failed, 1);
        record_freeze(); // --record: the recording ends at the first failure
    }
    if (n < MAX_PRINTED_FAILURES) {
        char head[128];
        if (thread >= 0) {
            snprintf(head, sizeof head, "!!! T%d invariant=%s: ", thread, invariant);
        } else {
            snprintf(head, sizeof head, "!!! invariant=%s: ", invariant);
        }
        print_wrapped(head, msg);
    } else if (n == MAX_PRINTED_FAILURES) {
        printf("!!! invariant=%s: more failures, not printed\n", invariant);
    }
    fflush(stdout);
    pthread_mutex_unlock(&out_mu);
    noted_other = -1;
    atomic_store(&srun()->stop, 1);
}

void stress_report_reset(void) {
    pthread_mutex_lock(&out_mu);
    atomic_store(&failed, 0);
    atomic_store(&nerrors, 0);
    first_invariant[0] = first_message[0] = 0;
    first_thread = first_other = -1;
    pthread_mutex_unlock(&out_mu);
    noted_other = -1;
}

bool stress_failed(void) {
    return atomic_load(&failed) != 0;
}

uint64_t stress_error_count(void) {
    return atomic_load(&nerrors);
}

// Read only after the run has stopped (or by the failing path itself, under out_mu's
// ordering): the first failure is written once.
const char *stress_first_invariant(void) {
    pthread_mutex_lock(&out_mu);
    pthread_mutex_unlock(&out_mu);
    return first_invariant;
}

int stress_first_thread(void) {
    pthread_mutex_lock(&out_mu);
    int t = first_thread;
    pthread_mutex_unlock(&out_mu);
    return t;
}

int stress_first_other(void) {
    pthread_mutex_lock(&out_mu);
    int t = first_other;
    pthread_mutex_unlock(&out_mu);
    return t;
}

const char *stress_first_message(void) {
    pthread_mutex_lock(&out_mu);
    pthread_mutex_unlock(&out_mu);
    return first_message;
}

// ---- sanitizer reports -----------------------------------------------------------------

// Every sanitizer calls this weak hook with its "SUMMARY: ..." line at the end of a report.
// It runs inside the sanitizer's runtime, with its locks held: no locks, no allocation, no
// stdio here. The first summary is kept for the monitor, which turns it into a failure.
//
// Nothing in it may call back into the sanitizer either. Under TSan an instrumented
// access here can need a new trace part, which waits for a trace reset that waits for
// this very report to end: the whole process hangs (seen 1 run in 25 on a loaded
// machine). So the function is not instrumented at all, and it writes by the raw system
// call, not through TSan's write() interceptor. The monitor's instrumented atomic read of
// san_state then sees a store TSan never saw: no happens-before for TSan, and none needed,
// since san_summary's writes are not instrumented either.
#if defined(__has_attribute)
#if __has_attribute(disable_sanitizer_instrumentation)
#define STRESS_NOT_INSTRUMENTED __attribute__((disable_sanitizer_instrumentation))
#endif
#endif
#ifndef STRESS_NOT_INSTRUMENTED
#define STRESS_NOT_INSTRUMENTED
#endif
static char san_summary[256];
static _Atomic int san_state; // 0 none, 1 being written, 2 written, 3 taken by the monitor

void __sanitizer_report_error_summary(const char *summary);
STRESS_NOT_INSTRUMENTED void __sanitizer_report_error_summary(const char *summary) {
    size_t n = 0;
    while (summary[n]) {
        n++;
    }
    // The default hook prints the summary; keep doing that.
    if (syscall(SYS_write, 2, summary, n) < 0 || syscall(SYS_write, 2, "\n", 1) < 0) {
        // nothing to do: stderr is gone
    }
    int expected = 0;
    if (atomic_compare_exchange_strong(&san_state, &expected, 1)) {
        size_t k = 0;
        for (; k < n && k + 1 < sizeof san_summary; k++) {
            san_summary[k] = summary[k];
        }
        san_summary[k] = 0;
        atomic_store(&san_state, 2); // seq_cst: the text is complete before the monitor sees 2
    }
}

bool stress_sanitizer_report(enum inv_id *invariant, char *summary, size_t slen) {
    int expected = 2;
    if (!atomic_compare_exchange_strong(&san_state, &expected, 3)) {
        return false;
    }
    enum inv_id id = INV_SANITIZER;
    if (strstr(san_summary, "ThreadSanitizer")) {
        id = strstr(san_summary, "data race") ? INV_TSAN_RACE : INV_TSAN_REPORT;
    } else if (strstr(san_summary, "LeakSanitizer")) {
        id = INV_LSAN_LEAK;
    } else if (strstr(san_summary, "AddressSanitizer")) {
        id = INV_ASAN_ERROR;
    } else if (strstr(san_summary, "UndefinedBehaviorSanitizer")) {
        id = INV_UBSAN;
    }
    *invariant = id;
    snprintf(summary, slen, "%s", san_summary);
    return true;
}
