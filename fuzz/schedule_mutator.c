// schedule_mutator.c - structure-aware mutation of byte schedules for libFuzzer
// (LLVMFuzzerCustomMutator, LLVMFuzzerCustomCrossOver), linked into the libFuzzer builds
// of both targets.
//
// Every corpus file decodes as before (the mutator only chooses which bytes to make).
// What changes is which inputs the search makes. libFuzzer's byte mutations draw an op's
// count byte uniformly (1..256 Gs), so most programs were long (~3,900 steps an input).
// Here ops, counts and decisions mutate as units, and a count is small (1..8) seven
// times in eight; the eighth draws a burst up to 256, so overflowing a 256-slot ring
// stays reachable. Text inputs (the regress-*.txt scenarios) are mutated in byte form.
// Memory weak (header byte [7]) is one header mutation away, and in a weak input a third
// of the decisions inserted are `read T stale K`, so stale reads (each site's extra
// counter) are reached from an empty corpus; sequentially consistent inputs are unchanged.
#include "runq_sites.h"
#include "schedule.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static uint64_t rng;

static uint32_t rnd(uint32_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 11) % n);
}

// A count byte (n - 1): mostly short, sometimes a burst.
static uint8_t count_byte(void) {
    return (uint8_t)(rnd(8) ? rnd(8) : rnd(256));
}

static size_t op_off(int t, int i) {
    return SCHED_HEADER_BYTES + (size_t)(t * SCHED_MAX_OPS + i) * 2;
}

// Threads the header asks for (the decoder's rule: 1 + byte 0 % 4).
static int live_threads(const uint8_t *data, size_t size) {
    return size > 0 ? 1 + data[0] % SCHED_BYTE_THREADS : 1;
}

// A thread to mutate: one that runs, seven times in eight (ops of the others are dead
// bytes until the thread count grows).
static int pick_thread(const uint8_t *data, size_t size) {
    return (int)(rnd(8) ? rnd((uint32_t)live_threads(data, size)) : rnd(SCHED_BYTE_THREADS));
}

// Bytes of a random op for thread t: kind and target in b0, count in b1. Half the time
// the op fits the thread's role in the classic races: the owner (thread 0) fills and
// empties its own P (put, putnext, get, yield, drain, putbatch, globget) or goes idle
// (a thief then takes its runnext without backing off), a thief steals
// from, or asks runqempty of, the owner's P. Otherwise any op, any target.
static void random_op_as(uint8_t *b, int t, bool role) {
    static const uint8_t owner_ops[] = {SOP_PUT,     SOP_PUTNEXT, SOP_PUTNEXT, SOP_GET,
                                        SOP_GET,     SOP_YIELD,   SOP_DRAIN,   SOP_PUTBATCH,
                                        SOP_GLOBGET, SOP_IDLE};
    static const uint8_t thief_ops[] = {SOP_STEAL, SOP_STEALNEXT, SOP_STEALNEXT, SOP_EMPTY};
    b[1] = count_byte();
    if (!role) {
        b[0] = (uint8_t)(1 + rnd(SOP_COUNT - 1) + SOP_COUNT * rnd(SCHED_BYTE_THREADS));
    } else if (t == 0) {
        b[0] = owner_ops[rnd(sizeof owner_ops)];
    } else {
        b[0] = thief_ops[rnd(sizeof thief_ops)]; // target 0: the owner's P
    }
}
static void random_op(uint8_t *b, int t) {
    random_op_as(b, t, rnd(2));
}

