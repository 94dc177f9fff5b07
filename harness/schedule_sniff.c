// schedule_sniff.c - files that are not a schedule, told apart from fuzzer bytes.
//
// The byte form decodes anything, so without this a program given the wrong one of a
// failure's files (its Chrome trace, its text trace, a log, a recording, a compressed
// copy) would run some schedule nobody wrote and say "ok". Each test below is strict
// enough that no committed fuzz input (corpus/, random bytes) matches it: a magic number
// of three or more bytes, or text in a shape only a program writes.
#include "progname.h"
#include "schedule.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

// Bytes that are not text: control bytes other than tab, CR, LF, ESC (colour in logs), and
// broken UTF-8. A sequence cut by the end of a truncated read does not count.
static size_t non_text_bytes(const uint8_t *d, size_t n, bool truncated) {
    size_t bad = 0;
    for (size_t i = 0; i < n;) {
        uint8_t c = d[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == 0x1b || (c >= 0x20 && c < 0x7f)) {
            i++;
            continue;
        }
        size_t len = c >= 0xf0 && c <= 0xf4  ? 4
                     : c >= 0xe0 && c < 0xf0 ? 3
                     : c >= 0xc2 && c < 0xe0 ? 2
                                             : 0;
        size_t k = 1;
        while (len && k < len && i + k < n && (d[i + k] & 0xc0) == 0x80) {
            k++;
        }
        if (len && (k == len || (truncated && i + k == n))) {
            i += k;
        } else {
            bad++;
            i++;
        }
    }
    return bad;
}

static bool has(const uint8_t *d, size_t n, const char *s) {
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++) {
        if (d[i] == (uint8_t)s[0] && memcmp(d + i, s, k) == 0) {
            return true;
        }
    }
    return false;
}

// A line starting with s (at the start of the data or after a newline).
static const uint8_t *line_starting(const uint8_t *d, size_t n, const char *s) {
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++) {
        if ((i == 0 || d[i - 1] == '\n') && memcmp(d + i, s, k) == 0) {
            return d + i;
        }
    }
    return NULL;
}

static size_t skip_space(const uint8_t *d, size_t n, size_t i) {
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) {
        i++;
    }
    return i;
}

// JSON as programs write it: an object or array whose first member looks like JSON and
// which is closed at the end (unless the read was cut short), all of it text.
static bool is_json(const uint8_t *d, size_t n, size_t i, bool truncated) {
    if (i >= n || (d[i] != '{' && d[i] != '[') || non_text_bytes(d, n, truncated) != 0) {
        return false;
    }
    uint8_t open = d[i];
    size_t j = skip_space(d, n, i + 1);
    if (j >= n) {
        return false;
    }
    bool first_ok = open == '{' ? d[j] == '"' || d[j] == '}'
                                : strchr("{[\"]-0123456789tfn", d[j]) != NULL && d[j] != '\0';
    if (!first_ok || truncated) {
        return first_ok;
    }
    size_t e = n;
    while (e > j && (d[e - 1] == ' ' || d[e - 1] == '\t' || d[e - 1] == '\r' || d[e - 1] == '\n')) {
        e--;
    }
    return d[e - 1] == (open == '{' ? '}' : ']');
}

// path with its suffix (one of a failure's files) replaced by ".schedule.txt", if that
// file exists: the schedule the user probably meant.
static bool sibling_schedule(const char *path, char *out, size_t n) {
    static const char *const sufs[] = {".trace.json", ".record.txt", ".log", ".txt"};
    size_t len = strlen(path);
    for (size_t k = 0; k < sizeof sufs / sizeof sufs[0]; k++) {
        size_t sl = strlen(sufs[k]);
        if (len > sl && strcmp(path + len - sl, sufs[k]) == 0) {
            snprintf(out, n, "%.*s.schedule.txt", (int)(len - sl), path);
            return strcmp(out, path) != 0 && access(out, R_OK) == 0;
        }
    }
    return false;
}

static void say(char *err, size_t errlen, const char *path, const char *fmt, ...) {
    int used = snprintf(err, errlen, "%s: not a schedule: ", path);
    if (used < 0 || (size_t)used >= errlen) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - (size_t)used, fmt, ap);
    va_end(ap);
}

struct magic {
    const char *bytes;
    size_t len;
    const char *what;
    const char *unpack; // the command that unpacks it, or NULL
};

static const struct magic magics[] = {
    {"\x7f"
     "ELF",
     4, "an ELF program or object file", NULL},
    {"\x1f\x8b\x08", 3, "gzip-compressed data", "gzip -dc"},
    {"PK\x03\x04", 4, "a zip archive", "unzip"},
    {"\xfd"
     "7zXZ\x00",
     6, "xz-compressed data", "xz -dc"},
    {"\x28\xb5\x2f\xfd", 4, "zstd-compressed data", "zstd -dc"},
    {"BZh", 3, "bzip2-compressed data", "bzip2 -dc"},
    {"\x89PNG\r\n\x1a\n", 8, "a PNG image", NULL},
};

