// unit_schedule.c - the schedule format: text and bytes convert both ways, the byte
// decoder is total and canonical, parse errors name the line and what was expected.
//
//   unit_schedule FILE.txt...   (the committed text schedules, for the round trip)
#include "op_rules.h"
#include "runq_sites.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNIT_NAME "unit_schedule"
#include "expect.h"

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

// Every parse error path: its message names the line and what was expected. The error
// buffer starts as garbage, so a path that forgets to write it shows.
static void parse_errors(void) {
    static char longline[700];
    memset(longline, 'x', sizeof longline - 1);
    memcpy(longline, "runq-schedule v1\n", 17);
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"", "x:1: empty file: expected 'runq-schedule v1'"},
        {"\n  \n# only a comment\n", "x:3: empty file: expected 'runq-schedule v1'"},
        {"hello\n", "x:1: expected 'runq-schedule v1' as the first line, found 'hello'"},
        {"runq-schedule v9\n", "x:1: unsupported version 'v9' (this build reads v1 and v2)"},
        {"runq-schedule\n", "x:1: unsupported version '' (this build reads v1 and v2)"},
        {"runq-schedule v1 extra\n", "x:1: unexpected 'extra' after 'runq-schedule v1'"},
        {"runq-schedule v1\ncapacity 5\n", "x:2: expected capacity 4, 8 or 256, found '5'"},
        {"runq-schedule v1\ncapacity\n", "x:2: expected capacity 4, 8 or 256, found 'end of line'"},
        {"runq-schedule v1\ncapacity 0x8\n", "x:2: expected capacity 4, 8 or 256, found '0x8'"},
        {"runq-schedule v1\nthreads 9\n", "x:2: expected a thread count (1..8), found '9'"},
        {"runq-schedule v1\nthreads\n", "x:2: expected a thread count (1..8), found end of line"},
        {"runq-schedule v1\nthreads 2 3\n", "x:2: unexpected '3' after 'threads 2'"},
        {"runq-schedule v1\nstart 5000\n", "x:2: start index must be < 128 or >= 4294967168"},
        {"runq-schedule v1\nstart -1\n", "x:2: expected a start index (0..4294967295), found '-1'"},
        {"runq-schedule v1\nseed 70000\n", "x:2: expected a seed (0..65535), found '70000'"},
        {"runq-schedule v1\nprefill 256\n", "x:2: expected a prefill count (0..255), found '256'"},
        {"runq-schedule v1\nrandomize yes\n", "x:2: unexpected 'yes' after 'randomize'"},
        {"runq-schedule v1\nstrategy dfs\n",
         "x:2: expected 'strategy decisions', 'strategy pct D' or 'strategy pct D within'"},
        {"runq-schedule v1\nstrategy pct 2 within 3\n",
         "x:2: unexpected '3' after 'strategy pct 2 within'"},
        {"runq-schedule v1\nstrategy pct within\n",
         "x:2: expected a PCT depth (1..8), found 'within'"},
        {"runq-schedule v1\nstrategy pct 9\n", "x:2: expected a PCT depth (1..8), found '9'"},
        {"runq-schedule v1\nstrategy pct 2 3\n", "x:2: unexpected '3' after 'strategy pct 2'"},
        {"runq-schedule v1\ncolour blue\n", "x:2: expected a header item (go, threads, capacity"},
        {"runq-schedule v1\nthreads 2\nthread thief2\n",
         "x:3: expected a thread name (owner, thief1..thief1), found 'thief2'"},
        {"runq-schedule v1\nthread\n",
         "x:2: expected a thread name (owner, thief1..thief0), found ''"},
        {"runq-schedule v1\nthread owner\nthread owner\n", "x:3: thread owner declared twice"},
        {"runq-schedule v1\nthread owner now\n", "x:2: unexpected 'now' after 'thread owner'"},
        {"runq-schedule v1\nthread owner\n  put 0\n", "x:3: expected a count (1..256), found '0'"},
        {"runq-schedule v1\nthread owner\n  put\n",
         "x:3: expected a count (1..256), found end of line"},
        {"runq-schedule v1\nthread owner\n  put 3 4\n", "x:3: unexpected '4' after 'put 3'"},
        {"runq-schedule v1\nthread owner\n  drain 2\n", "x:3: unexpected '2' after 'drain'"},
        {"runq-schedule v1\nthread owner\n  juggle 3\n",
         "x:3: expected an operation (put, putnext"},
        {"runq-schedule v1\nthread owner\n put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n"
         " put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n put 1\n",
         "x:19: more than 16 operations for thread owner"},
        {"runq-schedule v1\nthreads 2\nthread owner\n  steal owner\n",
         "x:4: expected another thread's name after 'steal', found 'owner'"},
        {"runq-schedule v1\nthreads 2\nthread owner\n  steal thief1 now\n",
         "x:4: unexpected 'now' after 'steal thief1'"},
        {"runq-schedule v1\ndecisions\n  walk owner\n",
         "x:3: expected 'run THREAD steps N|until SITE|op|ops N', found 'walk'"},
        {"runq-schedule v1\ndecisions\n  run thief1 op\n",
         "x:3: expected a thread name after 'run', found 'thief1'"},
        {"runq-schedule v1\ndecisions\n  run owner steps 33\n",
         "x:3: expected a step count (1..32), found '33'"},
        {"runq-schedule v1\ndecisions\n  run owner until nowhere\n",
         "x:3: expected a site name such as runqgrab.head, found 'nowhere'"},
        {"runq-schedule v1\ndecisions\n  run owner until\n",
         "x:3: expected a site name such as runqgrab.head, found ''"},
        {"runq-schedule v1\ndecisions\n  run owner ops 9\n",
         "x:3: expected an operation count (1..8), found '9'"},
        {"runq-schedule v1\ndecisions\n  run owner fast\n",
         "x:3: expected 'steps N', 'until SITE', 'op' or 'ops N' after 'run owner', found 'fast'"},
        {"runq-schedule v1\ndecisions\n  run owner op 2\n",
         "x:3: unexpected '2' after 'run owner op'"},
        {"runq-schedule v1\ndecisions\n  run owner steps 2 3\n",
         "x:3: unexpected '3' after 'run owner steps 2'"},
        {longline, "x:2: line longer than 511 characters"},
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
        char err[512];
        memset(err, 'P', sizeof err - 1); // garbage, as an uninitialised buffer would hold
        err[sizeof err - 1] = 0;
        int rc =
            schedule_parse_text(cases[i].text, strlen(cases[i].text), "x", &s, err, sizeof err);
        EXPECT(rc == -1 && strncmp(err, cases[i].want, strlen(cases[i].want)) == 0,
               "case %zu: got rc %d, '%s'; want '%s...'", i, rc, err, cases[i].want);
    }
    // Too many decisions.
    static char many[32 + 16 * (SCHED_MAX_DECISIONS + 1)];
    size_t off = (size_t)snprintf(many, sizeof many, "runq-schedule v1\ndecisions\n");
    for (int k = 0; k <= SCHED_MAX_DECISIONS; k++) {
        off += (size_t)snprintf(many + off, sizeof many - off, "run owner op\n");
    }
    static schedule s;
    char err[512];
    int rc = schedule_parse_text(many, off, "x", &s, err, sizeof err);
    EXPECT(rc == -1 && strcmp(err, "x:1027: more than 1024 decisions") == 0, "many decisions: '%s'",
           err);
    // A byte-order mark is skipped.
    const char bom[] = "\xef\xbb\xbfrunq-schedule v1\nthreads 2\n";
    rc = schedule_parse_text(bom, strlen(bom), "x", &s, err, sizeof err);
    EXPECT(rc == 0 && s.nthreads == 2, "a byte-order mark: rc %d, '%s'", rc, rc ? err : "");
}

