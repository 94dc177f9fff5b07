// progname.c - who this program is (progname.h): its variant, its directory, the paths of
// the programs built for the same port, and the "# runq-port:" header of the files.
#include "progname.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *variant = "";
static const char *variant_bug = "";
static char self_exe[PATH_MAX];
static char self_dir[PATH_MAX] = ".";

void prog_init_variant(const char *v, const char *bug) {
    variant = v ? v : "";
    variant_bug = bug ? bug : "";
    ssize_t k = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (k <= 0) {
        self_exe[0] = 0;
        return;
    }
    self_exe[k] = 0;
    char *slash = strrchr(self_exe, '/');
    if (slash) {
        snprintf(self_dir, sizeof self_dir, "%.*s", (int)(slash - self_exe), self_exe);
    }
}

const char *prog_variant(void) {
    return variant;
}

const char *prog_variant_bug(void) {
    return variant_bug;
}

bool prog_variant_is_import(void) {
    return strncmp(variant, "imported", 8) == 0;
}

bool prog_variant_is_master_import(void) {
    return strncmp(variant, "imported-master", 15) == 0;
}

const char *prog_port(const char *go) {
    return variant[0] ? variant : go;
}

void prog_quote(char *buf, size_t n, const char *s) {
    if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                          "_./:=@%+,-") == strlen(s)) {
        snprintf(buf, n, "%s", s);
        return;
    }
    // '...' with each ' written as '\''.
    size_t o = 0;
    if (o + 1 < n) {
        buf[o++] = '\'';
    }
    for (; *s && o + 5 < n; s++) {
        if (*s == '\'') {
            memcpy(buf + o, "'\\''", 4);
            o += 4;
        } else {
            buf[o++] = *s;
        }
    }
    if (o + 1 < n) {
        buf[o++] = '\'';
    }
    buf[o < n ? o : n - 1] = 0;
}

// The program's file name for base and variant: runq-torture's two named variants keep
// their names (stress/CMakeLists.txt); everything else is <base>-<variant>.
static void variant_name(char *buf, size_t n, const char *base, const char *v) {
    if (!v[0]) {
        snprintf(buf, n, "%s", base);
    } else if (strcmp(base, "runq-torture") == 0 && strcmp(v, "grab-runnext-no-cas") == 0) {
        snprintf(buf, n, "runq-torture-broken");
    } else if (strcmp(base, "runq-torture") == 0 && strcmp(v, "put-room-not-wrap-safe") == 0) {
        snprintf(buf, n, "runq-torture-throw");
    } else {
        snprintf(buf, n, "%s-%s", base, v);
    }
}

void prog_sibling_for(char *buf, size_t n, const char *base, const char *v) {
    char name[256], path[PATH_MAX + 256];
    variant_name(name, sizeof name, base, v);
    if (!self_exe[0]) { // prog_init not called (a library's test): the name alone
        prog_quote(buf, n, name);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", self_dir, name);
    prog_quote(buf, n, path);
}

void prog_sibling(char *buf, size_t n, const char *base) {
    prog_sibling_for(buf, n, base, variant);
}

void prog_sibling_path(char *buf, size_t n, const char *base) {
    char name[256];
    variant_name(name, sizeof name, base, variant);
    snprintf(buf, n, "%s/%s", self_dir, name);
}

void prog_self(char *buf, size_t n) {
    prog_quote(buf, n, self_exe[0] ? self_exe : "runq");
}

void prog_abs_path(char *buf, size_t n, const char *path) {
    char cwd[PATH_MAX], full[2 * PATH_MAX];
    if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL) {
        snprintf(full, sizeof full, "%s", path);
    } else {
        snprintf(full, sizeof full, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
                 strncmp(path, "./", 2) == 0 ? path + 2 : path);
    }
    prog_quote(buf, n, full);
}

const char *prog_replay_flags(void) {
    return prog_variant_is_import() ? " --go-lines" : "";
}

void prog_port_line(char *buf, size_t n, const char *go) {
    snprintf(buf, n, "# runq-port: %s\n", prog_port(go));
}

bool prog_port_check(const char *path, const char *base, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return true; // the loader says why it cannot read it
    }
    char line[512], port[128] = "";
    bool recording = false;
    // The header is among the first lines (comments before and after the magic line).
    for (int k = 0; k < 16 && fgets(line, sizeof line, f); k++) {
        recording |= strncmp(line, "runq-record v1", 14) == 0;
        if (strncmp(line, "# runq-port: ", 13) == 0) {
            snprintf(port, sizeof port, "%.120s", line + 13);
            port[strcspn(port, " \t\r\n")] = 0;
            break;
        }
    }
    fclose(f);
    bool plain_file = strcmp(port, "1.19") == 0 || strcmp(port, "master") == 0;
    const char *file_variant = plain_file ? "" : port;
    if (!port[0] || strcmp(file_variant, variant) == 0) {
        return true;
    }
    char right[PATH_MAX + 300], name[256], full[PATH_MAX + 256];
    // A recording goes to runq-record (runq-explore takes it too, with --from-record).
    const char *to = recording && strcmp(base, "runq-explore") != 0 ? "runq-record" : base;
    variant_name(name, sizeof name, to, file_variant);
    snprintf(full, sizeof full, "%s/%s", self_dir, name);
    prog_quote(right, sizeof right, full);
    snprintf(err, errlen,
             "%s: made on port %s (its '# runq-port: %s' line), but %s runs %s: give it to %s%s",
             path, port, port, base, variant[0] ? variant : "the plain port (1.19, master)", right,
             access(full, X_OK) == 0 ? "" : " (not built here)");
    return false;
}
