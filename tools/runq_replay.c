// runq_replay.c - runq-replay: run schedule files on the deterministic engine.
//
//   runq-replay [options] FILE...
//     --trace          print a swimlane (a column per simulated thread, a row per step,
//                      the queue state beside it)
//     --sequential     run as fuzz_runq_model does (one whole op per decision)
//     --text           print each schedule in text form and exit (bytes -> text)
//     --to-bytes OUT   write the (single) schedule's canonical byte form to OUT
//     --repeat N       run each file N times; fail unless verdict and trace are identical
//     --expect ID      succeed only if every file fails with invariant ID
//     --quiet          print failures only
//     --go VERSION     run on Go VERSION's port (1.19 or master) whatever the file names
// Reads byte schedules (fuzzer inputs, crash files) and text schedules ("runq-schedule v1").
// Exit: 0 all passed (or all failed as --expect said), 1 a failure, 2 usage or unreadable
// or malformed input (the message names the file and line).
#include "runner.h"
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
    fprintf(stderr, "usage: runq-replay [--trace] [--sequential] [--text] [--to-bytes OUT] "
                    "[--repeat N] [--expect INVARIANT] [--quiet] [--go 1.19|master] FILE...\n");
    exit(2);
}

// FNV-1a over a memory stream's bytes: the trace's fingerprint for --repeat.
static uint64_t fnv(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    }
    return h;
}

static const char *self_path = "runq-replay";

static int go_override = -1; // --go: a version for every file, or -1

static void repro_cmd(char *buf, size_t n, const char *file, bool sequential) {
    snprintf(buf, n, "%s%s%s%s --trace %s", self_path, sequential ? " --sequential" : "",
             go_override >= 0 ? " --go " : "",
             go_override >= 0 ? sched_version_name(go_override) : "", file);
}

int main(int argc, char **argv) {
    bool trace = false, text = false, quiet = false, sequential = false;
    const char *to_bytes = NULL, *expect = NULL;
    long repeat = 1;
    int first = argc;
    self_path = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--trace") == 0) {
            trace = true;
        } else if (strcmp(a, "--text") == 0) {
            text = true;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--sequential") == 0) {
            sequential = true;
        } else if (strcmp(a, "--to-bytes") == 0 && i + 1 < argc) {
            to_bytes = argv[++i];
        } else if (strcmp(a, "--go") == 0 && i + 1 < argc) {
            go_override = sched_version_lookup(argv[++i]);
            if (go_override < 0) {
                fprintf(stderr, "runq-replay: --go: expected 1.19 or master, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--expect") == 0 && i + 1 < argc) {
            expect = argv[++i];
        } else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
            char *end;
            repeat = strtol(argv[++i], &end, 10);
            if (*end || repeat < 1 || repeat > 1000000) {
                fprintf(stderr, "runq-replay: --repeat: expected a count 1..1000000, got '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--") == 0) {
            first = i + 1;
            break;
        } else if (a[0] == '-') {
            fprintf(stderr, "runq-replay: unknown option '%s'\n", a);
            usage();
        } else {
            first = i;
            break;
        }
    }
    if (first >= argc) {
        usage();
    }
    if (to_bytes && argc - first != 1) {
        fprintf(stderr, "runq-replay: --to-bytes takes exactly one input file\n");
        return 2;
    }
    int failed = 0, passed = 0, bad_input = 0;
    static schedule s;
    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        char err[512];
        if (schedule_load_file(file, &s, err, sizeof err) != 0) {
            fprintf(stderr, "runq-replay: %s\n", err);
            bad_input++;
            continue;
        }
        if (go_override >= 0) {
            schedule_set_version(&s, go_override);
        }
        if (sequential) {
            runner_make_sequential(&s);
        }
        if (text) {
            printf("# %s\n", file);
            schedule_print_text(&s, stdout);
            continue;
        }
        if (to_bytes) {
            static uint8_t buf[SCHED_MAX_BYTES];
            size_t n = schedule_encode(&s, buf, sizeof buf);
            FILE *f = fopen(to_bytes, "wb");
            if (f == NULL || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
                fprintf(stderr, "runq-replay: %s: cannot write: %s\n", to_bytes, strerror(errno));
                return 2;
            }
            continue;
        }
        dsched_result r, first_r;
        uint64_t first_hash = 0;
        bool mismatch = false;
        for (long k = 0; k < repeat; k++) {
            char *tbuf = NULL;
            size_t tlen = 0;
            FILE *tf = NULL;
            if (repeat > 1 || trace) {
                tf = open_memstream(&tbuf, &tlen);
            }
            runner_run(&s, tf, &r);
            if (tf) {
                fclose(tf);
            }
            uint64_t h = tbuf ? fnv(tbuf, tlen) : 0;
            if (k == 0) {
                first_r = r;
                first_hash = h;
                if (trace && tbuf) {
                    fwrite(tbuf, 1, tlen, stdout);
                }
            } else if (h != first_hash || r.failed != first_r.failed || r.steps != first_r.steps ||
                       strcmp(r.invariant, first_r.invariant) != 0) {
                fprintf(stderr,
                        "!!! invariant=nondeterminism: %s: run %ld differs from run 1 "
                        "(verdict %s/%s, steps %llu/%llu, trace hash %016llx/%016llx)\n",
                        file, k + 1, r.failed ? r.invariant : "ok",
                        first_r.failed ? first_r.invariant : "ok", (unsigned long long)r.steps,
                        (unsigned long long)first_r.steps, (unsigned long long)h,
                        (unsigned long long)first_hash);
                mismatch = true;
            }
            free(tbuf);
            if (mismatch) {
                break;
            }
        }
        char repro[1024];
        repro_cmd(repro, sizeof repro, file, sequential);
        if (mismatch) {
            failed++;
        } else if (first_r.failed) {
            if (expect && strcmp(expect, first_r.invariant) == 0) {
                passed++;
                if (!quiet) {
                    printf("%s: failed as expected: invariant=%s\n", file, first_r.invariant);
                }
            } else {
                failed++;
                printf("%s: FAIL\n", file);
                runner_report(stdout, &first_r, repro);
            }
        } else if (expect) {
            failed++;
            printf("%s: ok, but invariant=%s was expected\n", file, expect);
        } else {
            passed++;
            if (!quiet) {
                printf("%s: ok (%llu steps, %u switches%s%s)\n", file,
                       (unsigned long long)first_r.steps, first_r.switches,
                       s.version == SVER_MASTER ? ", go master" : "",
                       repeat > 1 ? ", identical on every repeat" : "");
            }
        }
        fflush(stdout);
    }
    if (text || to_bytes) {
        return bad_input ? 2 : 0;
    }
    printf("%d passed, %d failed\n", passed, failed + bad_input);
    return bad_input ? 2 : failed ? 1 : 0;
}
