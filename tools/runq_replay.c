// runq_replay.c - runq-replay: run schedule files on the deterministic engine.
//
// Options: see help_text below (runq-replay --help).
// Reads byte schedules (fuzzer inputs, crash files) and text schedules ("runq-schedule v1").
// Exit: 0 all passed (or all failed as --expect said), 1 a failure, 2 usage or unreadable
// or malformed input (the message names the file and line).
#include "cli.h"
#include "outpath.h"
#include "progname.h"
#include "runner.h"
#include "runq_sites.h"
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// "%s": the program's own name (a variant's is runq-replay-<mutant>).
static const char usage_line[] = "usage: %s [options] FILE...\n";
static const char *self_name = "runq-replay";

static const char help_text[] =
    "\n"
    "Runs schedule files on the deterministic engine and prints each one's verdict.\n"
    "%s"
    "\n"
    "Long options may be abbreviated to a unique prefix; a value follows as '=VALUE' or as\n"
    "the next argument.\n"
    "\n"
    "What to print:\n"
    "  --trace          a swimlane: a column per simulated thread, a row per step, the\n"
    "                   queues beside it (docs/traces.md explains every column) (off)\n"
    "  --steps          with --trace: every step of every op; an op that ran alone is\n"
    "                   folded into one line otherwise (off)\n"
    "  --go-lines       on a port made by tools/runq-import: with --trace, each access's\n"
    "                   Go source line beside it (proc.go:LINE); a failure names the\n"
    "                   failing thread's last access and its line (off)\n"
    "  --access-digest  one line per file instead of its verdict: FILE: digest HEX,\n"
    "                   steps, verdict; HEX hashes every step (thread, site, kind, memory\n"
    "                   order, location and value) (off)\n"
    "  --quiet          print failures only (off)\n"
    "How to run:\n"
    "  --go VERSION     run on Go VERSION's port, 1.19 or master, whatever the file names\n"
    "                   (default: the file's 'go' line, else 1.19)\n"
    "  --sequential     run as fuzz_runq_model does: one whole op per decision (off)\n"
    "  --bytes          read every FILE as fuzzer bytes, even one that looks like text (off)\n"
    "  --repeat N       run each file N times, 1..1000000; fail unless verdict and trace\n"
    "                   are identical every time (default 1)\n"
    "  --expect ID      succeed only if every file fails with invariant ID, a registered\n"
    "                   id the engine reports (--list-invariants) (default: none)\n"
    "Converting (one FILE):\n"
    "  --text           print each schedule in text form and exit (bytes -> text) (off)\n"
    "  --to-bytes OUT   write the schedule's canonical byte form to OUT (default: none)\n"
    "  --chrome-trace OUT  write the schedule's execution to OUT in the Chrome Trace Event\n"
    "                   format (Perfetto UI, chrome://tracing, speedscope; ci/swimlane.py\n"
    "                   draws it as an SVG); timestamps are engine steps (default: none)\n"
    "Lists:\n"
    "  --list-sites     the site names 'run T until SITE' takes, and exit\n"
    "  --list-invariants  the invariant registry (id, who reports it, meaning), and exit\n"
    "  -h, --help       this text\n"
    "\n"
    "A FILE is a text schedule if it starts with 'runq-schedule v1' (after a byte-order\n"
    "mark, blank and '#' lines), else fuzzer bytes. Refused (--bytes reads them as bytes):\n"
    "empty files, typed text without that line, and other programs' files: JSON (a Chrome\n"
    "trace), runq-torture's failure trace, log and --record recording (runq-record takes\n"
    "that), ELF files, compressed files and archives, images.\n"
    "\n"
    "Outputs:\n"
    "  stdout           per FILE 'FILE: ok (...)', 'FILE: failed as expected: ...' or\n"
    "                   'FILE: FAIL' with '!!! invariant=ID ...' and 'reproduce: CMD';\n"
    "                   '(read as fuzzer bytes)' ends the verdict of a file read as bytes;\n"
    "                   then 'N passed, M failed'\n"
    "  --to-bytes OUT, --chrome-trace OUT   written as asked; checked before anything runs\n"
    "Exit: 0 all passed (or failed as --expect said), 1 a failure, 2 usage or bad input.\n"
    "More: docs/schedule-format.md (the format), docs/traces.md (the trace).\n";

