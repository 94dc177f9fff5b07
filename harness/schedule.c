// schedule.c - byte and text forms of a schedule (see schedule.h).
// Over 500 lines: the byte decoder, the text parser and the text printer are three views of
// one format that must change together (a field added to one is added to all three here).
#include "schedule.h"

#include "initial.h"
#include "runq_sites.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const op_names[] = {
#define SCHED_OP_NAME(id, name, args) name,
    SCHED_OP_LIST(SCHED_OP_NAME)
#undef SCHED_OP_NAME
};
static const int op_args[] = {
#define SCHED_OP_ARGS(id, name, args) args,
    SCHED_OP_LIST(SCHED_OP_ARGS)
#undef SCHED_OP_ARGS
};
// The ops a text schedule may name, for an error message: SCHED_OP_LIST without nop, then
// master's "syscall" (a spelling of running).
static void op_name_list(char *buf, size_t n) {
    size_t off = 0;
    for (int k = SOP_NOP + 1; k < SOP_COUNT && off < n; k++) {
        off += (size_t)snprintf(buf + off, n - off, "%s, ", op_names[k]);
    }
    if (off < n) {
        snprintf(buf + off, n - off, "syscall");
    }
}
static const char *const thread_names[SCHED_MAX_THREADS] = {"owner",  "thief1", "thief2", "thief3",
                                                            "thief4", "thief5", "thief6", "thief7"};
static const uint16_t caps[] = {4, 8, 256};

const char *sched_version_name(int version) {
    return version == SVER_MASTER ? "master" : "1.19";
}
int sched_version_lookup(const char *name) {
    return strcmp(name, "1.19") == 0 ? SVER_119 : strcmp(name, "master") == 0 ? SVER_MASTER : -1;
}
int sched_site_count(int version) {
    return version == SVER_MASTER ? RQ_SITE_COUNT_MASTER : RQ_SITE_COUNT_V119;
}

const char *sched_op_name(int kind) {
    return kind >= 0 && kind < SOP_COUNT ? op_names[kind] : "?";
}
const char *sched_thread_name(int t) {
    return t >= 0 && t < SCHED_MAX_THREADS ? thread_names[t] : "?";
}

// Go's preconditions, applied by both decoders: a steal or an empty check names another
// thread's P; counts are 1..256.
static void normalize_op(schedule *s, int t, sched_op *op) {
    if (op->n == 0) {
        op->n = 1;
    }
    if (op_args[op->kind] == 2) { // the op names another thread (SCHED_OP_LIST)
        if (s->nthreads < 2) {
            op->kind = SOP_NOP; // nobody to steal from
        } else {
            op->target %= s->nthreads;
            if (op->target == t) {
                op->target = (uint8_t)((t + 1) % s->nthreads);
            }
        }
    } else if (!(op->kind == SOP_RUNNING && s->version == SVER_MASTER)) {
        op->target = 0;
    } else {
        op->target &= SCHED_SYSCALL; // master: running or syscall
    }
}

// ---- bytes ------------------------------------------------------------------------------
//  [0] threads = 1 + b%4       [1] capacity = {4,8,256}[b%3]
//  [2] start: b<128 -> b ; else 2^32 - 1 - (b-128)  (reaches the uint32 wrap early)
//  [3] flags: bit0 randomize, bit1 PCT, bits 2-4 PCT depth-1
//  [4..5] seed (little endian)  [6] prefill (owner puts b Gs first)
//  [7] 'M' = Go master, SCHED_WEAK_MAGIC (0x77) = Go 1.19 under memory weak,
//      SCHED_MASTER_WEAK_BYTE ('W') = Go master under memory weak; 'p', 'x', 'm', 'X' the
//      same four (1.19, 1.19 weak, master, master weak) plus, with the PCT bit,
//      `strategy pct D within` (SCHED_WITHIN_*); anything else: Go 1.19,
//      sequentially consistent (so every older byte schedule stays 1.19 and SC). Master
//      only: flags bit5 = no sysmon; a RUNNING op's target bit0 = its G is in a syscall;
//      a decision's site is b1 modulo every site, 1.19's modulo the 1.19 sites.
//  op (2 bytes): kind = b0 % SOP_COUNT, target = b0 / SOP_COUNT, n = 1 + b1
//  decision (2 bytes): thread = b0 % 4 (mod threads), mode = (b0/4) % 4, then b1:
//    steps 1 + b1%32 | site b1 % RQ_SITE_COUNT_V119 | (op) | ops 1 + b1%8
//    memory weak only: b0 & 0x30 == 0x30 is `read T stale K`, T = b0 % 4, K = b1 % 8