// The sites an op of this kind passes through (Go 1.19's; master's runqgrab has three
// more, added for master inputs), so that `run T until SITE` names a place T's program
// reaches instead of running T to its end. Returns how many were written to out.
static int op_sites(int kind, bool master, uint8_t *out) {
    typedef struct {
        uint8_t lo, hi;
    } range;
    static const range put = {RQ_SITE_runqput_next, RQ_SITE_runqputslow_unlock},
                       get = {RQ_SITE_runqget_next, RQ_SITE_runqget_headcas},
                       batch = {RQ_SITE_runqputbatch_head, RQ_SITE_runqputbatch_unlock},
                       drain = {RQ_SITE_runqdrain_next, RQ_SITE_runqdrain_slot},
                       lock = {RQ_SITE_caller_lock, RQ_SITE_caller_unlock},
                       steal = {RQ_SITE_runqgrab_head, RQ_SITE_runqsteal_publish},
                       empty = {RQ_SITE_runqempty_head, RQ_SITE_runqempty_tail2},
                       msteal = {RQ_SITE_runqgrab_m, RQ_SITE_runqgrab_gstatus};
    const range *r[4] = {0};
    switch (kind) {
    case SOP_PUT:
    case SOP_PUTNEXT:
        r[0] = &put;
        break;
    case SOP_GET:
        r[0] = &get;
        break;
    case SOP_YIELD:
        r[0] = &get, r[1] = &put;
        break;
    case SOP_PUTBATCH:
        r[0] = &batch, r[1] = &lock;
        break;
    case SOP_DRAIN:
        r[0] = &drain, r[1] = &lock;
        break;
    case SOP_GLOBPUT:
    case SOP_GLOBPUTHEAD:
        r[0] = &lock;
        break;
    case SOP_GLOBGET:
        r[0] = &lock, r[1] = &put, r[2] = &batch;
        break;
    case SOP_STEAL:
    case SOP_STEALNEXT:
        r[0] = &steal, r[1] = master ? &msteal : NULL;
        break;
    case SOP_EMPTY:
        r[0] = &empty;
        break;
    default:
        break;
    }
    int n = 0;
    for (int k = 0; k < 4 && r[k]; k++) {
        for (int x = r[k]->lo; x <= r[k]->hi; x++) {
            out[n++] = (uint8_t)x;
        }
    }
    return n;
}

static bool is_master(const uint8_t *data, size_t size) {
    return size > 7 && sched_byte7_master(data[7]);
}

// Header byte [7] says `strategy pct D within` (with the PCT bit of byte [3]).
static bool is_within(const uint8_t *data, size_t size) {
    return size > 7 && sched_byte7_within(data[7]);
}

// A site thread t's program reaches (from one of its ops, at random), or -1 if none does.
static int site_of_thread(const uint8_t *data, size_t size, int t) {
    uint8_t kinds[SCHED_MAX_OPS];
    int nk = 0;
    for (int i = 0; i < SCHED_MAX_OPS; i++) {
        size_t o = SCHED_HEADER_BYTES + (size_t)(t * SCHED_MAX_OPS + i) * 2;
        if (o + 1 < size && data[o] % SOP_COUNT != SOP_NOP) {
            kinds[nk++] = (uint8_t)(data[o] % SOP_COUNT);
        }
    }
    if (nk == 0) {
        return -1;
    }
    uint8_t sites[RQ_SITE_COUNT * 2];
    int ns = op_sites(kinds[rnd((uint32_t)nk)], is_master(data, size), sites);
    return ns ? sites[rnd((uint32_t)ns)] : -1;
}

// Header byte [7] asks for memory weak (Go 1.19 or master).
static bool is_weak(const uint8_t *data, size_t size) {
    return size > 7 && sched_byte7_weak(data[7]);
}

static void random_decision(uint8_t *b, const uint8_t *data, size_t size) {
    if (is_weak(data, size) && rnd(3) == 0) {
        // `read T stale K`, K = 1..7: the thread's next load with a choice reads K stores
        // back (as far as coherence allows); a stale read is what weak memory adds.
        b[0] = (uint8_t)(0x30 | rnd(SCHED_BYTE_THREADS));
        b[1] = (uint8_t)(1 + rnd(SCHED_STALE_MAX - 1));
        return;
    }
    uint32_t mode = rnd(4);
    int t = (int)rnd(SCHED_BYTE_THREADS), site = -1;
    if (mode == SMODE_UNTIL && rnd(4)) {
        t = (int)rnd((uint32_t)live_threads(data, size));
        site = site_of_thread(data, size, t);
    }
    b[0] = (uint8_t)(t + 4 * mode);
    b[1] = (uint8_t)(mode != SMODE_UNTIL ? rnd(8)
                     : site >= 0         ? (uint32_t)site
                                         : rnd(RQ_SITE_COUNT));
}

