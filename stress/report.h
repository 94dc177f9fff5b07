// report.h - output lines and the failure state (report.c), and the failure files
// written from the library (chrome_dump.c).
#ifndef STRESS_REPORT_H
#define STRESS_REPORT_H

#include "invariants.h"
#include "params.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// stress_fail reports a broken invariant (an id of the registry, harness/invariants.def): a
// "!!!" line with invariant=<id>, and ends the run. Thread-safe; every failure is printed
// (up to a limit), the first is the verdict.
void stress_fail(int thread, enum inv_id invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void stress_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void stress_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool stress_failed(void);
// The widest line the run prints (the reproduce: line and the hints that hold a command
// are the exceptions: a command is as long as its paths make it).
#define STRESS_LINE_MAX 160
// A wrapped line of "key: value" items (the banner, the stats): the first line starts with
// its label, the next ones with as many spaces; none is wider than STRESS_LINE_MAX.
struct stress_wrap {
    char buf[2048]; // an item wider than a line (a long path) goes on a line of its own
    size_t len;
    size_t indent;
    int items; // on the current line
};
// stress_out_wrapped prints head and msg wrapped at STRESS_LINE_MAX at spaces, the next
// lines indented by 4 (the "!!!" and "???" lines).
void stress_out_wrapped(const char *head, const char *msg);
void stress_wrap_start(struct stress_wrap *w, const char *label);
void stress_wrap_item(struct stress_wrap *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void stress_wrap_end(struct stress_wrap *w);
// stress_report_reset forgets every failure so far (unit tests, one check after another).
void stress_report_reset(void);
// The other thread a failure involves (the previous holder), noted before stress_fail.
void stress_note_other(int thread);
int stress_first_thread(void);                               // -1: the monitor (audits, watchdog)
extern uint64_t stress_doing_at_failure[STRESS_MAX_THREADS]; // doing words, first failure
int stress_first_other(void);                                // -1: none
const char *stress_first_invariant(void);
const char *stress_first_message(void);
uint64_t stress_error_count(void);
// A sanitizer's report, seen through __sanitizer_report_error_summary (report.c): the
// monitor turns it into a failure, so a sanitizer that lets the program go on still gets
// the dump and the files. Returns false if none is pending.
bool stress_sanitizer_report(enum inv_id *invariant, char *summary, size_t slen);

// Reads of state that a failed thread may still hold under sched.lock: after a failure the
// dump reads without the lock. Under TSan they are marked, so the failure path does not
// add race reports of its own (the queue's races are reported where they happen).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_TSAN 1
// write_chrome_dump writes <fail_file>.trace.json, the failure as a Chrome trace
// (chrome_dump.c). 0 on success.
int write_chrome_dump(const char *fail_file);

#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define STRESS_TSAN 1
// write_chrome_dump writes <fail_file>.trace.json, the failure as a Chrome trace
// (chrome_dump.c). 0 on success.
int write_chrome_dump(const char *fail_file);

#endif
#ifdef STRESS_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define LOCKLESS_READS_BEGIN() AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define LOCKLESS_READS_END() AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define LOCKLESS_READS_BEGIN() ((void)0)
#define LOCKLESS_READS_END() ((void)0)
// write_chrome_dump writes <fail_file>.trace.json, the failure as a Chrome trace
// (chrome_dump.c). 0 on success.
int write_chrome_dump(const char *fail_file);

#endif

// write_chrome_dump writes <fail_file>.trace.json, the failure as a Chrome trace
// (chrome_dump.c). 0 on success.
int write_chrome_dump(const char *fail_file);

#endif