static void usage(void) {
    fprintf(stderr, usage_line, self_name);
    fputs("(runq-replay --help for every option)\n", stderr);
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

// Decisions that did not do what they say: the schedule's author should know.
static void warn_decisions(const char *file, const schedule *s, const dsched_result *r) {
    if (r->until_missed > 0) {
        const sched_decision *d = &s->dec[r->until_missed - 1];
        printf("%s: warning: decision %d (run %s until %s): %s ended without reaching %s and "
               "ran to its end",
               file, r->until_missed, sched_thread_name(d->thread),
               runq_site_name((enum runq_site)d->arg), sched_thread_name(d->thread),
               runq_site_name((enum runq_site)d->arg));
        if (r->until_missed_count > 1) {
            printf(" (%d more 'until' decisions did the same)", r->until_missed_count - 1);
        }
        printf("\n");
    }
    if (r->decisions_redirected > 0) {
        printf("%s: warning: %d decision%s named a thread that had finished; the next runnable "
               "thread ran instead\n",
               file, r->decisions_redirected, r->decisions_redirected == 1 ? "" : "s");
    }
    if (r->decisions_unused > 0 && !r->failed) {
        printf("%s: warning: %d decision%s unused (%d..%d): every thread had finished\n", file,
               r->decisions_unused, r->decisions_unused == 1 ? "" : "s",
               s->ndecisions - r->decisions_unused + 1, s->ndecisions);
    }
}

static int go_override = -1; // --go: a version for every file, or -1

// repro_cmd: the reproduce: line, this program and the file by absolute paths (it works
// from any directory).
static void repro_cmd(char *buf, size_t n, const char *file, bool sequential, bool bytes) {
    char self[1100], afile[1200];
    prog_self(self, sizeof self);
    prog_abs_path(afile, sizeof afile, file);
    snprintf(buf, n, "%s%s%s%s%s%s --trace %s", self, prog_replay_flags(),
             sequential ? " --sequential" : "", bytes ? " --bytes" : "",
             go_override >= 0 ? " --go " : "",
             go_override >= 0 ? sched_version_name(go_override) : "", afile);
}

struct args {
    bool trace, text, quiet, sequential, bytes, trace_steps, trace_go_lines, digest;
    const char *to_bytes, *expect, *chrome;
    long repeat;
};

enum {
    O_TRACE = 256,
    O_STEPS,
    O_GO_LINES,
    O_DIGEST,
    O_QUIET,
    O_GO,
    O_SEQUENTIAL,
    O_BYTES,
    O_REPEAT,
    O_EXPECT,
    O_TEXT,
    O_TO_BYTES,
    O_CHROME,
    O_LIST_SITES,
    O_LIST_INVARIANTS,
};

static const struct option long_options[] = {
    {"trace", no_argument, NULL, O_TRACE},
    {"steps", no_argument, NULL, O_STEPS},
    {"go-lines", no_argument, NULL, O_GO_LINES},
    {"access-digest", no_argument, NULL, O_DIGEST},
    {"quiet", no_argument, NULL, O_QUIET},
    {"go", required_argument, NULL, O_GO},
    {"sequential", no_argument, NULL, O_SEQUENTIAL},
    {"bytes", no_argument, NULL, O_BYTES},
    {"repeat", required_argument, NULL, O_REPEAT},
    {"expect", required_argument, NULL, O_EXPECT},
    {"text", no_argument, NULL, O_TEXT},
    {"to-bytes", required_argument, NULL, O_TO_BYTES},
    {"chrome-trace", required_argument, NULL, O_CHROME},
    {"list-sites", no_argument, NULL, O_LIST_SITES},
    {"list-invariants", no_argument, NULL, O_LIST_INVARIANTS},
    {"help", no_argument, NULL, 'h'},
    CLI_LIST_OPTIONS_ENTRY,
    {NULL, 0, NULL, 0},
};

static void list_sites(void) {
    for (int k = 0; k < RQ_SITE_COUNT; k++) {
        printf("%-24s %s\n", runq_site_name((enum runq_site)k), runq_site_what((enum runq_site)k));
    }
}

static void list_invariants(void) {
    for (int k = 0; k < INV_COUNT; k++) {
        printf("%-20s %-16s %s\n", inv_name((enum inv_id)k),
               inv_emitters_text(inv_emitters((enum inv_id)k)), inv_meaning((enum inv_id)k));
    }
}

static void help(void) {
    char variant[1024] = "";
    FILE *f = fmemopen(variant, sizeof variant - 1, "w");
    if (f) {
        cli_variant_help(f, self_name);
        fclose(f);
    }
    printf(usage_line, self_name);
    printf(help_text, variant);
}

// The options: the index of the first FILE; exits 0 after --help and the lists, 2 on a
// usage error.
static int parse_args(int argc, char **argv, struct args *a) {
    char *end;
    for (int c; (c = cli_next("runq-replay", argc, argv, long_options)) != -1;) {
        switch (c) {
        case CLI_BAD:
            exit(2);
        case 'h':
            help();
            exit(0);
        case O_LIST_SITES:
            list_sites();
            exit(0);
        case O_LIST_INVARIANTS:
            list_invariants();
            exit(0);
        case O_TRACE:
            a->trace = true;
            break;
        case O_STEPS:
            a->trace_steps = true;
            break;
        case O_GO_LINES:
            a->trace_go_lines = true;
            break;
        case O_DIGEST:
            a->digest = true;
            break;
        case O_QUIET:
            a->quiet = true;
            break;
        case O_SEQUENTIAL:
            a->sequential = true;
            break;
        case O_BYTES:
            a->bytes = true;
            break;
        case O_TEXT:
            a->text = true;
            break;
        case O_TO_BYTES:
            a->to_bytes = optarg;
            break;
        case O_CHROME:
            a->chrome = optarg;
            break;
        case O_EXPECT:
            a->expect = optarg;
            break;
        case O_GO:
            go_override = sched_version_lookup(optarg);
            if (go_override < 0) {
                fprintf(stderr, "runq-replay: --go: expected 1.19 or master, got '%s'\n", optarg);
                exit(2);
            }
            break;
        case O_REPEAT:
            a->repeat = strtol(optarg, &end, 10);
            if (!*optarg || *end || a->repeat < 1 || a->repeat > 1000000) {
                fprintf(stderr, "runq-replay: --repeat: expected a count 1..1000000, got '%s'\n",
                        optarg);
                exit(2);
            }
            break;
        }
    }
    return optind;
}

// The options' combinations, once all are read: 0, or 2 after saying why.
static int check_args(const struct args *a, int nfiles) {
    if (nfiles == 0) {
        fprintf(stderr, "runq-replay: no FILE given\n");
        usage();
    }
    if (a->expect) {
        int id = inv_lookup(a->expect);
        if (id < 0) {
            fprintf(stderr,
                    "runq-replay: --expect: '%s' is not a registered invariant id "
                    "(harness/invariants.def; docs/invariants.md lists them)\n",
                    a->expect);
            return 2;
        }
        if (!(inv_emitters((enum inv_id)id) & (INV_ENGINE | INV_TOOLS))) {
            fprintf(stderr, "runq-replay: --expect: '%s' is reported by %s, never by runq-replay\n",
                    a->expect, inv_emitters_text(inv_emitters((enum inv_id)id)));
            return 2;
        }
    }
    if (a->to_bytes && nfiles != 1) {
        fprintf(stderr, "runq-replay: --to-bytes takes exactly one input file\n");
        return 2;
    }
    if (a->chrome && nfiles != 1) {
        fprintf(stderr, "runq-replay: --chrome-trace takes exactly one input file\n");
        return 2;
    }
    // Output paths are checked now, not after the run.
    if ((a->to_bytes && !outpath_ok("runq-replay", "--to-bytes", a->to_bytes)) ||
        (a->chrome && !outpath_ok("runq-replay", "--chrome-trace", a->chrome))) {
        return 2;
    }
    return 0;
}

// One run of s (the k-th of --repeat): its result and its trace's hash. 0, or 2 after
// saying why (an output that cannot be written).
static int run_once(const schedule *s, const struct args *a, const char *file, long k,
                    dsched_result *r, uint64_t *hash) {
    FILE *tf = NULL;
    if (a->repeat > 1 || a->trace) {
        // A temporary file, not a memstream: fibers write the trace, and libc's
        // reallocations of a memstream there would be races to ThreadSanitizer.
        tf = tmpfile();
        if (tf == NULL) {
            fprintf(stderr, "runq-replay: cannot create a temporary file: %s\n", strerror(errno));
            return 2;
        }
    }
    FILE *cf = NULL;
    char title[1100];
    if (a->chrome && k == 0) {
        cf = fopen(a->chrome, "w");
        if (cf == NULL) {
            fprintf(stderr, "runq-replay: %s: cannot write: %s\n", a->chrome, strerror(errno));
            return 2;
        }
        snprintf(title, sizeof title, "runq-replay %s", file);
    }
    dsched_options o = {0};
    o.trace = tf;
    o.trace_steps = a->trace_steps;
    o.trace_go_lines = a->trace_go_lines;
    o.access_digest = a->digest;
    o.chrome = cf;
    o.chrome_title = title;
    runner_run_opts(s, &o, r);
    *hash = 0;
    if (tf) {
        long end = ftell(tf);
        size_t tlen = end > 0 ? (size_t)end : 0;
        char *tbuf = malloc(tlen + 1);
        rewind(tf);
        if (tbuf == NULL || fread(tbuf, 1, tlen, tf) != tlen) {
            fprintf(stderr, "runq-replay: cannot read back the trace\n");
            return 2;
        }
        fclose(tf);
        *hash = fnv(tbuf, tlen);
        if (k == 0 && a->trace) {
            fwrite(tbuf, 1, tlen, stdout);
        }
        free(tbuf);
    }
    if (cf && (ferror(cf) | fclose(cf)) != 0) {
        fprintf(stderr, "runq-replay: %s: cannot write: %s\n", a->chrome, strerror(errno));
        return 2;
    }
    return 0;
}

// --repeat N runs of s: the first one's result, and whether a later one differed. 0, or 2.
static int run_repeats(const schedule *s, const struct args *a, const char *file,
                       dsched_result *first_r, bool *mismatch) {
    uint64_t first_hash = 0, h = 0;
    dsched_result r;
    *mismatch = false;
    for (long k = 0; k < a->repeat; k++) {
        if (run_once(s, a, file, k, k == 0 ? first_r : &r, k == 0 ? &first_hash : &h) != 0) {
            return 2;
        }
        if (k > 0 && (h != first_hash || r.failed != first_r->failed || r.steps != first_r->steps ||
                      strcmp(r.invariant, first_r->invariant) != 0)) {
            fprintf(stderr,
                    "!!! invariant=%s: %s: run %ld differs from run 1 "
                    "(verdict %s/%s, steps %llu/%llu, trace hash %016llx/%016llx)\n",
                    inv_name(INV_NONDETERMINISM), file, k + 1, r.failed ? r.invariant : "ok",
                    first_r->failed ? first_r->invariant : "ok", (unsigned long long)r.steps,
                    (unsigned long long)first_r->steps, (unsigned long long)h,
                    (unsigned long long)first_hash);
            *mismatch = true;
            break;
        }
    }
    return 0;
}

// The verdict of one file: printed; true if it passed (or failed as --expect said).
static bool verdict(const schedule *s, const struct args *a, const char *file,
                    const dsched_result *r, bool as_bytes) {
    char repro[2600];
    repro_cmd(repro, sizeof repro, file, a->sequential, a->bytes);
    // A file decoded as bytes may not be what the user meant to run: every verdict says so.
    const char *how = as_bytes ? " (read as fuzzer bytes)" : "";
    // A variant's verdicts name its planted bug (an imported port is none).
    const char *variant = prog_variant_is_import() ? "" : prog_variant();
    bool expected = a->expect && r->failed && strcmp(a->expect, r->invariant) == 0;
    if (a->digest) {
        // the whole verdict in one comparable line (no paths of this build in it)
        printf("%s: digest %016llx, %llu steps, %s%s\n", file, (unsigned long long)r->access_digest,
               (unsigned long long)r->steps, r->failed ? "invariant=" : "ok",
               r->failed ? r->invariant : "");
        return !r->failed || expected;
    }
    if (expected) {
        if (!a->quiet) {
            printf("%s: failed as expected: invariant=%s%s\n", file, r->invariant, how);
        }
        return true;
    }
    if (r->failed) {
        printf("%s: FAIL%s%s%s\n", file, how, variant[0] ? " on the planted bug " : "", variant);
        runner_report(stdout, r, repro);
        if (a->trace_go_lines && r->go_at[0]) {
            printf("last access of %s: %s\n", r->thread >= 0 ? sched_thread_name(r->thread) : "end",
                   r->go_at);
        }
        return false;
    }
    if (a->expect) {
        printf("%s: ok, but invariant=%s was expected%s\n", file, a->expect, how);
        return false;
    }
    if (!a->quiet) {
        printf("%s: ok (%llu steps, %u switches, %u ops, %u skipped by Go's "
               "preconditions%s%s%s%s%s)%s\n",
               file, (unsigned long long)r->steps, r->switches, r->ops, r->ops_skipped,
               s->version == SVER_MASTER ? ", go master" : "",
               s->flags & SFLAG_WEAK ? ", memory weak" : "", variant[0] ? ", planted bug " : "",
               variant, a->repeat > 1 ? ", identical on every repeat" : "", how);
    }
    return true;
}

// --to-bytes: the schedule's canonical bytes. 0, or 2 after saying why.
static int write_bytes(const schedule *s, const char *file, const char *path) {
    static uint8_t buf[SCHED_MAX_BYTES];
    if (s->nthreads > SCHED_BYTE_THREADS) {
        fprintf(stderr,
                "runq-replay: --to-bytes: %s has %d threads; the byte form holds at most %d\n",
                file, s->nthreads, SCHED_BYTE_THREADS);
        return 2;
    }
    size_t n = schedule_encode(s, buf, sizeof buf);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "runq-replay: %s: cannot write: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    struct args A = {.repeat = 1};
    prog_init();
    self_name = cli_basename(argv[0]);
    int first = parse_args(argc, argv, &A);
    if (check_args(&A, argc - first) != 0) {
        return 2;
    }
    int failed = 0, passed = 0, bad_input = 0;
    static schedule s;
    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        char err[1600];
        bool as_bytes = false;
        if ((!A.bytes && !prog_port_check(file, "runq-replay", err, sizeof err)) ||
            schedule_load_file_as(file, A.bytes ? SCHED_LOAD_BYTES : SCHED_LOAD_AUTO, &s, &as_bytes,
                                  err, sizeof err) != 0) {
            fprintf(stderr, "runq-replay: %s\n", err);
            bad_input++;
            continue;
        }
        if (go_override >= 0) {
            schedule_set_version(&s, go_override);
        }
        if (A.sequential) {
            runner_make_sequential(&s);
        }
        if (A.text) {
            printf("# %s%s\n", file, as_bytes ? " (read as fuzzer bytes)" : "");
            schedule_print_text(&s, stdout);
            continue;
        }
        if (A.to_bytes) {
            if (write_bytes(&s, file, A.to_bytes) != 0) {
                return 2;
            }
            continue;
        }
        dsched_result r;
        bool mismatch;
        if (run_repeats(&s, &A, file, &r, &mismatch) != 0) {
            return 2;
        }
        if (mismatch) {
            failed++;
        } else if (verdict(&s, &A, file, &r, as_bytes)) {
            passed++;
        } else {
            failed++;
        }
        if (!A.quiet && !mismatch && !A.digest) {
            warn_decisions(file, &s, &r);
        }
        fflush(stdout);
    }
    if (A.text || A.to_bytes) {
        return bad_input ? 2 : 0;
    }
    printf("%d passed, %d failed\n", passed, failed + bad_input);
    return bad_input ? 2 : failed ? 1 : 0;
}
