// runq_replay.c - runq-replay: run schedule files on the deterministic engine.
//
// Options: see help_text below (runq-replay --help).
// Reads byte schedules (fuzzer inputs, crash files) and text schedules ("runq-schedule v1").
// Exit: 0 all passed (or all failed as --expect said), 1 a failure, 2 usage or unreadable
// or malformed input (the message names the file and line).
#include "outpath.h"
#include "progname.h"
#include "runner.h"
#include "runq_sites.h"
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
    "usage: runq-replay [--trace [--steps]] [--go-lines] [--access-digest] [--sequential]\n"
    "                   [--bytes] [--text]\n"
    "                   [--to-bytes OUT] [--repeat N] [--expect INVARIANT] [--quiet]\n"
    "                   [--chrome-trace OUT]\n"
    "                   [--go 1.19|master] FILE...\n"
    "       runq-replay --list-sites | --list-invariants | --help\n";

static const char help_text[] =
    "Runs schedule files on the deterministic engine and prints each one's verdict.\n"
    "\n"
    "  --trace          print a swimlane: a column per simulated thread, a row per step,\n"
    "                   the queues beside it (docs/traces.md explains every column)\n"
    "  --steps          with --trace: every step of every op (an op that ran alone is\n"
    "                   folded into one line otherwise)\n"
    "  --go-lines       on a port made by tools/runq-import: with --trace, each access's\n"
    "                   Go source line beside it (proc.go:LINE); a failure names the\n"
    "                   failing thread's last access and its line\n"
    "  --access-digest  print one line per file instead of its verdict: FILE: digest HEX,\n"
    "                   steps, verdict; HEX hashes every step (thread, site, kind, memory\n"
    "                   order, location and value): two ports that run a file the same way\n"
    "                   step by step print the same line (ci/compare_imported.py)\n"
    "  --sequential     run as fuzz_runq_model does (one whole op per decision)\n"
    "  --bytes          read every FILE as fuzzer bytes, even one that looks like text\n"
    "  --text           print each schedule in text form and exit (bytes -> text)\n"
    "  --to-bytes OUT   write the (single) schedule's canonical byte form to OUT\n"
    "  --chrome-trace OUT  write the (single) schedule's execution to OUT in the Chrome\n"
    "                   Trace Event format (Perfetto UI, chrome://tracing, speedscope); the\n"
    "                   timestamp is the engine's step, so the bytes are the same every run\n"
    "  --repeat N       run each file N times; fail unless verdict and trace are identical\n"
    "  --expect ID      succeed only if every file fails with invariant ID\n"
    "                   (a registered id the engine reports: --list-invariants)\n"
    "  --quiet          print failures only\n"
    "  --go VERSION     run on Go VERSION's port (1.19 or master) whatever the file names\n"
    "  --list-sites     print the site names 'run T until SITE' takes, and exit\n"
    "  --list-invariants  print the invariant registry (id, who reports it, meaning), and exit\n"
    "  --help           this text\n"
    "\n"
    "A FILE is a text schedule if it starts with 'runq-schedule v1' (after a byte-order\n"
    "mark, blank and '#' lines), else fuzzer bytes. Refused (--bytes reads them as bytes):\n"
    "empty files, typed text without that line, and other programs' files: JSON (a Chrome\n"
    "trace), runq-torture's failure trace, log and --record recording (runq-record takes\n"
    "that), ELF files, compressed files and archives, images. A verdict on a file read as\n"
    "bytes ends with '(read as fuzzer bytes)'.\n"
    "Output files (--to-bytes, --chrome-trace) are checked before anything runs.\n"
    "Exit: 0 all passed (or failed as --expect said), 1 a failure, 2 usage or bad input.\n";