// Writes `run T until SITE` for a live thread whose program reaches SITE, or fails.
static bool until_decision(uint8_t *b, const uint8_t *data, size_t size, int t) {
    int site = site_of_thread(data, size, t);
    if (site < 0) {
        return false;
    }
    b[0] = (uint8_t)(t + 4 * SMODE_UNTIL);
    b[1] = (uint8_t)site;
    return true;
}

// Grows data to at least n bytes (zeros: NOP ops), within max. Returns the new size.
static size_t at_least(uint8_t *data, size_t size, size_t n, size_t max) {
    if (n > max) {
        n = max;
    }
    if (size < n) {
        memset(data + size, 0, n - size);
        size = n;
    }
    return size;
}

static size_t ndec(size_t size) {
    return size > SCHED_FIXED_BYTES ? (size - SCHED_FIXED_BYTES) / 2 : 0;
}

static size_t dec_off(size_t k) {
    return SCHED_FIXED_BYTES + 2 * k;
}

static size_t preempt_at_access(uint8_t *data, size_t size, size_t max);
static size_t race_scenario(uint8_t *data, size_t max);
static size_t shape_scenario(uint8_t *data, size_t max);

// Sixteenths of the fresh scenarios that run PCT with change points within the run
// (`strategy pct D within`) instead of their decisions; RUNQ_MUTATOR_PCT=0..16 sets it.
// 0 by default: a quarter made the kills slower (README, "Searching from scratch"): the
// race scenarios' decisions land the preemption inside the check more often than random
// change points do. PCT inputs still come from the header mutation (PCT, within, depth).
static uint32_t pct_share(void) {
    static int share = -1;
    if (share < 0) {
        const char *e = getenv("RUNQ_MUTATOR_PCT");
        share = e && *e ? atoi(e) : 0;
        share = share < 0 ? 0 : share > 16 ? 16 : share;
    }
    return (uint32_t)share;
}

// A fresh short scenario in place of the input, in the shape of the classic races: 2 or 3
// threads; the owner sets its P up and takes from it (a few role ops, counts mostly 1..4,
// so runnext is often occupied and the ring short, full or near the uint32 wrap) while
// the thieves steal from it or ask runqempty; then one or two preemptions at accesses
// the programs make. The Go version and memory mode (byte 7) stay. Returns the size.
static size_t fresh_scenario(uint8_t *data, size_t size, size_t max) {
    if (max < SCHED_FIXED_BYTES) {
        return 0;
    }
    uint8_t version = size > 7 ? data[7] : 0;
    memset(data, 0, SCHED_FIXED_BYTES);
    data[0] = (uint8_t)(rnd(3) ? 1 : 2);      // 2 or 3 threads
    data[1] = (uint8_t)(rnd(4) ? rnd(2) : 2); // capacity 4 or 8, sometimes 256
    data[2] = (uint8_t)(rnd(4) ? 0 : rnd(2) ? rnd(8) : 255 - rnd(8)); // start: 0 or near wrap
    data[4] = (uint8_t)rnd(256);
    data[5] = (uint8_t)rnd(256);
    data[6] = (uint8_t)(rnd(4) ? 0 : rnd(8)); // prefill
    data[7] = version;
    if (rnd(8) == 0) { // the other Go version now and then (an empty corpus starts at 1.19)
        data[7] = sched_byte7(!is_master(data, SCHED_FIXED_BYTES), is_weak(data, SCHED_FIXED_BYTES),
                              false);
    }
    if (rnd(16) == 0) { // the other memory mode, more rarely (weak turns the model checks off)
        data[7] = sched_byte7(is_master(data, SCHED_FIXED_BYTES), !is_weak(data, SCHED_FIXED_BYTES),
                              false);
    }
    if (rnd(2)) {
        size = race_scenario(data, max);
    } else {
        size = shape_scenario(data, max);
    }
    if (pct_share() > rnd(16)) {
        // PCT with its change points within the run (`strategy pct D within`), depth 2-4:
        // the decisions are then ignored, the priorities and change points choose
        data[3] = (uint8_t)(SFLAG_PCT | (1 + rnd(3)) << 2);
        data[7] = sched_byte7(is_master(data, size), is_weak(data, size), true);
    } else {
        data[7] = sched_byte7(is_master(data, size), is_weak(data, size), false);
        if (is_master(data, size) && rnd(4) == 0) {
            data[3] = 0x20; // master without sysmon (runqput ignores next)
        }
    }
    return size;
}

