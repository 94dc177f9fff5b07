// cli.h - one command-line style for the programs (runq-replay, runq-explore, runq-record,
// runq-torture): libc's getopt_long, with errors that name the option and exit 2, a hidden
// --list-options that prints the option table (ci/help_drift.py compares it with --help,
// so the help cannot drift from what the program accepts), and the note a variant program
// (built on a planted bug, progname.h) prints in its --help.
//
// Long options may be abbreviated to a unique prefix (getopt_long's rule); an ambiguous
// prefix is an error that lists the candidates.
#ifndef HARNESS_CLI_H
#define HARNESS_CLI_H

#include <getopt.h>
#include <stdio.h>

// Returned by cli_next for a bad option, after its message is printed on stderr.
#define CLI_BAD (-2)
// The val of the hidden --list-options entry every table carries (CLI_LIST_OPTIONS_ENTRY).
#define CLI_LIST_OPTIONS 0x4c4f
#define CLI_LIST_OPTIONS_ENTRY                                                                     \
    { "list-options", no_argument, NULL, CLI_LIST_OPTIONS }

// cli_next: the next option of argv (getopt_long over opts, plus -h for --help, whose val
// must be 'h'): its val, -1 after the last, or CLI_BAD after saying on stderr
// "PROG: unknown option '--x' (try --help)", "PROG: option --x needs a value (try --help)",
// "PROG: option --x takes no value" or "PROG: ambiguous option '--s': --start, --stall".
// CLI_LIST_OPTIONS is handled here: the table is printed and the program exits 0.
int cli_next(const char *prog, int argc, char **argv, const struct option *opts);

// argv0 without its directory: the program's own name, for usage lines.
const char *cli_basename(const char *argv0);

// The long name of the option whose val is val ("?" if none), for messages.
const char *cli_name(const struct option *opts, int val);

// The usage error of a bad value: "PROG: bad --OPT 'GOT': expected WHAT (try --help)".
// Returns 2, the exit status.
int cli_bad_value(const char *prog, const char *opt, const char *what, const char *got);

// For a variant program, its planted bug in --help: "This PROG is built on a planted bug
// ..." with the mutant's name and one-line description; nothing for the plain port.
void cli_variant_help(FILE *f, const char *prog);

#endif
