// chrome_dump.c - on failure, the threads' last operations (the op logs, oplog.c) in the
// Chrome Trace Event JSON format, for Perfetto UI, chrome://tracing or speedscope:
// <fail-file without .txt>.trace.json, beside the text failure trace.
//
// One track per thread (T<n>). The logs stamp an operation when it ends, and a thread
// reads the clock once per scheduling round (oplog_restamp), so operations that share a
// stamp are one slice, a "round", from the previous stamp to theirs, named after its
// operations; each operation is also an instant at its stamp. What each thread was doing
// at the failure is an instant at its last stamp; the failure is a global instant (at the
// latest stamp) carrying the invariant id and message. Times are microseconds since the
// run started, real time, so two runs differ. The format is checked by
// ci/check_chrome_trace.py (ctest stress.chrome-dump).
#include "torture.h"
#include "json_out.h"

#include <stdlib.h>
#include <string.h>

// One round of thread t: entries v[from, to) share a stamp; it starts at `begin`.
static void write_round(FILE *f, int t, const struct oplog_view *v, int from, int to, double begin,
                        double end) {
    char name[200], line[160];
    size_t off = 0;
    name[0] = 0;
    for (int k = from; k < to && off + 4 < sizeof name; k++) {
        oplog_format(&v[k], line, sizeof line);
        off += (size_t)snprintf(name + off, sizeof name - off, "%s%s", k > from ? "; " : "", line);
    }
    if (off >= sizeof name - 4) {
        snprintf(name + sizeof name - 5, 5, "...");
    }
    // A round of no measurable length is left as its ops' instants: a zero-length slice
    // followed by one that begins at the same time confuses viewers (speedscope nests them).
    bool slice = (long long)(end * 1000 + 0.5) > (long long)(begin * 1000 + 0.5); // as printed
    if (slice) {
        fprintf(f, ",\n{\"ph\":\"B\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"name\":", t + 1, begin);
        json_string(f, name);
        fputs(",\"cat\":\"round\"}", f); // no args: speedscope appends them to the name
    }
    for (int k = from; k < to; k++) {
        oplog_format(&v[k], line, sizeof line);
        fprintf(f, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"name\":", t + 1,
                end);
        json_string(f, op_name(v[k].op));
        fprintf(f, ",\"cat\":\"op\",\"args\":{\"seq\":%llu,\"op\":", (unsigned long long)v[k].seq);
        json_string(f, line);
        fputs("}}", f);
    }
    if (slice) {
        fprintf(f, ",\n{\"ph\":\"E\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"name\":", t + 1, end);
        json_string(f, name);
        fputs("}", f);
    }
}

int write_chrome_dump(const char *fail_file) {
    char path[1100];
    size_t len = strlen(fail_file);
    if (len > 4 && strcmp(fail_file + len - 4, ".txt") == 0) {
        len -= 4;
    }
    snprintf(path, sizeof path, "%.*s.trace.json", (int)len, fail_file);
    struct oplog_view *v = calloc(OPLOG_N, sizeof *v);
    FILE *f = v ? fopen(path, "w") : NULL;
    if (f == NULL) {
        stress_out("--- failure picture: not written: cannot write %s\n", path);
        free(v);
        return -1;
    }
    fprintf(f, "{\"traceEvents\":[\n{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\","
               "\"args\":{\"name\":");
    char title[256];
    snprintf(title, sizeof title, "%s seed %llu: invariant=%s", srun()->params.prog,
             (unsigned long long)srun()->params.seed, stress_first_invariant());
    json_string(f, title);
    fputs("}}", f);
    double latest = 0;
    for (int t = 0; t < srun()->nthreads; t++) {
        fprintf(f,
                ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_name\","
                "\"args\":{\"name\":\"T%d\"}}",
                t + 1, t);
        int n = oplog_read(&srun()->m[t], v, OPLOG_N);
        double prev = n > 0 ? oplog_stamp_us(v[0].stamp) : 0;
        for (int k = 0; k < n;) {
            int j = k;
            while (j < n && v[j].stamp == v[k].stamp) {
                j++;
            }
            double end = oplog_stamp_us(v[k].stamp);
            if (end < prev) {
                end = prev; // a torn or out-of-order stamp: keep the track in order
            }
            write_round(f, t, v, k, j, prev, end);
            prev = end;
            k = j;
        }
        char doing[128];
        describe_doing(stress_doing_at_failure[t], doing, sizeof doing);
        fprintf(f, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"name\":", t + 1,
                prev);
        char what[160];
        snprintf(what, sizeof what, "doing at the failure: %s", doing);
        json_string(f, what);
        fputs(",\"cat\":\"failure\"}", f);
        if (prev > latest) {
            latest = prev;
        }
    }
    int ft = stress_first_thread();
    char fname[64];
    snprintf(fname, sizeof fname, "!!! invariant=%s", stress_first_invariant());
    fprintf(f, ",\n{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"name\":",
            ft >= 0 ? ft + 1 : 0, latest);
    json_string(f, fname);
    fputs(",\"cat\":\"failure\",\"args\":{\"invariant\":", f);
    json_string(f, stress_first_invariant());
    char who[16];
    snprintf(who, sizeof who, "T%d", ft);
    fputs(",\"thread\":", f);
    json_string(f, ft >= 0 ? who : "-");
    fputs(",\"message\":", f);
    json_string(f, stress_first_message());
    fputs("}}\n],\n\"otherData\":{\"format\":\"runq-torture chrome trace v1\",\"time\":\"us since "
          "the run started; an operation is stamped when its round ends\"}}\n",
          f);
    free(v);
    if ((ferror(f) | fclose(f)) != 0) {
        stress_out("--- failure picture: not written: cannot write %s\n", path);
        return -1;
    }
    stress_out("--- failure picture: %s (Chrome trace: Perfetto UI, chrome://tracing, "
               "speedscope)\n",
               path);
    return 0;
}