static void usage(void) {
    fputs(usage_line, stderr);
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

int main(int argc, char **argv) {
    bool trace = false, text = false, quiet = false, sequential = false, bytes = false;
    bool trace_steps = false, trace_go_lines = false, digest = false;
    const char *to_bytes = NULL, *expect = NULL, *chrome = NULL;
    long repeat = 1;
    int first = argc;
    prog_init(RUNQ_VARIANT);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool valued = strcmp(a, "--to-bytes") == 0 || strcmp(a, "--expect") == 0 ||
                      strcmp(a, "--repeat") == 0 || strcmp(a, "--chrome-trace") == 0 ||
                      strcmp(a, "--go") == 0;
        if (valued && i + 1 >= argc) {
            fprintf(stderr, "runq-replay: option %s needs a value\n", a);
            usage();
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_line, stdout);
            fputs(help_text, stdout);
            return 0;
        } else if (strcmp(a, "--list-sites") == 0) {
            for (int k = 0; k < RQ_SITE_COUNT; k++) {
                printf("%-24s %s\n", runq_site_name((enum runq_site)k),
                       runq_site_what((enum runq_site)k));
            }
            return 0;
        } else if (strcmp(a, "--list-invariants") == 0) {
            for (int k = 0; k < INV_COUNT; k++) {
                printf("%-20s %-16s %s\n", inv_name((enum inv_id)k),
                       inv_emitters_text(inv_emitters((enum inv_id)k)),
                       inv_meaning((enum inv_id)k));
            }
            return 0;
        } else if (strcmp(a, "--trace") == 0) {
            trace = true;
        } else if (strcmp(a, "--go-lines") == 0) {
            trace_go_lines = true;
        } else if (strcmp(a, "--access-digest") == 0) {
            digest = true;
        } else if (strcmp(a, "--steps") == 0) {
            trace_steps = true;
        } else if (strcmp(a, "--bytes") == 0) {
            bytes = true;
        } else if (strcmp(a, "--text") == 0) {
            text = true;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--sequential") == 0) {
            sequential = true;
        } else if (strcmp(a, "--to-bytes") == 0) {
            to_bytes = argv[++i];
        } else if (strcmp(a, "--chrome-trace") == 0) {
            chrome = argv[++i];
        } else if (strcmp(a, "--go") == 0) {
            go_override = sched_version_lookup(argv[++i]);
            if (go_override < 0) {
                fprintf(stderr, "runq-replay: --go: expected 1.19 or master, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--expect") == 0) {
            expect = argv[++i];
        } else if (strcmp(a, "--repeat") == 0) {
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
        fprintf(stderr, "runq-replay: no FILE given\n");
        usage();
    }
    if (expect) {
        int id = inv_lookup(expect);
        if (id < 0) {
            fprintf(stderr,
                    "runq-replay: --expect: '%s' is not a registered invariant id "
                    "(harness/invariants.def; docs/invariants.md lists them)\n",
                    expect);
            return 2;
        }
        if (!(inv_emitters((enum inv_id)id) & (INV_ENGINE | INV_TOOLS))) {
            fprintf(stderr, "runq-replay: --expect: '%s' is reported by %s, never by runq-replay\n",
                    expect, inv_emitters_text(inv_emitters((enum inv_id)id)));
            return 2;
        }
    }
    if (to_bytes && argc - first != 1) {
        fprintf(stderr, "runq-replay: --to-bytes takes exactly one input file\n");
        return 2;
    }
    if (chrome && argc - first != 1) {
        fprintf(stderr, "runq-replay: --chrome-trace takes exactly one input file\n");
        return 2;
    }
    // Output paths are checked now, not after the run.
    if ((to_bytes && !outpath_ok("runq-replay", "--to-bytes", to_bytes)) ||
        (chrome && !outpath_ok("runq-replay", "--chrome-trace", chrome))) {
        return 2;
    }
    int failed = 0, passed = 0, bad_input = 0;
    static schedule s;
    for (int i = first; i < argc; i++) {
        const char *file = argv[i];
        char err[1600];
        bool as_bytes = false;
        if ((!bytes && !prog_port_check(file, "runq-replay", err, sizeof err)) ||
            schedule_load_file_as(file, bytes ? SCHED_LOAD_BYTES : SCHED_LOAD_AUTO, &s, &as_bytes,
                                  err, sizeof err) != 0) {
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
            printf("# %s%s\n", file, as_bytes ? " (read as fuzzer bytes)" : "");
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
                // A temporary file, not a memstream: fibers write the trace, and libc's
                // reallocations of a memstream there would be races to ThreadSanitizer.
                tf = tmpfile();
                if (tf == NULL) {
                    fprintf(stderr, "runq-replay: cannot create a temporary file: %s\n",
                            strerror(errno));
                    return 2;
                }
            }
            FILE *cf = NULL;
            char title[1100];
            if (chrome && k == 0) {
                cf = fopen(chrome, "w");
                if (cf == NULL) {
                    fprintf(stderr, "runq-replay: %s: cannot write: %s\n", chrome, strerror(errno));
                    return 2;
                }
                snprintf(title, sizeof title, "runq-replay %s", file);
            }
            dsched_options o = {0};
            o.trace = tf;
            o.trace_steps = trace_steps;
            o.trace_go_lines = trace_go_lines;
            o.access_digest = digest;
            o.chrome = cf;
            o.chrome_title = title;
            runner_run_opts(&s, &o, &r);
            if (tf) {
                long end = ftell(tf);
                tlen = end > 0 ? (size_t)end : 0;
                tbuf = malloc(tlen + 1);
                rewind(tf);
                if (tbuf == NULL || fread(tbuf, 1, tlen, tf) != tlen) {
                    fprintf(stderr, "runq-replay: cannot read back the trace\n");
                    return 2;
                }
                fclose(tf);
            }
            if (cf && (ferror(cf) | fclose(cf)) != 0) {
                fprintf(stderr, "runq-replay: %s: cannot write: %s\n", chrome, strerror(errno));
                return 2;
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
                        "!!! invariant=%s: %s: run %ld differs from run 1 "
                        "(verdict %s/%s, steps %llu/%llu, trace hash %016llx/%016llx)\n",
                        inv_name(INV_NONDETERMINISM), file, k + 1, r.failed ? r.invariant : "ok",
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
        char repro[2600];
        repro_cmd(repro, sizeof repro, file, sequential, bytes);
        // A file decoded as bytes may not be what the user meant to run: every verdict says so.
        const char *how = as_bytes ? " (read as fuzzer bytes)" : "";
        if (digest && !mismatch) {
            // the whole verdict in one comparable line (no paths of this build in it)
            printf("%s: digest %016llx, %llu steps, %s%s\n", file,
                   (unsigned long long)first_r.access_digest, (unsigned long long)first_r.steps,
                   first_r.failed ? "invariant=" : "ok", first_r.failed ? first_r.invariant : "");
            if (first_r.failed && !(expect && strcmp(expect, first_r.invariant) == 0)) {
                failed++;
            } else {
                passed++;
            }
        } else if (mismatch) {
            failed++;
        } else if (first_r.failed) {
            if (expect && strcmp(expect, first_r.invariant) == 0) {
                passed++;
                if (!quiet) {
                    printf("%s: failed as expected: invariant=%s%s\n", file, first_r.invariant,
                           how);
                }
            } else {
                failed++;
                printf("%s: FAIL%s\n", file, how);
                runner_report(stdout, &first_r, repro);
                if (trace_go_lines && first_r.go_at[0]) {
                    printf("last access of %s: %s\n",
                           first_r.thread >= 0 ? sched_thread_name(first_r.thread) : "end",
                           first_r.go_at);
                }
            }
        } else if (expect) {
            failed++;
            printf("%s: ok, but invariant=%s was expected%s\n", file, expect, how);
        } else {
            passed++;
            if (!quiet) {
                printf("%s: ok (%llu steps, %u switches, %u ops, %u skipped by Go's "
                       "preconditions%s%s%s)%s\n",
                       file, (unsigned long long)first_r.steps, first_r.switches, first_r.ops,
                       first_r.ops_skipped, s.version == SVER_MASTER ? ", go master" : "",
                       s.flags & SFLAG_WEAK ? ", memory weak" : "",
                       repeat > 1 ? ", identical on every repeat" : "", how);
            }
        }
        if (!quiet && !mismatch && !digest) {
            warn_decisions(file, &s, &first_r);
        }
        fflush(stdout);
    }
    if (text || to_bytes) {
        return bad_input ? 2 : 0;
    }
    printf("%d passed, %d failed\n", passed, failed + bad_input);
    return bad_input ? 2 : failed ? 1 : 0;
}