// fresh_scenario's other half: random role ops, then one or two preemptions at accesses.
static size_t shape_scenario(uint8_t *data, size_t max) {
    int n = live_threads(data, SCHED_FIXED_BYTES);
    for (int t = 0; t < n; t++) {
        int ops = t == 0 ? 1 + (int)rnd(4) : 1 + (int)rnd(2);
        for (int i = 0; i < ops; i++) {
            uint8_t *b = data + op_off(t, i);
            random_op_as(b, t, rnd(4) != 0);
            b[1] = (uint8_t)(rnd(16) == 0 ? rnd(256) : rnd(2) ? 0 : rnd(4));
        }
    }
    size_t size = SCHED_FIXED_BYTES;
    for (uint32_t k = 1 + rnd(2); k > 0; k--) {
        size_t r = preempt_at_access(data, size, max);
        size = r ? r : size;
    }
    return size;
}

// Writes op i of thread t: kind (a thief's target 0: the owner's P) and count n.
static void set_op(uint8_t *data, int t, int i, int kind, int n) {
    data[op_off(t, i)] = (uint8_t)kind;
    data[op_off(t, i) + 1] = (uint8_t)(n - 1);
}

static int small_count(void) {
    return rnd(4) ? 1 : 2;
}

// A check preempted between its loads while another thread changes what it looks at: the
// shape of the one-look runqempty (the owner kicks runnext into the ring and takes the new
// runnext between the thief's tail and runnext loads), of a runnext theft racing runqget,
// of a steal whose head and tail loads straddle a put and a get, of a globrunqget robbed
// between its put and its get. The owner first sets up what the check looks at (a runnext,
// a few Gs in the ring or the global queue); then `run A until SITE` stops the checker A
// at one of its check op's own accesses; the changer B runs its ops (the owner: a put then
// a get, which leaves the P as full as it was, or 1-3 short ops; a thief: a steal); then A
// finishes its check. Decisions and programs are written together so that the preemption
// lands inside the check, which separate mutations rarely line up. Header bytes 0-6 are
// rewritten, byte 7 (version, memory) kept. Returns the new size.
static size_t race_scenario(uint8_t *data, size_t max) {
    static const uint8_t churn_ops[] = {SOP_PUT, SOP_PUTNEXT, SOP_GET, SOP_YIELD};
    static const uint8_t thief_checks[] = {SOP_EMPTY, SOP_STEAL, SOP_STEALNEXT};
    static const uint8_t owner_checks[] = {SOP_GET, SOP_GET, SOP_DRAIN, SOP_GLOBGET};
    bool master = is_master(data, SCHED_FIXED_BYTES);
    data[0] = (uint8_t)(rnd(4) ? 1 : 2); // 2 or 3 threads
    bool thief_checks_owner = rnd(2) != 0;
    int check = thief_checks_owner ? thief_checks[rnd(sizeof thief_checks)]
                                   : owner_checks[rnd(sizeof owner_checks)];
    // the owner's set-up: a runnext, a few Gs in the ring, or Gs on the global queue
    int no = 0, setup = rnd(4) ? 1 : 2;
    if (rnd(2)) { // an idle P: a thief takes its runnext without backing off first
        set_op(data, 0, no++, SOP_IDLE, 1);
    }
    for (int k = 0; k < setup; k++) {
        if (check == SOP_GLOBGET && k == setup - 1) {
            set_op(data, 0, no++, SOP_GLOBPUT, 1 + (int)rnd(6));
        } else if (rnd(2)) {
            set_op(data, 0, no++, SOP_PUTNEXT, 1);
        } else {
            set_op(data, 0, no++, SOP_PUT, 1 + (int)rnd(3));
        }
    }
    int a, b, nchurn;
    if (thief_checks_owner) {
        a = 1, b = 0;
        set_op(data, 1, 0, check, 1);
        if (rnd(2)) { // put then get: as full as before, but head, tail and runnext moved
            set_op(data, 0, no++, rnd(2) ? SOP_PUT : SOP_PUTNEXT, 1);
            set_op(data, 0, no++, SOP_GET, 1);
            nchurn = 2;
        } else {
            nchurn = 1 + (int)rnd(3);
            for (int k = 0; k < nchurn; k++) {
                set_op(data, 0, no++, churn_ops[rnd(sizeof churn_ops)], small_count());
            }
        }
    } else {
        a = 0, b = 1;
        set_op(data, 0, no++, check, check == SOP_GLOBGET ? 2 + (int)rnd(4) : 1);
        set_op(data, 1, 0, rnd(2) ? SOP_STEALNEXT : SOP_STEAL, 1);
        nchurn = 1;
    }
    if (live_threads(data, SCHED_FIXED_BYTES) > 2) {
        random_op_as(data + op_off(2, 0), 2, true);
    }
    uint8_t sites[RQ_SITE_COUNT * 2];
    int ns = op_sites(check, master, sites);
    setup = no - (thief_checks_owner ? nchurn : 1) + (data[6] != 0); // the prefill: an op
    // A stops after one of its check's accesses but the last (after that it has looked);
    // half the time after one of its first three, between the loads a check starts with
    // (runqempty's head/tail/runnext, runqgrab's head/tail, runqget's runnext); globget's
    // race is later (between its put on the ring and its runqget)
    uint32_t last = (uint32_t)(ns > 1 ? ns - 1 : ns);
    uint32_t at = check != SOP_GLOBGET && rnd(2) ? rnd(last < 3 ? last : 3) : rnd(last);
    uint8_t d[8] = {(uint8_t)(0 + 4 * SMODE_OPS),   (uint8_t)(setup - 1), // owner sets up
                    (uint8_t)(a + 4 * SMODE_UNTIL), sites[at],
                    (uint8_t)(b + 4 * SMODE_OPS),   (uint8_t)(nchurn - 1),
                    (uint8_t)(a + 4 * SMODE_OP),    0};
    if (b != 0 && rnd(2)) { // a thief's op ends at runqgrab's back-off; steps go on
        d[4] = (uint8_t)(b + 4 * SMODE_STEPS);
        d[5] = (uint8_t)(15 + rnd(16));
    }
    size_t nb = rnd(4) ? 8 : 6;
    if (SCHED_FIXED_BYTES + nb + 4 > max) {
        return SCHED_FIXED_BYTES;
    }
    size_t len = SCHED_FIXED_BYTES;
    memcpy(data + len, d, 2); // the set-up
    len += 2;
    if (is_weak(data, SCHED_FIXED_BYTES) && rnd(2)) {
        // memory weak: the checker's next loads with a choice read 1-2 stores back (a stale
        // tail makes a one-look check lie without any preemption)
        for (uint32_t k = 1 + rnd(2); k > 0; k--, len += 2) {
            data[len] = (uint8_t)(0x30 | a);
            data[len + 1] = (uint8_t)(1 + rnd(2));
        }
    }
    memcpy(data + len, d + 2, nb - 2);
    return len + nb - 2;
}