void schedule_decode(const uint8_t *data, size_t size, schedule *s) {
    uint8_t hdr[SCHED_HEADER_BYTES] = {0};
    memcpy(hdr, data, size < SCHED_HEADER_BYTES ? size : SCHED_HEADER_BYTES);
    memset(s, 0, sizeof *s);
    s->version = sched_byte7_master(hdr[7]) ? SVER_MASTER : SVER_119;
    s->nthreads = (uint8_t)(1 + hdr[0] % 4);
    s->cap = caps[hdr[1] % 3];
    s->start = hdr[2] < 128 ? hdr[2] : 0xffffffffu - (uint32_t)(hdr[2] - 128);
    s->flags = hdr[3] & (SFLAG_RANDOMIZE | SFLAG_PCT);
    if (s->version == SVER_MASTER && (hdr[3] & 0x20)) {
        s->flags |= SFLAG_NOSYSMON;
    }
    s->pct_depth = (uint8_t)(1 + ((hdr[3] >> 2) & 7));
    s->seed = (uint16_t)(hdr[4] | hdr[5] << 8);
    s->prefill = hdr[6];
    if (sched_byte7_weak(hdr[7])) {
        s->flags |= SFLAG_WEAK;
    }
    if ((s->flags & SFLAG_PCT) && sched_byte7_within(hdr[7])) {
        s->flags |= SFLAG_PCT_WITHIN;
    }
    for (int t = 0; t < SCHED_BYTE_THREADS; t++) {
        int k = 0;
        for (int i = 0; i < SCHED_MAX_OPS; i++) {
            size_t off = SCHED_HEADER_BYTES + (size_t)(t * SCHED_MAX_OPS + i) * 2;
            if (t >= s->nthreads || off + 1 >= size) {
                break;
            }
            sched_op op = {(uint8_t)(data[off] % SOP_COUNT), (uint8_t)(data[off] / SOP_COUNT),
                           (uint16_t)(1 + data[off + 1])};
            normalize_op(s, t, &op);
            // NOPs keep their byte slot (locality) but not a program slot.
            if (op.kind != SOP_NOP) {
                s->ops[t][k++] = op;
            }
        }
        s->nops[t] = (uint8_t)k;
    }
    for (size_t off = SCHED_FIXED_BYTES; off + 1 < size && s->ndecisions < SCHED_MAX_DECISIONS;
         off += 2) {
        sched_decision d;
        d.thread = (uint8_t)((data[off] % 4) % s->nthreads);
        d.mode = (uint8_t)((data[off] / 4) % 4);
        uint8_t b = data[off + 1];
        if ((s->flags & SFLAG_WEAK) && (data[off] & 0x30) == 0x30) {
            d.mode = SMODE_READ;
        }
        switch (d.mode) {
        case SMODE_STEPS:
            d.arg = (uint16_t)(1 + b % 32);
            break;
        case SMODE_UNTIL:
            d.arg = (uint16_t)(b % sched_site_count(s->version));
            break;
        case SMODE_OP:
            d.arg = 1;
            break;
        case SMODE_READ:
            d.arg = (uint16_t)(b % SCHED_STALE_MAX);
            break;
        default:
            d.arg = (uint16_t)(1 + b % 8);
            break;
        }
        s->dec[s->ndecisions++] = d;
    }
}

