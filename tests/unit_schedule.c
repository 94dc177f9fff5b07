// unit_schedule.c - the schedule format: text and bytes convert both ways, the byte
// decoder is total and canonical, parse errors name the line and what was expected.
//
//   unit_schedule FILE.txt...   (the committed text schedules, for the round trip)
#include "runq_sites.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed, passed;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "!!! invariant=schedule-format %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static char *print_to_string(const schedule *s) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    schedule_print_text(s, f);
    fclose(f);
    return buf;
}

// text -> struct -> bytes -> struct -> text: the same text.
static void round_trip_file(const char *path) {
    static schedule a, b;
    char err[512];
    int rc = schedule_load_file(path, &a, err, sizeof err);
    EXPECT(rc == 0, "%s: %s", path, err);
    if (rc != 0) {
        return;
    }
    static uint8_t bytes[SCHED_MAX_BYTES];
    size_t n = schedule_encode(&a, bytes, sizeof bytes);
    schedule_decode(bytes, n, &b);
    char *ta = print_to_string(&a), *tb = print_to_string(&b);
    EXPECT(strcmp(ta, tb) == 0, "%s: text -> bytes -> text differs:\n%s---\n%s", path, ta, tb);
    // and the printed text parses back to the same
    static schedule c;
    rc = schedule_parse_text(ta, strlen(ta), "printed", &c, err, sizeof err);
    char *tc = rc == 0 ? print_to_string(&c) : NULL;
    EXPECT(rc == 0 && strcmp(ta, tc) == 0, "%s: printed text does not parse back: %s", path,
           rc ? err : "differs");
    free(ta);
    free(tb);
    free(tc);
}

// Random bytes: decoding never fails, and re-encoding is canonical (decode(encode(s)) = s).
static void random_bytes(void) {
    uint64_t x = 88172645463325252ull;
    static uint8_t in[SCHED_MAX_BYTES], out[SCHED_MAX_BYTES];
    static schedule a, b;
    int bad = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)(x % 400);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            in[i] = (uint8_t)x;
        }
        schedule_decode(in, n, &a);
        bad += a.nthreads < 1 || a.nthreads > 4 || (a.cap != 4 && a.cap != 8 && a.cap != 256);
        for (int t = 0; t < a.nthreads; t++) {
            for (int k = 0; k < a.nops[t]; k++) {
                const sched_op *op = &a.ops[t][k];
                bool victim =
                    op->kind == SOP_STEAL || op->kind == SOP_STEALNEXT || op->kind == SOP_EMPTY;
                bad += op->n < 1 || op->n > 256 ||
                       (victim && (op->target == t || op->target >= a.nthreads));
            }
        }
        size_t m = schedule_encode(&a, out, sizeof out);
        schedule_decode(out, m, &b);
        char *ta = print_to_string(&a), *tb = print_to_string(&b);
        bad += strcmp(ta, tb) != 0;
        free(ta);
        free(tb);
        x += (uint64_t)iter;
    }
    EXPECT(bad == 0, "%d random inputs broke a precondition or were not canonical", bad);
}

// One byte changed -> one op or one decision changed (locality).
static void locality(void) {
    static uint8_t in[SCHED_FIXED_BYTES + 40];
    static schedule a, b;
    for (size_t i = 0; i < sizeof in; i++) {
        in[i] = (uint8_t)(i * 37 + 11);
    }
    in[0] = 3;                          // 4 threads
    in[SCHED_HEADER_BYTES + 2 * 5] = 1; // thread 0's op 5 is a put
    schedule_decode(in, sizeof in, &a);
    in[SCHED_HEADER_BYTES + 2 * 5 + 1] ^= 0x10; // one op's count
    schedule_decode(in, sizeof in, &b);
    int diff = 0;
    for (int t = 0; t < 4; t++) {
        for (int k = 0; k < a.nops[t] && k < b.nops[t]; k++) {
            diff += memcmp(&a.ops[t][k], &b.ops[t][k], sizeof a.ops[t][k]) != 0;
        }
    }
    EXPECT(diff == 1 && a.ndecisions == b.ndecisions, "changing one op byte changed %d ops", diff);
}

