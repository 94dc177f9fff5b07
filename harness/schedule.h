// schedule.h - one execution of the deterministic engine, as data.
//
// A schedule is a header (threads, ring capacity, start index, flags, seed), one program
// per simulated thread, and scheduling decisions. Thread t owns P t: thread 0 is "owner",
// threads 1..7 are "thief1".."thief7" (they own their own Ps too, and steal only into
// them when empty, as Go's findrunnable does).
//
// Two forms, converting both ways:
//  - bytes (what libFuzzer mutates): a total decoder, every byte string is a schedule;
//    fixed-size fields so that changing one byte changes one op or one decision.
//      [0] threads  [1] capacity  [2] start index  [3] flags  [4..5] seed  [6] prefill
//      [7] Go version and memory: 'M' = master, 0x77 = 1.19 + memory weak, 'W' = master +
//      memory weak, anything else 1.19 (sequentially consistent); then SCHED_MAX_OPS ops
//      (2 bytes) for each of 4 threads (SCHED_BYTE_THREADS), then decisions (2 bytes each) to the
//      end. See schedule.c for each byte's meaning.
//  - text (humans, regression files): "runq-schedule v1" first, one item per line,
//    '#' comments; "go master" (or "go 1.19", the default) names the port it runs. Decisions are
//    stated at operation level ("run thief1 until runqgrab.head") so they survive small code
//    changes.
#ifndef HARNESS_SCHEDULE_H
#define HARNESS_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

// Text schedules (and the engine) run up to 8 threads, one per P: runq-torture runs up to 8
// Ps. The byte form keeps room for 4 (SCHED_BYTE_THREADS): its layout is the committed
// corpus's and the fuzzers', and a schedule of more threads has no byte form.
#define SCHED_MAX_THREADS 8
#define SCHED_BYTE_THREADS 4
#define SCHED_MAX_OPS 16
#define SCHED_MAX_DECISIONS 1024
#define SCHED_HEADER_BYTES 8
#define SCHED_PROGRAM_BYTES (SCHED_BYTE_THREADS * SCHED_MAX_OPS * 2)
#define SCHED_FIXED_BYTES (SCHED_HEADER_BYTES + SCHED_PROGRAM_BYTES)
#define SCHED_MAX_BYTES (SCHED_FIXED_BYTES + 2 * SCHED_MAX_DECISIONS)

// Operations of a simulated thread on its own P (and, for steal/empty, another P).
#define SCHED_OP_LIST(X)                                                                           \
    X(NOP, "nop", 0)                 /* does nothing (lets byte programs be short) */              \
    X(PUT, "put", 1)                 /* runqput(next=false) of n fresh Gs */                       \
    X(PUTNEXT, "putnext", 1)         /* runqput(next=true) of n fresh Gs */                        \
    X(GET, "get", 1)                 /* up to n times: runqget, run the G */                       \
    X(YIELD, "yield", 1)             /* up to n times: runqget, runqput(next=false) it */          \
    X(PUTBATCH, "putbatch", 1)       /* runqputbatch of n fresh Gs */                              \
    X(DRAIN, "drain", 0)             /* runqdrain + globrunqputbatch (the GC worker) */            \
    X(GLOBPUT, "globput", 1)         /* globrunqput of n fresh Gs */                               \
    X(GLOBPUTHEAD, "globputhead", 0) /* globrunqputhead of one fresh G */                          \
    X(GLOBGET, "globget", 1)         /* globrunqget(max=n-1), run the G (ring <= cap/2) */         \
    X(STEAL, "steal", 2)             /* if own queue empty: runqsteal(victim), run the G */        \
    X(STEALNEXT, "stealnext", 2)     /* same with stealRunNextG */                                 \
    X(EMPTY, "empty", 2)             /* runqempty(victim): must not lie */                         \
    X(IDLE, "idle", 0)               /* own P status = _Pidle (no runnext back-off) */             \
    X(RUNNING, "running", 0)         /* own P status = _Prunning; "syscall": master, its G  */     \
                                     /* is in a syscall (target 1; see SCHED_SYSCALL)       */

enum sched_op_kind {
#define SCHED_OP_ENUM(id, name, args) SOP_##id,
    SCHED_OP_LIST(SCHED_OP_ENUM)
#undef SCHED_OP_ENUM
        SOP_COUNT
};

typedef struct sched_op {
    uint8_t kind;   // enum sched_op_kind
    uint8_t target; // victim thread (steal, empty)
    uint16_t n;     // count, 1..256
} sched_op;