// One structural mutation. Returns the new size (0: not applicable, try another).
static size_t mutate_once(uint8_t *data, size_t size, size_t max) {
    if (max < SCHED_FIXED_BYTES) {
        return 0;
    }
    int t = pick_thread(data, size), i = (int)rnd(SCHED_MAX_OPS);
    size_t nd = ndec(size);
    switch (rnd(16)) {
    case 0: { // insert an op (the thread's later ops shift; its last slot falls off)
        size = at_least(data, size, SCHED_FIXED_BYTES, max);
        size_t o = op_off(t, i), end = op_off(t, SCHED_MAX_OPS);
        memmove(data + o + 2, data + o, end - o - 2);
        random_op(data + o, t);
        return size;
    }
    case 1: { // remove an op
        size = at_least(data, size, SCHED_FIXED_BYTES, max);
        size_t o = op_off(t, i), end = op_off(t, SCHED_MAX_OPS);
        memmove(data + o, data + o + 2, end - o - 2);
        data[end - 2] = data[end - 1] = 0;
        return size;
    }
    case 2: // a new count for an op
        size = at_least(data, size, op_off(t, i) + 2, max);
        data[op_off(t, i) + 1] = count_byte();
        return size;
    case 3: // a new op in place
        size = at_least(data, size, op_off(t, i) + 2, max);
        random_op(data + op_off(t, i), t);
        return size;
    case 4: { // insert a decision
        size = at_least(data, size, SCHED_FIXED_BYTES, max);
        if (size < SCHED_FIXED_BYTES || size + 2 > max) {
            return 0;
        }
        size_t k = rnd((uint32_t)nd + 1), o = dec_off(k);
        memmove(data + o + 2, data + o, size - o);
        random_decision(data + o, data, size);
        return size + 2;
    }
    case 5: { // remove a decision
        if (nd == 0) {
            return 0;
        }
        size_t o = dec_off(rnd((uint32_t)nd));
        memmove(data + o, data + o + 2, size - o - 2);
        return size - 2;
    }
    case 6: { // swap two decisions
        if (nd < 2) {
            return 0;
        }
        size_t a = dec_off(rnd((uint32_t)nd)), b = dec_off(rnd((uint32_t)nd));
        uint8_t x0 = data[a], x1 = data[a + 1];
        data[a] = data[b];
        data[a + 1] = data[b + 1];
        data[b] = x0;
        data[b + 1] = x1;
        return size;
    }
    case 7: { // move a decision (a preemption) elsewhere
        if (nd < 2) {
            return 0;
        }
        size_t a = rnd((uint32_t)nd), b = rnd((uint32_t)nd);
        uint8_t x[2] = {data[dec_off(a)], data[dec_off(a) + 1]};
        if (a < b) {
            memmove(data + dec_off(a), data + dec_off(a + 1), 2 * (b - a));
        } else if (b < a) {
            memmove(data + dec_off(b + 1), data + dec_off(b), 2 * (a - b));
        }
        memcpy(data + dec_off(b), x, 2);
        return size;
    }
    case 8: { // retarget a decision: until another site, or another thread
        if (nd == 0) {
            return 0;
        }
        size_t o = dec_off(rnd((uint32_t)nd));
        if (rnd(2)) {
            data[o] = (uint8_t)(rnd(SCHED_BYTE_THREADS) + (data[o] & ~3u));
        } else if (rnd(4) == 0 || !until_decision(data + o, data, size,
                                                  (int)(data[o] & 3u) % live_threads(data, size))) {
            data[o] = (uint8_t)((data[o] & 3u) + 4 * SMODE_UNTIL);
            data[o + 1] = (uint8_t)rnd(RQ_SITE_COUNT);
        }
        return size;
    }
    case 14: // a preemption at a shared access
        return preempt_at_access(data, size, max);
    case 15: // a fresh short scenario, now and then
        return fresh_scenario(data, size, max);
    case 9: // header: threads, capacity, start index
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        switch (rnd(3)) {
        case 0:
            data[0] = (uint8_t)rnd(4);
            break;
        case 1:
            data[1] = (uint8_t)rnd(3);
            break;
        default:
            data[2] = (uint8_t)(rnd(2) ? rnd(8) : 255 - rnd(8));
            break;
        }
        return size;
    case 10: // header: PCT, its depth and change points within the run, randomize, sysmon
        // off (master), seed
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        if (rnd(4) == 0) {
            data[7] =
                sched_byte7(is_master(data, size), is_weak(data, size), !is_within(data, size));
        } else if (rnd(2)) {
            data[3] ^= (uint8_t)(1u << rnd(6));
        } else {
            data[4 + rnd(2)] = (uint8_t)rnd(256);
        }
        return size;
    case 11: // memory: weak <-> sequentially consistent (the Go version stays)
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        data[7] = sched_byte7(is_master(data, size), !is_weak(data, size), is_within(data, size));
        return size;
    case 12: // Go version: 1.19 <-> master (the memory mode stays)
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        data[7] = sched_byte7(!is_master(data, size), is_weak(data, size), is_within(data, size));
        return size;
    default: // prefill: none, a few, or a burst
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        data[6] = (uint8_t)(rnd(2) ? 0 : count_byte());
        return size;
    }
}

