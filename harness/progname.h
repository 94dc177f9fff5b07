// progname.h - who this program is: the port it was built for (its variant) and where it
// lives, so that every hint it prints names the program built for the same port by a path
// that works from any directory, and every file it writes says which port made it.
//
// A variant program (runq-replay-<mutant>, runq-torture-broken, ...) links a generated
// file (CMake's runq_variant) that defines its identity below: the mutant's name, and its
// planted bug in one line; the plain programs link one with "". The program's main is
// compiled once and shared by every variant. Files carry a "# runq-port: NAME" comment line
// (NAME: the mutant, or the Go version "1.19"/"master" for the plain port). A file without
// that line (every committed schedule, files written before the line existed) is
// port-neutral: every program loads it.
#ifndef HARNESS_PROGNAME_H
#define HARNESS_PROGNAME_H

#include <stdbool.h>
#include <stddef.h>

// Who this program is, from the generated file it links: the variant ("" for the plain
// port, "imported" for a port tools/runq-import made) and its planted bug in one line
// (the first sentence of the patch header's "Bug:"; "" if none), for --help and banners.
extern const char runq_variant_name[];
extern const char runq_variant_bug[];

// prog_init: main calls it first.
void prog_init_variant(const char *variant, const char *bug);
#define prog_init() prog_init_variant(runq_variant_name, runq_variant_bug)
// The variant ("" for the plain port) and its planted bug ("" if unknown).
const char *prog_variant(void);
const char *prog_variant_bug(void);
// The variant is a port tools/runq-import made from a Go tree ("imported"), not a planted
// bug: no ci/mutants/ patch, and its verdicts and help say so.
bool prog_variant_is_import(void);
// The variant is a port tools/runq-import made from a master-family proc.go
// ("imported-master..."): Go master's port of its programs is the import (the fuzz targets
// run every input on master).
bool prog_variant_is_master_import(void);
// The port's name for a file's header: the variant, or go ("1.19", "master") if plain.
const char *prog_port(const char *go);
// The program `base` ("runq-replay", "runq-record", ...) built for variant ("" plain), as
// an absolute path beside this program, shell-quoted if it needs it. The variant's suffix
// is "-<variant>" (runq-torture's variants: see prog_torture_name).
void prog_sibling_for(char *buf, size_t n, const char *base, const char *variant);
// The same for this program's variant.
void prog_sibling(char *buf, size_t n, const char *base);
// The same, not quoted: for exec.
void prog_sibling_path(char *buf, size_t n, const char *base);
// This program itself (/proc/self/exe), absolute and shell-quoted.
void prog_self(char *buf, size_t n);
// path made absolute (against the current directory; the file need not exist yet) and
// shell-quoted if it needs it.
void prog_abs_path(char *buf, size_t n, const char *path);
// s shell-quoted if it holds anything but [A-Za-z0-9_./:=@%+,-].
void prog_quote(char *buf, size_t n, const char *s);
// The flags a replay hint adds for this port, with a leading space: " --go-lines" on the
// port made by tools/runq-import (variant "imported": each access's proc.go:LINE), else "".
const char *prog_replay_flags(void);
// The header line ("# runq-port: NAME\n") for a file made on port go by this program.
void prog_port_line(char *buf, size_t n, const char *go);
// Reads the "# runq-port:" line among the first lines of path. true: none, or one this
// program runs (plain: "1.19" or "master"; a variant: its own name). false: err says which
// port made the file and which program to give it to (`base` of that port; runq-record
// for a recording). The caller refuses the file with exit 2.
bool prog_port_check(const char *path, const char *base, char *err, size_t errlen);

#endif