size_t schedule_encode(const schedule *s, uint8_t *out, size_t max) {
    uint8_t buf[SCHED_MAX_BYTES];
    memset(buf, 0, sizeof buf);
    buf[0] = (uint8_t)(s->nthreads - 1);
    buf[1] = (uint8_t)(s->cap == 4 ? 0 : s->cap == 8 ? 1 : 2);
    buf[2] = (uint8_t)(s->start < 128 ? s->start : 128 + (0xffffffffu - s->start));
    buf[3] = (uint8_t)((s->flags & (SFLAG_RANDOMIZE | SFLAG_PCT)) | ((s->pct_depth - 1) & 7) << 2 |
                       (s->flags & SFLAG_NOSYSMON ? 0x20 : 0));
    buf[4] = (uint8_t)(s->seed & 0xff);
    buf[5] = (uint8_t)(s->seed >> 8);
    buf[6] = (uint8_t)s->prefill;
    buf[7] = sched_byte7(s->version == SVER_MASTER, (s->flags & SFLAG_WEAK) != 0,
                         (s->flags & SFLAG_PCT) && (s->flags & SFLAG_PCT_WITHIN));
    for (int t = 0; t < s->nthreads; t++) {
        for (int i = 0; i < s->nops[t]; i++) {
            size_t off = SCHED_HEADER_BYTES + (size_t)(t * SCHED_MAX_OPS + i) * 2;
            buf[off] = (uint8_t)(s->ops[t][i].kind + SOP_COUNT * s->ops[t][i].target);
            buf[off + 1] = (uint8_t)(s->ops[t][i].n - 1);
        }
    }
    size_t len = SCHED_FIXED_BYTES;
    for (int i = 0; i < s->ndecisions; i++) {
        const sched_decision *d = &s->dec[i];
        buf[len] = (uint8_t)(d->thread + 4 * d->mode);
        switch (d->mode) {
        case SMODE_READ:
            buf[len] = (uint8_t)(d->thread | 0x30);
            buf[len + 1] = (uint8_t)d->arg;
            break;
        case SMODE_STEPS:
            buf[len + 1] = (uint8_t)(d->arg - 1);
            break;
        case SMODE_UNTIL:
            buf[len + 1] = (uint8_t)d->arg;
            break;
        case SMODE_OP:
            buf[len + 1] = 0;
            break;
        default:
            buf[len + 1] = (uint8_t)(d->arg - 1);
            break;
        }
        len += 2;
    }
    if (len > max) {
        len = max;
    }
    memcpy(out, buf, len);
    return len;
}

// ---- text -------------------------------------------------------------------------------

void schedule_print_text(const schedule *s, FILE *out) {
    fprintf(out, "runq-schedule %s\n", s->init ? "v2" : "v1");
    if (s->version == SVER_MASTER) {
        fprintf(out, "go master\n");
    }
    fprintf(out, "threads %d\ncapacity %d\nstart %u\nseed %u\n", s->nthreads, s->cap, s->start,
            s->seed);
    if (s->flags & SFLAG_RANDOMIZE) {
        fprintf(out, "randomize\n");
    }
    if (s->flags & SFLAG_PCT) {
        fprintf(out, "strategy pct %d%s\n", s->pct_depth,
                s->flags & SFLAG_PCT_WITHIN ? " within" : "");
    }
    if (s->flags & SFLAG_NOSYSMON) {
        fprintf(out, "sysmon off\n");
    }
    if (s->prefill) {
        fprintf(out, "prefill %u\n", s->prefill);
    }
    if (s->flags & SFLAG_WEAK) {
        fprintf(out, "memory weak\n");
    }
    if (s->init) { // v2 (initial.c)
        sched_initial_print(s->init, s->cap, out);
    }
    for (int t = 0; t < s->nthreads; t++) {
        fprintf(out, "thread %s\n", thread_names[t]);
        for (int i = 0; i < s->nops[t]; i++) {
            const sched_op *op = &s->ops[t][i];
            switch (op_args[op->kind]) {
            case 0:
                fprintf(out, "  %s\n",
                        op->kind == SOP_RUNNING && op->target == SCHED_SYSCALL
                            ? "syscall"
                            : op_names[op->kind]);
                break;
            case 1:
                fprintf(out, "  %s %u\n", op_names[op->kind], op->n);
                break;
            default:
                fprintf(out, "  %s %s\n", op_names[op->kind], thread_names[op->target]);
                break;
            }
        }
    }
    if (s->ndecisions) {
        fprintf(out, "decisions\n");
    }
    for (int i = 0; i < s->ndecisions; i++) {
        const sched_decision *d = &s->dec[i];
        const char *who = thread_names[d->thread];
        switch (d->mode) {
        case SMODE_STEPS:
            fprintf(out, "  run %s steps %u\n", who, d->arg);
            break;
        case SMODE_UNTIL:
            fprintf(out, "  run %s until %s\n", who, runq_site_name((enum runq_site)d->arg));
            break;
        case SMODE_OP:
            fprintf(out, "  run %s op\n", who);
            break;
        case SMODE_READ:
            fprintf(out, "  read %s stale %u\n", who, d->arg);
            break;
        default:
            fprintf(out, "  run %s ops %u\n", who, d->arg);
            break;
        }
    }
}