// A preemption at a shared access: A runs until a site its program reaches, then B runs
// (an op, two or three ops, a few steps, or until one of its own sites), then, sometimes, A
// finishes its op. Inserted early half the time: short programs end soon. Returns the new size, or
// 0.
static size_t preempt_at_access(uint8_t *data, size_t size, size_t max) {
    if (max < SCHED_FIXED_BYTES) {
        return 0;
    }
    int n = live_threads(data, size);
    if (n < 2) {
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        data[0] = (uint8_t)(1 + rnd(2)); // 2 or 3 threads
        n = live_threads(data, size);
    }
    size = at_least(data, size, SCHED_FIXED_BYTES, max);
    uint8_t d[6];
    int a = (int)rnd((uint32_t)n), b = (a + 1 + (int)rnd((uint32_t)n - 1)) % n;
    if (!until_decision(d, data, size, a)) {
        return 0;
    }
    size_t nb = 4;
    switch (rnd(4)) {
    case 0:
        if (until_decision(d + 2, data, size, b)) {
            break;
        }
        // fall through
    case 1:
        d[2] = (uint8_t)(b + 4 * SMODE_OP);
        d[3] = 0;
        break;
    case 2: // two or three whole ops (the owner's kick-then-take, a put then a steal)
        d[2] = (uint8_t)(b + 4 * SMODE_OPS);
        d[3] = (uint8_t)(1 + rnd(2));
        break;
    default:
        d[2] = (uint8_t)(b + 4 * SMODE_STEPS);
        d[3] = (uint8_t)rnd(4);
        break;
    }
    if (rnd(2)) {
        d[4] = (uint8_t)(a + 4 * SMODE_OP);
        d[5] = 0;
        nb = 6;
    }
    if (size + nb > max) {
        return 0;
    }
    size_t nd = ndec(size);
    size_t k = rnd(2) ? rnd((uint32_t)(nd < 3 ? nd : 3) + 1) : rnd((uint32_t)nd + 1);
    size_t o = dec_off(k);
    memmove(data + o + nb, data + o, size - o);
    memcpy(data + o, d, nb);
    return size + nb;
}