static void parse_errors(void) {
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "x:1: empty file"},
        {"hello\n", "x:1: expected 'runq-schedule v1'"},
        {"runq-schedule v9\n", "x:1: unsupported version 'v9'"},
        {"runq-schedule v1\ncapacity 5\n", "x:2: expected capacity 4, 8 or 256"},
        {"runq-schedule v1\nthreads 9\n", "x:2: expected a thread count (1..4), found '9'"},
        {"runq-schedule v1\nthreads 2\nthread thief2\n", "x:3: expected a thread name"},
        {"runq-schedule v1\nthread owner\n  put 0\n", "x:3: expected a count (1..256), found '0'"},
        {"runq-schedule v1\nthread owner\n  juggle 3\n", "x:3: expected an operation"},
        {"runq-schedule v1\nthreads 2\nthread owner\n  steal owner\n",
         "x:4: expected another thread's name after 'steal'"},
        {"runq-schedule v1\ndecisions\n  run owner until nowhere\n",
         "x:3: expected a site name such as runqgrab.head, found 'nowhere'"},
        {"runq-schedule v1\ndecisions\n  walk owner\n", "x:3: expected 'run THREAD"},
        {"runq-schedule v1\nstart 5000\n", "x:2: start index must be < 128 or >= 4294967168"},
        {"runq-schedule v1\ngo 2.0\n", "x:2: expected 'go 1.19' or 'go master', found '2.0'"},
        {"runq-schedule v1\nsysmon off\n", "x:2: 'sysmon' needs 'go master' before it"},
        {"runq-schedule v1\ngo master\nsysmon off\ngo 1.19\n",
         "x:4: 'sysmon off' is for Go master only"},
        {"runq-schedule v1\nthread owner\n  syscall\n", "x:3: 'syscall' needs 'go master'"},
        {"runq-schedule v1\ndecisions\n  run owner until runqgrab.gstatus\n",
         "x:3: site runqgrab.gstatus exists only in Go master's port"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static schedule s;
        char err[512] = "";
        int rc =
            schedule_parse_text(cases[i].text, strlen(cases[i].text), "x", &s, err, sizeof err);
        EXPECT(rc == -1 && strncmp(err, cases[i].want, strlen(cases[i].want)) == 0,
               "case %zu: got rc %d, '%s'; want '%s...'", i, rc, err, cases[i].want);
    }
}

// The Go version: header byte 7 'M' is master, anything else 1.19 (every older byte
// schedule); master's extras (sysmon off, syscall, its sites) survive bytes <-> text.
static void versions(void) {
    static uint8_t in[SCHED_FIXED_BYTES + 4], out[SCHED_MAX_BYTES];
    static schedule a, b;
    memset(in, 0, sizeof in);
    in[0] = 1;                                                   // 2 threads
    in[3] = 0x20;                                                // bit5: no sysmon (master)
    in[SCHED_HEADER_BYTES] = (uint8_t)(SOP_RUNNING + SOP_COUNT); // running, target 1
    in[SCHED_FIXED_BYTES] = 4;                                   // run owner until ...
    in[SCHED_FIXED_BYTES + 1] = (uint8_t)RQ_SITE_COUNT_V119;     // the first master site
    for (int v = 0; v < 256; v++) {
        in[7] = (uint8_t)v;
        schedule_decode(in, sizeof in, &a);
        bool master = v == SCHED_VERSION_BYTE;
        EXPECT(a.version == (master ? SVER_MASTER : SVER_119), "byte7=%d: version %d", v,
               a.version);
        EXPECT(((a.flags & SFLAG_NOSYSMON) != 0) == master &&
                   (a.ops[0][0].target == SCHED_SYSCALL) == master &&
                   (a.dec[0].arg == RQ_SITE_COUNT_V119) == master,
               "byte7=%d: master-only meanings %s", v, master ? "lost" : "leaked into 1.19");
    }
    in[7] = SCHED_VERSION_BYTE;
    schedule_decode(in, sizeof in, &a);
    char *ta = print_to_string(&a);
    EXPECT(strstr(ta, "go master\n") && strstr(ta, "sysmon off\n") && strstr(ta, "  syscall\n") &&
               strstr(ta, "until runqgrab.m\n"),
           "master text lacks its header or extras:\n%s", ta);
    size_t m = schedule_encode(&a, out, sizeof out);
    schedule_decode(out, m, &b);
    char *tb = print_to_string(&b);
    static schedule c;
    char err[256] = "";
    int rc = schedule_parse_text(ta, strlen(ta), "t", &c, err, sizeof err);
    char *tc = rc == 0 ? print_to_string(&c) : NULL;
    EXPECT(strcmp(ta, tb) == 0 && tc && strcmp(ta, tc) == 0 && out[7] == SCHED_VERSION_BYTE,
           "master schedule does not round-trip (%s)", err);
    schedule_set_version(&c, SVER_119);
    EXPECT(c.version == SVER_119 && !(c.flags & SFLAG_NOSYSMON) && c.ops[0][0].target == 0 &&
               c.dec[0].mode == SMODE_OP,
           "--go 1.19 kept master-only items");
    free(ta);
    free(tb);
    free(tc);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        round_trip_file(argv[i]);
    }
    random_bytes();
    locality();
    parse_errors();
    versions();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