struct parser {
    const char *file;
    int line;
    char *err;
    size_t errlen;
};

size_t schedule_bom_len(const uint8_t *data, size_t size) {
    return size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf ? 3 : 0;
}

static int perr(struct parser *p, const char *fmt, ...) {
    int n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < p->errlen) {
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
    }
    va_end(ap);
    return -1;
}

static int parse_uint(struct parser *p, const char *tok, unsigned long long lo,
                      unsigned long long hi, unsigned long long *v, const char *what) {
    if (tok == NULL) {
        return perr(p, "expected %s (%llu..%llu), found end of line", what, lo, hi);
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(tok, &end, 0);
    if (errno || *end || !isdigit((unsigned char)tok[0]) || x < lo || x > hi) {
        return perr(p, "expected %s (%llu..%llu), found '%s'", what, lo, hi, tok);
    }
    *v = x;
    return 0;
}

static int thread_index(const char *tok) {
    for (int t = 0; tok && t < SCHED_MAX_THREADS; t++) {
        if (strcmp(tok, thread_names[t]) == 0) {
            return t;
        }
    }
    return -1;
}

// How many tokens a line of this kind has (its keyword included); nt for lines that other
// checks reject anyway.
static int line_arity(int section, int seen_magic, char *const *tok, int nt) {
    if (!seen_magic) {
        return 2;
    }
    if (strcmp(tok[0], "thread") == 0) {
        return 2;
    }
    if (strcmp(tok[0], "decisions") == 0 || strcmp(tok[0], "randomize") == 0) {
        return 1;
    }
    if (section == 0) { // header
        if (strcmp(tok[0], "strategy") == 0) {
            if (tok[1] && strcmp(tok[1], "pct") == 0) {
                return nt >= 4 && strcmp(tok[3], "within") == 0 ? 4 : 3; // strategy pct D within
            }
            return 2;
        }
        return 2;
    }
    if (section == 1) { // a thread's program
        for (int k = 1; k < SOP_COUNT; k++) {
            if (strcmp(tok[0], op_names[k]) == 0) {
                return op_args[k] == 0 ? 1 : 2;
            }
        }
        return nt;
    }
    return tok[2] && strcmp(tok[2], "op") == 0 ? 3 : 4; // run THREAD ...
}

int schedule_parse_text(const char *text, size_t len, const char *file, schedule *s, char *err,
                        size_t errlen) {
    struct parser p = {file, 0, err, errlen};
    if (errlen > 0) {
        err[0] = 0;
    }
    memset(s, 0, sizeof *s);
    size_t bom = schedule_bom_len((const uint8_t *)text, len);
    text += bom;
    len -= bom;
    s->nthreads = 1;
    s->cap = 256;
    s->pct_depth = 1;
    enum { HEADER, PROGRAM, DECISIONS, INITIAL } section = HEADER;
    struct sched_initial *init = NULL; // v2 "initial" section (initial.c)
    int version = 1;
    int cur = -1, seen_magic = 0, seen_thread[SCHED_MAX_THREADS] = {0};
    size_t pos = 0;
    while (pos < len) {
        char line[512];
        size_t e = pos;
        while (e < len && text[e] != '\n') {
            e++;
        }
        p.line++;
        size_t n = e - pos;
        if (n >= sizeof line) {
            return perr(&p, "line longer than %zu characters", sizeof line - 1);
        }
        memcpy(line, text + pos, n);
        line[n] = 0;
        pos = e + 1;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = 0;
        }
        // ---- v2: the "initial" section has long lines of its own (initial.c) ----
        if (section == INITIAL && strncmp(line + strspn(line, " \t"), "thread", 6) != 0) {
            char ierr[256];
            if (sched_initial_parse_line(init, s->cap, line, ierr, sizeof ierr) != 0) {
                return perr(&p, "%s", ierr);
            }
            continue;
        }
        // ---- end v2 ----
        char *tok[6] = {0};
        int nt = 0;
        for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t && nt < 6;
             t = strtok_r(NULL, " \t\r", &save)) {
            tok[nt++] = t;
        }
        if (nt == 0) {
            continue;
        }
        int arity = line_arity((int)section, seen_magic, tok, nt);
        if (nt > arity) {
            char head[128] = "";
            for (int k = 0; k < arity; k++) {
                snprintf(head + strlen(head), sizeof head - strlen(head), "%s%s", k ? " " : "",
                         tok[k]);
            }
            return perr(&p, "unexpected '%s' after '%s' (one item per line; '#' starts a comment)",
                        tok[arity], head);
        }
        unsigned long long v;
        if (!seen_magic) {
            if (strcmp(tok[0], "runq-schedule") != 0) {
                return perr(&p, "expected 'runq-schedule v1' as the first line, found '%s'",
                            tok[0]);
            }
            if (!tok[1] || (strcmp(tok[1], "v1") != 0 && strcmp(tok[1], "v2") != 0)) {
                return perr(&p, "unsupported version '%s' (this build reads v1 and v2)",
                            tok[1] ? tok[1] : "");
            }
            version = tok[1][1] - '0';
            seen_magic = 1;
            continue;
        }
        if (strcmp(tok[0], "thread") == 0) {
            int t = thread_index(tok[1]);
            if (t < 0 || t >= s->nthreads) {
                return perr(&p, "expected a thread name (owner, thief1..thief%d), found '%s'",
                            s->nthreads - 1, tok[1] ? tok[1] : "");
            }
            if (seen_thread[t]++) {
                return perr(&p, "thread %s declared twice", tok[1]);
            }
            section = PROGRAM;
            cur = t;
            continue;
        }
        if (strcmp(tok[0], "decisions") == 0) {
            section = DECISIONS;
            continue;
        }
        // ---- v2: "initial" opens the queues' starting state (header part only) ----
        if (strcmp(tok[0], "initial") == 0) {
            if (version < 2 || section != HEADER || init != NULL) {
                return perr(&p, "'initial' needs 'runq-schedule v2' and comes once, before the "
                                "first 'thread'");
            }
            init = sched_initial_new();
            if (init == NULL) {
                return perr(&p, "out of memory");
            }
            s->init = init;
            section = INITIAL;
            continue;
        }
        // ---- end v2 ----
        if (section == HEADER) {
            if (strcmp(tok[0], "go") == 0) {
                int v = tok[1] ? sched_version_lookup(tok[1]) : -1;
                if (v < 0) {
                    return perr(&p, "expected 'go 1.19' or 'go master', found '%s'",
                                tok[1] ? tok[1] : "");
                }
                if (v != SVER_MASTER && (s->flags & SFLAG_NOSYSMON)) {
                    return perr(&p, "'sysmon off' is for Go master only");
                }
                s->version = (uint8_t)v;
            } else if (strcmp(tok[0], "sysmon") == 0) {
                if (!tok[1] || (strcmp(tok[1], "off") != 0 && strcmp(tok[1], "on") != 0)) {
                    return perr(&p, "expected 'sysmon off' or 'sysmon on', found '%s'",
                                tok[1] ? tok[1] : "");
                }
                if (s->version != SVER_MASTER) {
                    return perr(&p, "'sysmon' needs 'go master' before it (Go 1.19's runqput "
                                    "does not look at sysmon)");
                }
                if (strcmp(tok[1], "off") == 0) {
                    s->flags |= SFLAG_NOSYSMON;
                } else {
                    s->flags &= (uint8_t)~SFLAG_NOSYSMON;
                }
            } else if (strcmp(tok[0], "threads") == 0) {
                if (parse_uint(&p, tok[1], 1, SCHED_MAX_THREADS, &v, "a thread count")) {
                    return -1;
                }
                s->nthreads = (uint8_t)v;
            } else if (strcmp(tok[0], "capacity") == 0) {
                if (tok[1] == NULL ||
                    (strcmp(tok[1], "4") && strcmp(tok[1], "8") && strcmp(tok[1], "256"))) {
                    return perr(&p, "expected capacity 4, 8 or 256, found '%s'",
                                tok[1] ? tok[1] : "end of line");
                }
                s->cap = (uint16_t)atoi(tok[1]);
            } else if (strcmp(tok[0], "start") == 0) {
                if (parse_uint(&p, tok[1], 0, 0xffffffffull, &v, "a start index")) {
                    return -1;
                }
                if (v >= 128 && v < 0xffffffffull - 127) {
                    return perr(&p,
                                "start index must be < 128 or >= 4294967168 (the byte form "
                                "encodes those), found %llu",
                                v);
                }
                s->start = (uint32_t)v;
            } else if (strcmp(tok[0], "seed") == 0) {
                if (parse_uint(&p, tok[1], 0, 65535, &v, "a seed")) {
                    return -1;
                }
                s->seed = (uint16_t)v;
            } else if (strcmp(tok[0], "prefill") == 0) {
                if (parse_uint(&p, tok[1], 0, 255, &v, "a prefill count")) {
                    return -1;
                }
                s->prefill = (uint16_t)v;
            } else if (strcmp(tok[0], "memory") == 0) {
                if (tok[1] && strcmp(tok[1], "weak") == 0) {
                    s->flags |= SFLAG_WEAK;
                } else if (tok[1] && strcmp(tok[1], "sc") == 0) {
                    s->flags &= (uint8_t)~SFLAG_WEAK;
                } else {
                    return perr(&p, "expected 'memory sc' or 'memory weak', found '%s'",
                                tok[1] ? tok[1] : "");
                }
            } else if (strcmp(tok[0], "randomize") == 0) {
                s->flags |= SFLAG_RANDOMIZE;
            } else if (strcmp(tok[0], "strategy") == 0) {
                if (tok[1] && strcmp(tok[1], "decisions") == 0) {
                    s->flags &= (uint8_t) ~(SFLAG_PCT | SFLAG_PCT_WITHIN);
                } else if (tok[1] && strcmp(tok[1], "pct") == 0) {
                    if (parse_uint(&p, tok[2], 1, 8, &v, "a PCT depth")) {
                        return -1;
                    }
                    s->flags |= SFLAG_PCT;
                    s->pct_depth = (uint8_t)v;
                    if (tok[3]) { // "within" (line_arity let nothing else through)
                        s->flags |= SFLAG_PCT_WITHIN;
                    } else {
                        s->flags &= (uint8_t)~SFLAG_PCT_WITHIN;
                    }
                } else {
                    return perr(
                        &p, "expected 'strategy decisions', 'strategy pct D' or 'strategy pct D "
                            "within'");
                }
            } else {
                return perr(&p,
                            "expected a header item (go, threads, capacity, start, seed, "
                            "prefill, memory, randomize, strategy, sysmon) or 'thread NAME', "
                            "found '%s'",
                            tok[0]);
            }
        } else if (section == PROGRAM) {
            int kind = -1;
            for (int k = 1; k < SOP_COUNT; k++) {
                if (strcmp(tok[0], op_names[k]) == 0) {
                    kind = k;
                }
            }
            bool syscall = strcmp(tok[0], "syscall") == 0;
            if (syscall && s->version != SVER_MASTER) {
                return perr(&p, "'syscall' needs 'go master' in the header (Go 1.19's runqgrab "
                                "does not look at the victim's G)");
            }
            if (syscall) {
                kind = SOP_RUNNING;
            }
            if (kind < 0) {
                char names[256];
                op_name_list(names, sizeof names);
                return perr(&p, "expected an operation (%s), found '%s'", names, tok[0]);
            }
            if (s->nops[cur] == SCHED_MAX_OPS) {
                return perr(&p, "more than %d operations for thread %s", SCHED_MAX_OPS,
                            thread_names[cur]);
            }
            sched_op op = {(uint8_t)kind, syscall ? SCHED_SYSCALL : 0, 1};
            if (op_args[kind] == 1) {
                if (parse_uint(&p, tok[1], 1, 256, &v, "a count")) {
                    return -1;
                }
                op.n = (uint16_t)v;
            } else if (op_args[kind] == 2) {
                int t = thread_index(tok[1]);
                if (t < 0 || t >= s->nthreads || t == cur) {
                    return perr(&p, "expected another thread's name after '%s', found '%s'", tok[0],
                                tok[1] ? tok[1] : "");
                }
                op.target = (uint8_t)t;
            }
            s->ops[cur][s->nops[cur]++] = op;
        } else if (strcmp(tok[0], "read") == 0) {
            int t = thread_index(tok[1]);
            if (t < 0 || t >= s->nthreads) {
                return perr(&p, "expected a thread name after 'read', found '%s'",
                            tok[1] ? tok[1] : "");
            }
            if (!tok[2] || strcmp(tok[2], "stale") != 0) {
                return perr(&p, "expected 'read %s stale K', found '%s'", tok[1],
                            tok[2] ? tok[2] : "");
            }
            if (parse_uint(&p, tok[3], 0, SCHED_STALE_MAX - 1, &v, "a staleness")) {
                return -1;
            }
            if (!(s->flags & SFLAG_WEAK)) {
                return perr(&p, "'read ... stale' needs 'memory weak' in the header");
            }
            if (s->ndecisions == SCHED_MAX_DECISIONS) {
                return perr(&p, "more than %d decisions", SCHED_MAX_DECISIONS);
            }
            sched_decision d = {(uint8_t)t, SMODE_READ, (uint16_t)v};
            s->dec[s->ndecisions++] = d;
        } else {
            if (strcmp(tok[0], "run") != 0) {
                return perr(&p, "expected 'run THREAD steps N|until SITE|op|ops N', found '%s'",
                            tok[0]);
            }
            int t = thread_index(tok[1]);
            if (t < 0 || t >= s->nthreads) {
                return perr(&p, "expected a thread name after 'run', found '%s'",
                            tok[1] ? tok[1] : "");
            }
            if (s->ndecisions == SCHED_MAX_DECISIONS) {
                return perr(&p, "more than %d decisions", SCHED_MAX_DECISIONS);
            }
            sched_decision d = {(uint8_t)t, 0, 1};
            if (tok[2] && strcmp(tok[2], "steps") == 0) {
                if (parse_uint(&p, tok[3], 1, 32, &v, "a step count")) {
                    return -1;
                }
                d.mode = SMODE_STEPS;
                d.arg = (uint16_t)v;
            } else if (tok[2] && strcmp(tok[2], "until") == 0) {
                int site = tok[3] ? runq_site_lookup(tok[3]) : -1;
                if (site < 0) {
                    return perr(&p, "expected a site name such as runqgrab.head, found '%s'",
                                tok[3] ? tok[3] : "");
                }
                // (an imported port's new site, named by that port, is any version's)
                if (site >= sched_site_count(s->version) && site < RQ_SITE_COUNT_MASTER) {
                    return perr(&p,
                                "site %s exists only in Go master's port: add 'go master' "
                                "to the header",
                                tok[3]);
                }
                d.mode = SMODE_UNTIL;
                d.arg = (uint16_t)site;
            } else if (tok[2] && strcmp(tok[2], "op") == 0) {
                d.mode = SMODE_OP;
            } else if (tok[2] && strcmp(tok[2], "ops") == 0) {
                if (parse_uint(&p, tok[3], 1, 8, &v, "an operation count")) {
                    return -1;
                }
                d.mode = SMODE_OPS;
                d.arg = (uint16_t)v;
            } else {
                return perr(&p,
                            "expected 'steps N', 'until SITE', 'op' or 'ops N' after "
                            "'run %s', found '%s'",
                            tok[1], tok[2] ? tok[2] : "");
            }
            s->dec[s->ndecisions++] = d;
        }
    }
    if (!seen_magic) {
        p.line = p.line ? p.line : 1;
        return perr(&p, "empty file: expected 'runq-schedule v1'");
    }
    for (int t = 0; t < s->nthreads; t++) {
        for (int i = 0; i < s->nops[t]; i++) {
            normalize_op(s, t, &s->ops[t][i]);
        }
    }
    // ---- v2: the initial state must be a possible one ----
    if (init != NULL) {
        char ierr[256];
        if (init->np > s->nthreads) {
            return perr(&p, "initial: P%d described, but the schedule has %d threads", init->np - 1,
                        s->nthreads);
        }
        if (sched_initial_check(init, s->cap, ierr, sizeof ierr) != 0) {
            return perr(&p, "%s", ierr);
        }
    }
    // ---- end v2 ----
    return 0;
}