// Byte form of data (text is parsed and encoded), or SIZE_MAX if it is text that does
// not parse. An empty input is the empty byte schedule (what an empty corpus starts from).
static size_t as_bytes(uint8_t *data, size_t size, size_t max) {
    if (!schedule_is_text(data, size)) {
        return size;
    }
    static schedule s;
    if (schedule_load_bytes(data, size, &s, NULL, 0) != 0) {
        return SIZE_MAX;
    }
    return schedule_encode(&s, data, max);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed << 1 | 1);
    size_t n = as_bytes(data, size, max_size);
    if (n == SIZE_MAX || rnd(4) == 0) {
        // libFuzzer's own byte mutations (dictionary, CMP traces), then counts it changed
        // are made short again, seven times in eight.
        static uint8_t before[SCHED_MAX_BYTES];
        size_t keep = size < sizeof before ? size : sizeof before;
        memcpy(before, data, keep);
        size_t m = LLVMFuzzerMutate(data, size, max_size);
        if (!schedule_is_text(data, m)) {
            for (size_t o = SCHED_HEADER_BYTES + 1; o < SCHED_FIXED_BYTES && o < m; o += 2) {
                if ((o >= keep || data[o] != before[o]) && rnd(8)) {
                    data[o] = (uint8_t)rnd(8);
                }
            }
            if (m > 6 && (6 >= keep || data[6] != before[6]) && rnd(8)) {
                data[6] = (uint8_t)rnd(8);
            }
        }
        return m;
    }
    size_t r = 0;
    if ((n < SCHED_FIXED_BYTES && rnd(2)) || rnd(8) == 0) {
        // (nearly) empty: start from a scenario; and an eighth of all inputs are fresh
        // ones (a race scenario finds the three-thread races by itself: one in ~200 kills
        // the one-look runqempty)
        r = fresh_scenario(data, n, max_size);
    }
    for (int tries = 0; r == 0 && tries < 8; tries++) {
        r = mutate_once(data, n, max_size);
    }
    for (uint32_t more = rnd(3); r != 0 && more > 0; more--) { // sometimes stack a few
        size_t r2 = mutate_once(data, r, max_size);
        r = r2 ? r2 : r;
    }
    return r ? r : n;
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2, size_t s2,
                                 uint8_t *out, size_t max_out, unsigned int seed) {
    rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed << 1 | 1);
    static uint8_t a[SCHED_MAX_BYTES], b[SCHED_MAX_BYTES];
    size_t na = s1 < sizeof a ? s1 : sizeof a, nb = s2 < sizeof b ? s2 : sizeof b;
    memcpy(a, d1, na);
    memcpy(b, d2, nb);
    na = as_bytes(a, na, sizeof a);
    nb = as_bytes(b, nb, sizeof b);
    if (max_out < SCHED_FIXED_BYTES || na == SIZE_MAX || nb == SIZE_MAX) {
        return 0;
    }
    na = at_least(a, na, SCHED_FIXED_BYTES, sizeof a);
    nb = at_least(b, nb, SCHED_FIXED_BYTES, sizeof b);
    // Header from the first; each thread's program from either; decisions: a prefix of
    // the first's, then a suffix of the second's.
    memcpy(out, a, SCHED_HEADER_BYTES);
    for (int t = 0; t < SCHED_BYTE_THREADS; t++) {
        memcpy(out + op_off(t, 0), rnd(2) ? a + op_off(t, 0) : b + op_off(t, 0), 2 * SCHED_MAX_OPS);
    }
    size_t da = ndec(na), db = ndec(nb), ka = rnd((uint32_t)da + 1), kb = rnd((uint32_t)db + 1);
    size_t len = SCHED_FIXED_BYTES;
    for (size_t k = 0; k < ka && len + 2 <= max_out; k++, len += 2) {
        memcpy(out + len, a + dec_off(k), 2);
    }
    for (size_t k = kb; k < db && len + 2 <= max_out; k++, len += 2) {
        memcpy(out + len, b + dec_off(k), 2);
    }
    return len;
}