// Binary formats, by their magic number (bzip2's is "BZh" and a block size digit).
static bool sniff_magic(const uint8_t *d, size_t n, const char *path, char *err, size_t errlen) {
    for (size_t k = 0; k < sizeof magics / sizeof magics[0]; k++) {
        const struct magic *m = &magics[k];
        if (n < m->len || memcmp(d, m->bytes, m->len) != 0 ||
            (m->bytes[0] == 'B' && (n < 4 || d[3] < '1' || d[3] > '9'))) {
            continue;
        }
        if (m->unpack && strcmp(m->unpack, "unzip") == 0) {
            say(err, errlen, path, "it is %s: extract it (unzip %s) and give the schedule inside",
                m->what, path);
        } else if (m->unpack) {
            say(err, errlen, path, "it is %s: unpack it first (%s %s > OUT) and give OUT", m->what,
                m->unpack, path);
        } else {
            say(err, errlen, path,
                "it is %s: give a schedule file instead (a text schedule such as a runq-torture "
                "failure's .schedule.txt, or fuzzer bytes such as a crash-* file)",
                m->what);
        }
        return true;
    }
    return false;
}

// What runq-torture writes (stress/): its JSON, its failure trace, its recording, its log.
static bool sniff_text(const uint8_t *d, size_t n, bool truncated, const char *path, char *err,
                       size_t errlen) {
    size_t i = skip_space(d, n, schedule_bom_len(d, n));
    // The tools named are the ones built for this program's port, by absolute path.
    char sib[1100], also[3600] = "", replay[1100], record[1100], explore[1100], apath[1200];
    prog_sibling(replay, sizeof replay, "runq-replay");
    prog_sibling(record, sizeof record, "runq-record");
    prog_sibling(explore, sizeof explore, "runq-explore");
    prog_abs_path(apath, sizeof apath, path);
    if (sibling_schedule(path, sib, sizeof sib)) {
        char asib[1200];
        prog_abs_path(asib, sizeof asib, sib);
        snprintf(also, sizeof also, "; the schedule beside it is %s (%s --trace %s)", sib, replay,
                 asib);
    }
    if (is_json(d, n, i, truncated)) {
        if (has(d, n, "\"traceEvents\"")) {
            say(err, errlen, path,
                "it is a Chrome trace (JSON with traceEvents), a picture of a run: open it in "
                "Perfetto UI or chrome://tracing%s",
                also);
        } else if (has(d, n, "\"verdict\"") && has(d, n, "\"params\"")) {
            say(err, errlen, path, "it is a runq-torture --json report (JSON)%s", also);
        } else {
            say(err, errlen, path, "it is JSON%s", also);
        }
        return true;
    }
    size_t bad = non_text_bytes(d, n, truncated);
    if (bad * 100 > n) { // not even mostly text
        return false;
    }
    if (n - i >= 14 && memcmp(d + i, "runq-record v1", 14) == 0) {
        say(err, errlen, path,
            "it is a runq-torture --record recording (runq-record v1): give it to %s (%s %s "
            "writes a schedule that fails every time), or search around it with %s "
            "--from-record %s",
            record, record, apath, explore, apath);
        return true;
    }
    if (line_starting(d, n, "# runq-torture failure trace")) {
        say(err, errlen, path,
            "it is a runq-torture failure trace (the threads' last operations, to read)%s",
            also[0] ? also : "; its schedule is the .schedule.txt file the run wrote beside it");
        return true;
    }
    static const char *const log_lines[] = {
        "--- Start of test:", "--- End of test:", "!!! invariant=",
        "!!! first failure:", "command: /",       "stats: "};
    for (size_t k = 0; k < sizeof log_lines / sizeof log_lines[0]; k++) {
        if (line_starting(d, n, log_lines[k])) {
            const uint8_t *fs = line_starting(d, n, "--- failure schedule: ");
            if (fs != NULL) {
                const uint8_t *p = fs + strlen("--- failure schedule: ");
                size_t w = 0;
                while (p + w < d + n && p[w] != ' ' && p[w] != '\n') {
                    w++;
                }
                say(err, errlen, path,
                    "it is a runq-torture log; its failure's schedule is %.*s (%s --trace %.*s)",
                    (int)w, (const char *)p, replay, (int)w, (const char *)p);
            } else {
                say(err, errlen, path,
                    "it is a runq-torture log; a failing run writes its schedule to the file "
                    "its '--- failure schedule:' line names%s",
                    also);
            }
            return true;
        }
    }
    return false;
}

int schedule_sniff(const uint8_t *data, size_t size, bool truncated, const char *path, char *err,
                   size_t errlen) {
    if (sniff_magic(data, size, path, err, errlen) ||
        sniff_text(data, size, truncated, path, err, errlen)) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, " (--bytes reads any file as fuzzer bytes)");
        return 1;
    }
    return 0;
}