void schedule_set_version(schedule *s, int v) {
    s->version = (uint8_t)v;
    if (v == SVER_MASTER) {
        return;
    }
    s->flags &= (uint8_t)~SFLAG_NOSYSMON;
    for (int t = 0; t < s->nthreads; t++) {
        for (int i = 0; i < s->nops[t]; i++) {
            normalize_op(s, t, &s->ops[t][i]);
        }
    }
    for (int i = 0; i < s->ndecisions; i++) {
        if (s->dec[i].mode == SMODE_UNTIL && s->dec[i].arg >= sched_site_count(v) &&
            s->dec[i].arg < RQ_SITE_COUNT_MASTER) {
            s->dec[i].mode = SMODE_OP; // a site 1.19 does not have
            s->dec[i].arg = 1;
        }
    }
}

int schedule_is_text(const uint8_t *data, size_t size) {
    size_t i = schedule_bom_len(data, size);
    while (i < size) { // skip blank and comment lines
        while (i < size &&
               (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
            i++;
        }
        if (i < size && data[i] == '#') {
            while (i < size && data[i] != '\n') {
                i++;
            }
            continue;
        }
        break;
    }
    return size - i >= 13 && memcmp(data + i, "runq-schedule", 13) == 0;
}

// Length of a valid UTF-8 sequence of 2..4 bytes at p (0 if there is none).
static size_t utf8_len(const uint8_t *p, size_t n) {
    size_t len = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
    if (len == 0 || p[0] > 0xf4 || len > n) {
        return 0;
    }
    for (size_t k = 1; k < len; k++) {
        if ((p[k] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return len;
}

int schedule_looks_like_text(const uint8_t *data, size_t size) {
    bool newline = false;
    for (size_t i = schedule_bom_len(data, size); i < size;) {
        uint8_t c = data[i];
        if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
            newline |= c == '\n';
            i++;
        } else {
            size_t k = utf8_len(data + i, size - i);
            if (k == 0) {
                return 0; // a control byte or broken UTF-8: bytes
            }
            i += k;
        }
    }
    if (!newline) {
        return 0;
    }
    // The first token of the first non-blank line: a comment, or a word someone typed (two
    // or more letters, maybe with '-'), as a schedule's keywords are.
    size_t i = schedule_bom_len(data, size);
    while (i < size && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) {
        i++;
    }
    if (i == size || data[i] == '#') {
        return 1;
    }
    size_t w = 0;
    while (i + w < size && (isalpha(data[i + w]) || data[i + w] == '-')) {
        w++;
    }
    bool ends = i + w == size || data[i + w] == ' ' || data[i + w] == '\t' || data[i + w] == '\r' ||
                data[i + w] == '\n';
    return w >= 2 && isalpha(data[i]) && ends;
}

int schedule_needs_bytes_flag(const uint8_t *data, size_t size) {
    char err[8];
    return size == 0 || (!schedule_is_text(data, size) &&
                         (schedule_looks_like_text(data, size) ||
                          schedule_sniff(data, size, false, "", err, sizeof err)));
}

int schedule_load_bytes(const uint8_t *data, size_t size, schedule *s, char *err, size_t errlen) {
    if (schedule_is_text(data, size)) {
        char dummy[8];
        return schedule_parse_text((const char *)data, size, "input", s, err ? err : dummy,
                                   err ? errlen : sizeof dummy);
    }
    schedule_decode(data, size, s);
    return 0;
}

int schedule_load_file_as(const char *path, int form, schedule *s, bool *as_bytes, char *err,
                          size_t errlen) {
    if (as_bytes) {
        *as_bytes = false;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        snprintf(err, errlen, "%s: is a directory (expected a schedule file)", path);
        return -1;
    }
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    int bad = ferror(f), more = n == sizeof buf && fgetc(f) != EOF;
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    if (more) {
        // Too long for any schedule; say what it is if its start tells.
        if (form == SCHED_LOAD_BYTES || !schedule_sniff(buf, n, true, path, err, errlen)) {
            snprintf(err, errlen, "%s: larger than %zu bytes: not a schedule", path, sizeof buf);
        }
        return -1;
    }
    if (form != SCHED_LOAD_BYTES) {
        if (n == 0) {
            snprintf(err, errlen,
                     "%s:1: empty file: expected a text schedule ('runq-schedule v1') or fuzzer "
                     "bytes (--bytes reads any file, an empty one too, as bytes)",
                     path);
            return -1;
        }
        if (schedule_is_text(buf, n)) {
            return schedule_parse_text((const char *)buf, n, path, s, err, errlen);
        }
        // Another program's file (a trace, a log, a recording, an archive): name it rather
        // than decode it as fuzzer bytes.
        if (schedule_sniff(buf, n, false, path, err, errlen)) {
            return -1;
        }
        if (schedule_looks_like_text(buf, n)) {
            // Typed text without the first line (a typo, another file): the same.
            if (schedule_parse_text((const char *)buf, n, path, s, err, errlen) != 0) {
                size_t used = strlen(err);
                snprintf(err + used, errlen - used,
                         " (a text file; --bytes reads it as fuzzer bytes instead)");
            }
            return -1;
        }
    }
    schedule_decode(buf, n, s);
    if (as_bytes) {
        *as_bytes = true;
    }
    return 0;
}

int schedule_load_file(const char *path, schedule *s, char *err, size_t errlen) {
    return schedule_load_file_as(path, SCHED_LOAD_AUTO, s, NULL, err, errlen);
}