// Decision modes: how long the chosen thread runs before the next decision.
enum sched_mode {
    SMODE_STEPS = 0, // arg scheduling points
    SMODE_UNTIL = 1, // until just after its next access at site arg (enum runq_site)
    SMODE_OP = 2,    // until its current (or next) operation ends
    SMODE_OPS = 3,   // until arg operations have ended
    SMODE_READ = 4,  // not a run: thread's next load with a choice reads arg stores back
                     // (`memory weak` only; see memmodel.h)
};

typedef struct sched_decision {
    uint8_t thread;
    uint8_t mode;
    uint16_t arg;
} sched_decision;

enum {
    SFLAG_RANDOMIZE = 1,   // randomizeScheduler on (batches shuffled; order checks off)
    SFLAG_PCT = 2,         // PCT strategy: ignore decisions, priorities + change points
    SFLAG_WEAK = 4,        // `memory weak`: loads may read older stores (default: SC)
    SFLAG_NOSYSMON = 8,    // Go master only: haveSysmon false (runqput ignores next)
    SFLAG_PCT_WITHIN = 16, // with SFLAG_PCT: change points drawn within the run's estimated
                           // length (`strategy pct D within`; dsched.c), not in steps 1..2000
};
// Byte form: header byte [7] (reserved before) equal to this means `memory weak`. No
// committed byte file has it there, so every one keeps its meaning.
#define SCHED_WEAK_MAGIC 0x77
// Byte form, weak schedules only: a decision whose first byte has both bits 0x30 set is
// `read T stale K` with K = second byte % SCHED_STALE_MAX.
#define SCHED_STALE_MAX 8

// Byte form, `strategy pct D within`: header byte [7] takes one of these four values (one
// per Go version and memory mode) and byte [3] has the PCT bit. No committed byte file has
// any of them at byte 7 (checked over corpus/ when they were chosen), so every one keeps
// its meaning. A header byte [7] of these values without the PCT bit is its version and
// memory mode only (re-encoded as the plain value).
#define SCHED_WITHIN_BYTE 0x70             // 'p': Go 1.19, sequentially consistent
#define SCHED_WITHIN_WEAK_BYTE 0x78        // 'x': Go 1.19, memory weak
#define SCHED_WITHIN_MASTER_BYTE 0x6d      // 'm': Go master, sequentially consistent
#define SCHED_WITHIN_MASTER_WEAK_BYTE 0x58 // 'X': Go master, memory weak

// Go versions a schedule can name (the port it runs on).
enum sched_version { SVER_119 = 0, SVER_MASTER = 1 };
#define SCHED_VERSION_BYTE 'M'     // header byte 7 of a master byte schedule
#define SCHED_MASTER_WEAK_BYTE 'W' // ... of a master byte schedule under memory weak
// A RUNNING op with this target: (master) the P runs a G that is in a syscall, so a thief
// skips runqgrab's back-off. Text: "syscall".
#define SCHED_SYSCALL 1

// Header byte [7]: what it says (the decoder's rule; the mutator uses these too).
static inline bool sched_byte7_master(uint8_t b) {
    return b == SCHED_VERSION_BYTE || b == SCHED_MASTER_WEAK_BYTE ||
           b == SCHED_WITHIN_MASTER_BYTE || b == SCHED_WITHIN_MASTER_WEAK_BYTE;
}
static inline bool sched_byte7_weak(uint8_t b) {
    return b == SCHED_WEAK_MAGIC || b == SCHED_MASTER_WEAK_BYTE || b == SCHED_WITHIN_WEAK_BYTE ||
           b == SCHED_WITHIN_MASTER_WEAK_BYTE;
}
static inline bool sched_byte7_within(uint8_t b) { // with the PCT bit of byte [3]
    return b == SCHED_WITHIN_BYTE || b == SCHED_WITHIN_WEAK_BYTE || b == SCHED_WITHIN_MASTER_BYTE ||
           b == SCHED_WITHIN_MASTER_WEAK_BYTE;
}
// The byte [7] for a version, memory mode and PCT-within (the encoder's rule).
static inline uint8_t sched_byte7(bool master, bool weak, bool within) {
    static const uint8_t v[8] = {0,
                                 SCHED_WEAK_MAGIC,
                                 SCHED_VERSION_BYTE,
                                 SCHED_MASTER_WEAK_BYTE,
                                 SCHED_WITHIN_BYTE,
                                 SCHED_WITHIN_WEAK_BYTE,
                                 SCHED_WITHIN_MASTER_BYTE,
                                 SCHED_WITHIN_MASTER_WEAK_BYTE};
    return v[(master ? 2 : 0) + (weak ? 1 : 0) + (within ? 4 : 0)];
}