// Writes data to a fresh temporary file; returns its path (static buffer).
static const char *temp_file(const void *data, size_t n) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/unit_schedule.XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
    return path;
}

// What the CLIs read: text, bytes, and what is refused (typed text without the first line,
// empty files, directories), with --bytes as the way out.
static void load_file(void) {
    static const struct {
        const char *data;
        size_t n;
        int form, rc;
        const char *want; // error prefix after "PATH"
    } cases[] = {
        {"", 0, SCHED_LOAD_AUTO, -1, ":1: empty file"},
        {"", 0, SCHED_LOAD_BYTES, 0, ""},
        {"hello\n", 6, SCHED_LOAD_AUTO, -1,
         ":1: expected 'runq-schedule v1' as the first line, found 'hello' (a text file; --bytes"},
        {"hello\n", 6, SCHED_LOAD_BYTES, 0, ""},
        {"# a scenario\nthreads 2\n", 23, SCHED_LOAD_AUTO, -1,
         ":2: expected 'runq-schedule v1' as the first line, found 'threads'"},
        {"Runq-schedule v1\n", 17, SCHED_LOAD_AUTO, -1,
         ":1: expected 'runq-schedule v1' as the first line, found 'Runq-schedule'"},
        {"\xef\xbb\xbfrunq-schedule v1\nthreads 3\n", 30, SCHED_LOAD_AUTO, 0, ""},
        {"\xef\xbb\xbfhello\n", 9, SCHED_LOAD_AUTO, -1, ":1: expected 'runq-schedule v1'"},
        // Bytes that happen to be printable stay bytes (shapes from the committed corpus).
        {"e\ne\n########~~~~", 16, SCHED_LOAD_AUTO, 0, ""},
        {"aammmmm", 7, SCHED_LOAD_AUTO, 0, ""},
        {"77e\ne\n###77##", 13, SCHED_LOAD_AUTO, 0, ""},
        {"\x01\x02hello\n", 8, SCHED_LOAD_AUTO, 0, ""},
        // Other programs' files are named, not decoded; --bytes still decodes them.
        {"{\"traceEvents\":[]}\n", 19, SCHED_LOAD_AUTO, -1,
         ": not a schedule: it is a Chrome trace"},
        {"[1, 2]", 6, SCHED_LOAD_AUTO, -1, ": not a schedule: it is JSON"},
        {"{\"traceEvents\":[]}\n", 19, SCHED_LOAD_BYTES, 0, ""},
        {"\x7f"
         "ELF\x02\x01\x01",
         7, SCHED_LOAD_AUTO, -1, ": not a schedule: it is an ELF"},
        {"\x1f\x8b\x08\x00", 4, SCHED_LOAD_AUTO, -1, ": not a schedule: it is gzip"},
        {"PK\x03\x04\x14", 5, SCHED_LOAD_AUTO, -1, ": not a schedule: it is a zip"},
        {"BZh91AY", 7, SCHED_LOAD_AUTO, -1, ": not a schedule: it is bzip2"},
        {"runq-record v1\nprocs 2\n", 23, SCHED_LOAD_AUTO, -1,
         ": not a schedule: it is a runq-torture --record recording"},
        {"--- Start of test: runq-torture procs: 2\n", 41, SCHED_LOAD_AUTO, -1,
         ": not a schedule: it is a runq-torture log"},
        {"# runq-torture failure trace v1 (x)\n[run]\n", 42, SCHED_LOAD_AUTO, -1,
         ": not a schedule: it is a runq-torture failure trace"},
        // Fuzz inputs that start like JSON but are not text, or not closed, stay bytes.
        {"[[\xa5\xff\xf5m=\xed}p", 10, SCHED_LOAD_AUTO, 0, ""},
        {"{abc\n", 5, SCHED_LOAD_AUTO, 0, ""},
        {"\x1f\x8b\x01", 3, SCHED_LOAD_AUTO, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static schedule s;
        char err[512] = "";
        const char *path = temp_file(cases[i].data, cases[i].n);
        bool as_bytes = true;
        int rc = schedule_load_file_as(path, cases[i].form, &s, &as_bytes, err, sizeof err);
        size_t pl = strlen(path);
        bool want_bytes =
            rc == 0 && (cases[i].form == SCHED_LOAD_BYTES ||
                        !schedule_is_text((const uint8_t *)cases[i].data, cases[i].n));
        EXPECT(as_bytes == want_bytes, "load case %zu: as_bytes %d", i, as_bytes);
        EXPECT(rc == cases[i].rc &&
                   (rc == 0 || (strncmp(err, path, pl) == 0 &&
                                strncmp(err + pl, cases[i].want, strlen(cases[i].want)) == 0)),
               "load case %zu: got rc %d, '%s'; want %d, '%s%s...'", i, rc, err, cases[i].rc, path,
               cases[i].want);
        remove(path);
    }
    // A fuzz input's replay command gets --bytes exactly when runq-replay would refuse it.
    EXPECT(schedule_needs_bytes_flag((const uint8_t *)"", 0) &&
               schedule_needs_bytes_flag((const uint8_t *)"hello\n", 6) &&
               !schedule_needs_bytes_flag((const uint8_t *)"runq-schedule v1\n", 17) &&
               !schedule_needs_bytes_flag((const uint8_t *)"\x01\x02hello\n", 8) &&
               schedule_needs_bytes_flag((const uint8_t *)"PK\x03\x04", 4),
           "schedule_needs_bytes_flag");
    static schedule s;
    char err[512] = "";
    int rc = schedule_load_file("/tmp", &s, err, sizeof err);
    EXPECT(rc == -1 && strcmp(err, "/tmp: is a directory (expected a schedule file)") == 0,
           "a directory: rc %d, '%s'", rc, err);
}

// The Go version: header byte 7 'M' (or 'W', master under memory weak) is master, anything
// else 1.19 (every older byte schedule); master's extras (sysmon off, syscall, its sites)
// survive bytes <-> text.
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
        bool master = v == SCHED_VERSION_BYTE || v == SCHED_MASTER_WEAK_BYTE ||
                      v == SCHED_WITHIN_MASTER_BYTE || v == SCHED_WITHIN_MASTER_WEAK_BYTE;
        bool weak = v == SCHED_WEAK_MAGIC || v == SCHED_MASTER_WEAK_BYTE ||
                    v == SCHED_WITHIN_WEAK_BYTE || v == SCHED_WITHIN_MASTER_WEAK_BYTE;
        EXPECT(((a.flags & SFLAG_WEAK) != 0) == weak, "byte7=%d: memory weak %d", v,
               (a.flags & SFLAG_WEAK) != 0);
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

// `strategy pct D within`: byte [7] 'p' 'x' 'm' 'X' with the PCT bit, and only then; every
// other byte [7] (every older byte file) keeps PCT's old meaning; bytes <-> text both ways.
static void pct_within(void) {
    static uint8_t in[SCHED_FIXED_BYTES + 2], out[SCHED_MAX_BYTES];
    static schedule a, b, c;
    memset(in, 0, sizeof in);
    in[0] = 1;                     // 2 threads
    in[3] = (uint8_t)(2 | 2 << 2); // PCT, depth 3
    int within = 0;
    for (int v = 0; v < 256; v++) {
        in[7] = (uint8_t)v;
        schedule_decode(in, sizeof in, &a);
        bool want = v == SCHED_WITHIN_BYTE || v == SCHED_WITHIN_WEAK_BYTE ||
                    v == SCHED_WITHIN_MASTER_BYTE || v == SCHED_WITHIN_MASTER_WEAK_BYTE;
        within += want;
        EXPECT(((a.flags & SFLAG_PCT_WITHIN) != 0) == want && (a.flags & SFLAG_PCT) &&
                   a.pct_depth == 3,
               "byte7=%d: pct within %d", v, (a.flags & SFLAG_PCT_WITHIN) != 0);
        size_t m = schedule_encode(&a, out, sizeof out);
        schedule_decode(out, m, &b);
        char *ta = print_to_string(&a), *tb = print_to_string(&b);
        char err[256] = "";
        int rc = schedule_parse_text(ta, strlen(ta), "t", &c, err, sizeof err);
        char *tc = rc == 0 ? print_to_string(&c) : NULL;
        EXPECT(strcmp(ta, tb) == 0 && tc && strcmp(ta, tc) == 0 &&
                   (strstr(ta, "strategy pct 3 within\n") != NULL) == want &&
                   (!want || out[7] == v),
               "byte7=%d: pct within does not round-trip (%s):\n%s", v, err, ta);
        free(ta);
        free(tb);
        free(tc);
        // without the PCT bit the same byte is its version and memory mode only
        in[3] = 0;
        schedule_decode(in, sizeof in, &a);
        EXPECT(!(a.flags & (SFLAG_PCT | SFLAG_PCT_WITHIN)), "byte7=%d: within without PCT", v);
        in[3] = (uint8_t)(2 | 2 << 2);
    }
    EXPECT(within == 4, "%d byte7 values mean pct within", within);
    // "strategy decisions" after "strategy pct D within" drops both
    const char *t = "runq-schedule v1\nstrategy pct 2 within\nstrategy decisions\n";
    char err[256] = "";
    EXPECT(schedule_parse_text(t, strlen(t), "t", &c, err, sizeof err) == 0 &&
               !(c.flags & (SFLAG_PCT | SFLAG_PCT_WITHIN)),
           "strategy decisions kept pct within (%s)", err);
}

// Go's preconditions (op_rules.h), which both drivers apply: each rule at its edge.
static void op_rules(void) {
    sched_op steal = {SOP_STEAL, 1, 1}, stealnext = {SOP_STEALNEXT, 1, 1}, get = {SOP_GET, 0, 1};
    EXPECT(op_precondition(&steal, 0, 256) == OP_RUNS, "steal into an empty ring runs");
    EXPECT(op_precondition(&steal, 1, 256) == OP_SKIP_STEAL_NOT_EMPTY, "steal into 1 G: skip");
    EXPECT(op_precondition(&stealnext, 3, 4) == OP_SKIP_STEAL_NOT_EMPTY, "stealnext: skip");
    EXPECT(op_precondition(&get, 256, 256) == OP_RUNS, "runqget has no precondition");
    // globget N: max N - 1 (N = 1: none); at most min(max, cap/2) - 1 Gs go on the ring.
    EXPECT(op_globget_puts(1, 256) == 127, "globget 1 at cap 256: %u", op_globget_puts(1, 256));
    EXPECT(op_globget_puts(2, 256) == 0, "globget 2 (max 1) puts none");
    EXPECT(op_globget_puts(5, 256) == 3, "globget 5 (max 4) puts up to 3");
    EXPECT(op_globget_puts(3, 4) == 1, "globget 3 (max 2) at cap 4: %u", op_globget_puts(3, 4));
    EXPECT(op_globget_puts(200, 4) == 1, "a max over cap/2 is cap/2: 1 put at cap 4");
    sched_op gg = {SOP_GLOBGET, 0, 1};
    EXPECT(op_precondition(&gg, 129, 256) == OP_RUNS, "129 + 127 = 256 fits");
    EXPECT(op_precondition(&gg, 130, 256) == OP_SKIP_GLOBGET_NO_ROOM, "130 + 127 > 256: skip");
    gg.n = 2;
    EXPECT(op_precondition(&gg, 256, 256) == OP_RUNS, "max 1 puts nothing: a full ring is fine");
    EXPECT(op_skip_reason(OP_SKIP_STEAL_NOT_EMPTY)[0] == 's', "reasons are trace words");
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        round_trip_file(argv[i]);
    }
    random_bytes();
    locality();
    parse_errors();
    load_file();
    versions();
    pct_within();
    op_rules();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
