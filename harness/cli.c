// cli.c - the programs' shared command-line handling (cli.h).
#include "cli.h"
#include "progname.h"

#include <stdlib.h>
#include <string.h>

const char *cli_basename(const char *argv0) {
    const char *slash = strrchr(argv0, '/');
    return slash ? slash + 1 : argv0;
}

const char *cli_name(const struct option *opts, int val) {
    for (const struct option *o = opts; o->name; o++) {
        if (o->val == val) {
            return o->name;
        }
    }
    return "?";
}

// The options a (long) prefix names, ", "-separated.
static void prefix_matches(const struct option *opts, const char *arg, char *buf, size_t n) {
    size_t len = strcspn(arg, "=");
    int k = 0;
    size_t off = 0;
    buf[0] = 0;
    for (const struct option *o = opts; o->name; o++) {
        if (o->val != CLI_LIST_OPTIONS && strncmp(o->name, arg, len) == 0) {
            if (off < n) {
                off += (size_t)snprintf(buf + off, n - off, "%s--%s", k ? ", " : "", o->name);
            }
            k++;
        }
    }
}

// The option getopt_long took name (up to '=' or its end) for: an exact match, else the
// only one it is a prefix of; NULL if none or several (*nmatch says how many).
static const struct option *named(const struct option *opts, const char *name, size_t len,
                                  int *nmatch) {
    const struct option *found = NULL;
    *nmatch = 0;
    for (const struct option *o = opts; o->name; o++) {
        if (o->val == CLI_LIST_OPTIONS || strncmp(o->name, name, len) != 0) {
            continue;
        }
        if (strlen(o->name) == len) {
            *nmatch = 1;
            return o;
        }
        found = o;
        ++*nmatch;
    }
    return *nmatch == 1 ? found : NULL;
}

static int bad_option(const char *prog, const struct option *opts, const char *arg) {
    if (arg && strncmp(arg, "--", 2) == 0) {
        const char *name = arg + 2;
        size_t len = strcspn(name, "=");
        int n;
        const struct option *o = named(opts, name, len, &n);
        if (o && o->has_arg == no_argument && name[len] == '=') {
            // getopt_long says '?' for a flag given a value too
            fprintf(stderr, "%s: option --%s takes no value (try --help)\n", prog, o->name);
        } else if (n > 1) {
            char cands[512];
            prefix_matches(opts, name, cands, sizeof cands);
            fprintf(stderr, "%s: ambiguous option '--%.*s': %s (try --help)\n", prog, (int)len,
                    name, cands);
        } else {
            fprintf(stderr, "%s: unknown option '--%.*s' (try --help)\n", prog, (int)len, name);
        }
        return CLI_BAD;
    }
    fprintf(stderr, "%s: unknown option '%s' (try --help)\n", prog, arg ? arg : "?");
    return CLI_BAD;
}

static void list_options(const struct option *opts) {
    for (const struct option *o = opts; o->name; o++) {
        if (o->val != CLI_LIST_OPTIONS) {
            printf("--%s%s\n", o->name, o->has_arg == no_argument ? "" : " VALUE");
        }
    }
}

int cli_next(const char *prog, int argc, char **argv, const struct option *opts) {
    opterr = 0; // the messages are ours: they name the option and end in exit 2
    int before = optind;
    int c = getopt_long(argc, argv, ":h", opts, NULL);
    if (c == CLI_LIST_OPTIONS) {
        list_options(opts);
        exit(0);
    }
    if (c == ':') {
        fprintf(stderr, "%s: option --%s needs a value (try --help)\n", prog,
                optopt ? cli_name(opts, optopt) : "?");
        return CLI_BAD;
    }
    if (c == '?') {
        // The offending element: the one getopt_long just stepped over.
        const char *arg = optind - 1 >= before && optind - 1 < argc ? argv[optind - 1] : NULL;
        return bad_option(prog, opts, arg);
    }
    return c;
}

int cli_bad_value(const char *prog, const char *opt, const char *what, const char *got) {
    fprintf(stderr, "%s: bad %s '%s': expected %s (try --help)\n", prog, opt, got ? got : "", what);
    return 2;
}

void cli_variant_help(FILE *f, const char *prog) {
    const char *v = prog_variant();
    if (!v[0]) {
        return;
    }
    if (prog_variant_is_import()) {
        fprintf(f,
                "This %s runs the port tools/runq-import made from a Go tree's proc.go\n"
                "(a build configured with -DRUNQ_IMPORT_PROC_GO), not a hand port.\n",
                prog);
        return;
    }
    fprintf(f,
            "This %s is built on a planted bug, for the checks to catch:\n  %s "
            "(ci/mutants/%s.patch)%s",
            prog, v, v, prog_variant_bug()[0] ? ":" : "\n");
    // The description, wrapped at 90 columns.
    int col = 90;
    for (const char *w = prog_variant_bug(); *w;) {
        while (*w == ' ') {
            w++;
        }
        int len = (int)strcspn(w, " ");
        if (len == 0) {
            break;
        }
        if (col + 1 + len > 88) {
            fputs("\n   ", f);
            col = 3;
        }
        fprintf(f, " %.*s", len, w);
        col += 1 + len;
        w += len;
    }
    if (prog_variant_bug()[0]) {
        fputc('\n', f);
    }
}