typedef struct schedule {
    uint8_t version;   // enum sched_version
    uint8_t nthreads;  // 1..SCHED_MAX_THREADS (1..SCHED_BYTE_THREADS from bytes)
    uint16_t cap;      // 4, 8 or 256
    uint32_t start;    // initial runqhead = runqtail of every P
    uint8_t flags;     // SFLAG_*
    uint8_t pct_depth; // PCT: d (d-1 priority change points), 1..8
    uint16_t seed;     // PRNG once decisions run out; PCT's randomness
    uint16_t prefill;  // Gs the owner puts, alone, before anything runs
    uint8_t nops[SCHED_MAX_THREADS];
    sched_op ops[SCHED_MAX_THREADS][SCHED_MAX_OPS];
    uint16_t ndecisions;
    sched_decision dec[SCHED_MAX_DECISIONS];
    // runq-schedule v2 (initial.h): the queues' state at the start; NULL = empty queues at
    // `start` (v1). Not carried by the byte form.
    const struct sched_initial *init;
    // In memory only (initial.h): programs/decisions beyond the arrays above; NULL = none.
    const struct sched_long *longp;
} schedule;

const char *sched_op_name(int kind);
const char *sched_version_name(int version); // "1.19", "master"
// Parses "1.19" or "master" (as --go takes it); -1 if neither.
int sched_version_lookup(const char *name);
// Sites a schedule of this version may name (1.19 has fewer: runq_sites.h).
int sched_site_count(int version);
const char *sched_thread_name(int t); // "owner", "thief1", ...

// Total: any bytes decode to a valid schedule (Go's preconditions enforced, not reported).
void schedule_decode(const uint8_t *data, size_t size, schedule *s);
// Canonical bytes for s (decodes back to s) when s has at most SCHED_BYTE_THREADS threads
// (callers check). Returns the length.
size_t schedule_encode(const schedule *s, uint8_t *out, size_t max);
// Text form. On error returns -1 and writes "FILE:LINE: what was expected" to err.
int schedule_parse_text(const char *text, size_t len, const char *file, schedule *s, char *err,
                        size_t errlen);
void schedule_print_text(const schedule *s, FILE *out);
// Reads a buffer in either form, as runq-replay and the fuzz targets both do: text if it
// starts with "runq-schedule" (after blank and '#' lines), else bytes. Returns -1 only
// for text that does not parse (err, if given, says where).
int schedule_load_bytes(const uint8_t *data, size_t size, schedule *s, char *err, size_t errlen);
// Reads a file in either form: text if it starts with "runq-schedule" (after a UTF-8
// byte-order mark, blank and '#' lines), else bytes. Refused (-1, err names the file, and
// the line where there is one): an unreadable file, a directory, a text schedule that does
// not parse, an empty file, another program's file (schedule_sniff), and typed text without
// the first line (schedule_looks_like_text). Decoding any of those as fuzzer bytes would
// run a schedule nobody wrote.
int schedule_load_file(const char *path, schedule *s, char *err, size_t errlen);
// The same; form SCHED_LOAD_BYTES decodes any file as fuzzer bytes (runq-replay --bytes).
// *as_bytes (if not NULL) tells whether the file was read as fuzzer bytes: every verdict
// on such a file says so.
enum { SCHED_LOAD_AUTO, SCHED_LOAD_BYTES };
int schedule_load_file_as(const char *path, int form, schedule *s, bool *as_bytes, char *err,
                          size_t errlen);
// Is this another program's file rather than a schedule: an ELF file, compressed data
// (gzip, xz, bzip2, zstd), a zip, a PNG, JSON (a Chrome trace, a runq-torture --json
// report), or what runq-torture writes (a failure trace, a --record recording, its log)?
// Then 1, and err says "PATH: not a schedule: what it is; what to give instead". truncated:
// data is only the file's start. Fuzzer bytes almost never match: every test needs a magic
// number of three or more bytes or text in a program's shape (no committed corpus file does).
int schedule_sniff(const uint8_t *data, size_t size, bool truncated, const char *path, char *err,
                   size_t errlen);
// Makes s run on Go version v (--go): what only master has (sysmon off, syscall ops,
// decisions at master-only sites) is dropped when v is 1.19.
void schedule_set_version(schedule *s, int v);
// Is this buffer the text form?
int schedule_is_text(const uint8_t *data, size_t size);
// Is it typed text (printable UTF-8 with a newline whose first token is a '#' comment or a
// word of two or more letters)? Fuzzer bytes almost never are: of the 1,849 committed
// corpus files that are not .txt, none.
int schedule_looks_like_text(const uint8_t *data, size_t size);
// Would schedule_load_file refuse these bytes (empty, another program's file, or typed text
// without the magic line)? Then a fuzz input's replay command needs --bytes.
int schedule_needs_bytes_flag(const uint8_t *data, size_t size);
// 3 if data starts with a UTF-8 byte-order mark (skipped), else 0.
size_t schedule_bom_len(const uint8_t *data, size_t size);

#endif
