// outpath.c - can an output file be written? (outpath.h)
#include "outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif

static int fail(char *why, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return -1;
}

// The file system's name if path is on one of the kernel's interfaces (writing there is
// not saving output, and a test byte could mean something), else NULL.
static const char *kernel_fs(const char *path) {
#ifdef __linux__
    static const struct {
        unsigned long magic;
        const char *name;
    } fs[] = {{0x9fa0, "proc"},           {0x62656572, "sysfs"},   {0x27e0eb, "cgroup"},
              {0x63677270, "cgroup2"},    {0x64626720, "debugfs"}, {0x74726163, "tracefs"},
              {0x73636673, "securityfs"}, {0xcafe4a11, "bpf"}};
    struct statfs sf;
    if (statfs(path, &sf) == 0) {
        for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
            if ((unsigned long)sf.f_type == fs[k].magic) {
                return fs[k].name;
            }
        }
    }
#else
    (void)path;
#endif
    return NULL;
}

static int test_byte(int fd, char *why, size_t n) {
    if (write(fd, "\n", 1) != 1) {
        return fail(why, n, "a test write failed: %s", errno ? strerror(errno) : "short write");
    }
    return 0;
}

// check_new: the path appeared between stat and the exclusive create (another process,
// say a second run's own check of the same name): ask again about what is there now.
#define APPEARED 1

// path does not exist (or stat could not tell): create it, write to it, remove it.
static int check_new(const char *path, char *why, size_t n) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        struct stat now;
        if (e == EEXIST && lstat(path, &now) == 0 && S_ISREG(now.st_mode)) {
            return APPEARED;
        }
        const char *slash = strrchr(path, '/');
        struct stat st;
        if ((e == ENOENT || e == ENOTDIR) && slash != NULL && slash != path) {
            char dir[1024];
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
            if (stat(dir, &st) != 0) {
                return fail(why, n, "its folder '%s' does not exist", dir);
            }
            if (!S_ISDIR(st.st_mode)) {
                return fail(why, n, "'%s' is not a folder", dir);
            }
        }
        if (e == EEXIST && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
            return fail(why, n, "it is a symbolic link to nowhere");
        }
        char dir[1024];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
                 slash ? path : ".");
        const char *kfs = kernel_fs(dir);
        if (kfs != NULL) {
            return fail(why, n,
                        "its folder '%s' is a kernel interface (%s), not a place for output", dir,
                        kfs);
        }
        return fail(why, n, "it cannot be created: %s", strerror(e));
    }
    int rc = test_byte(fd, why, n);
    close(fd);
    unlink(path); // it did not exist: leave nothing behind
    return rc;
}

// check_existing: path is there (st): write a byte to it where that is harmless. VANISHED
// if it went away before it could be opened (another process's own check removed it).
#define VANISHED 2
static int check_existing(const char *path, const struct stat *st, char *why, size_t n) {
    if (S_ISDIR(st->st_mode)) {
        return fail(why, n, "it is a directory");
    }
    if (S_ISBLK(st->st_mode)) {
        return fail(why, n, "it is a block device");
    }
    if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode)) {
        return 0; // a test byte would reach whoever reads it
    }
    const char *kfs = S_ISREG(st->st_mode) ? kernel_fs(path) : NULL;
    if (kfs != NULL) {
        return fail(why, n, "it is a kernel interface file (%s), not a file for output", kfs);
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return VANISHED;
        }
        return fail(why, n, "it cannot be opened for writing: %s", strerror(errno));
    }
    int rc = 0;
    if (S_ISCHR(st->st_mode)) {
        rc = isatty(fd) ? 0 : test_byte(fd, why, n);
    } else if (S_ISREG(st->st_mode)) {
        // The run will write over it anyway; until then it keeps its contents.
        rc = test_byte(fd, why, n);
        if (ftruncate(fd, st->st_size) != 0 && rc == 0) {
            rc = fail(why, n, "it cannot be truncated: %s", strerror(errno));
        }
    }
    close(fd);
    return rc;
}

int outpath_check(const char *path, char *why, size_t n) {
    if (path[0] == '\0') {
        return fail(why, n, "the path is empty");
    }
    // Another process may create and remove the same path meanwhile (a second run's own
    // check of the same default name): ask again about what is there now.
    for (int tries = 0; tries < 3; tries++) {
        struct stat st;
        int rc = stat(path, &st) != 0 ? check_new(path, why, n) : check_existing(path, &st, why, n);
        if (rc != APPEARED && rc != VANISHED) {
            return rc;
        }
    }
    return fail(why, n, "it keeps appearing and vanishing (another process's file?)");
}

bool outpath_ok(const char *prog, const char *opt, const char *path) {
    char why[1200];
    if (outpath_check(path, why, sizeof why) == 0) {
        return true;
    }
    fprintf(stderr, "%s: %s: cannot write '%s': %s\n", prog, opt, path, why);
    return false;
}
