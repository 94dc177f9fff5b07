// schedule_mutator.c - structure-aware mutation of byte schedules for libFuzzer
// (LLVMFuzzerCustomMutator, LLVMFuzzerCustomCrossOver), linked into the libFuzzer builds
// of both targets.
//
// The byte format (harness/schedule.h) is unchanged: every corpus file decodes as before.
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

// Bytes of a random op for thread t: kind and target in b0, count in b1.
static void random_op(uint8_t *b) {
    b[0] = (uint8_t)(1 + rnd(SOP_COUNT - 1) + SOP_COUNT * rnd(SCHED_MAX_THREADS));
    b[1] = count_byte();
}

// Header byte [7] asks for memory weak (Go 1.19 or master).
static bool is_weak(const uint8_t *data, size_t size) {
    return size > 7 && (data[7] == SCHED_WEAK_MAGIC || data[7] == SCHED_MASTER_WEAK_BYTE);
}

static void random_decision(uint8_t *b, bool weak) {
    if (weak && rnd(3) == 0) {
        // `read T stale K`, K = 1..7: the thread's next load with a choice reads K stores
        // back (as far as coherence allows); a stale read is what weak memory adds.
        b[0] = (uint8_t)(0x30 | rnd(SCHED_MAX_THREADS));
        b[1] = (uint8_t)(1 + rnd(SCHED_STALE_MAX - 1));
        return;
    }
    uint32_t mode = rnd(4);
    b[0] = (uint8_t)(rnd(SCHED_MAX_THREADS) + 4 * mode);
    b[1] = (uint8_t)(mode == SMODE_UNTIL ? rnd(RQ_SITE_COUNT) : rnd(8));
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

// One structural mutation. Returns the new size (0: not applicable, try another).
static size_t mutate_once(uint8_t *data, size_t size, size_t max) {
    if (max < SCHED_FIXED_BYTES) {
        return 0;
    }
    int t = (int)rnd(SCHED_MAX_THREADS), i = (int)rnd(SCHED_MAX_OPS);
    size_t nd = ndec(size);
    switch (rnd(14)) {
    case 0: { // insert an op (the thread's later ops shift; its last slot falls off)
        size = at_least(data, size, SCHED_FIXED_BYTES, max);
        size_t o = op_off(t, i), end = op_off(t, SCHED_MAX_OPS);
        memmove(data + o + 2, data + o, end - o - 2);
        random_op(data + o);
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
        random_op(data + op_off(t, i));
        return size;
    case 4: { // insert a decision
        size = at_least(data, size, SCHED_FIXED_BYTES, max);
        if (size < SCHED_FIXED_BYTES || size + 2 > max) {
            return 0;
        }
        size_t k = rnd((uint32_t)nd + 1), o = dec_off(k);
        memmove(data + o + 2, data + o, size - o);
        random_decision(data + o, is_weak(data, size));
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
            data[o] = (uint8_t)(rnd(SCHED_MAX_THREADS) + (data[o] & ~3u));
        } else {
            data[o] = (uint8_t)((data[o] & 3u) + 4 * SMODE_UNTIL);
            data[o + 1] = (uint8_t)rnd(RQ_SITE_COUNT);
        }
        return size;
    }
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
    case 10: // header: PCT and its depth, randomize, seed
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        if (rnd(2)) {
            data[3] ^= (uint8_t)(1u << rnd(5));
        } else {
            data[4 + rnd(2)] = (uint8_t)rnd(256);
        }
        return size;
    case 11: // memory: weak <-> sequentially consistent (the Go version stays)
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        if (is_weak(data, size)) {
            data[7] = data[7] == SCHED_MASTER_WEAK_BYTE ? SCHED_VERSION_BYTE : 0;
        } else {
            data[7] = data[7] == SCHED_VERSION_BYTE ? SCHED_MASTER_WEAK_BYTE : SCHED_WEAK_MAGIC;
        }
        return size;
    case 12: // Go version: 1.19 <-> master (the memory mode stays)
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        if (is_weak(data, size)) {
            data[7] = data[7] == SCHED_MASTER_WEAK_BYTE ? SCHED_WEAK_MAGIC : SCHED_MASTER_WEAK_BYTE;
        } else {
            data[7] = data[7] == SCHED_VERSION_BYTE ? 0 : SCHED_VERSION_BYTE;
        }
        return size;
    default: // prefill: none, a few, or a burst
        size = at_least(data, size, SCHED_HEADER_BYTES, max);
        data[6] = (uint8_t)(rnd(2) ? 0 : count_byte());
        return size;
    }
}

// Byte form of data (text is parsed and encoded), or 0 if it is not a schedule.
static size_t as_bytes(uint8_t *data, size_t size, size_t max) {
    if (!schedule_is_text(data, size)) {
        return size;
    }
    static schedule s;
    if (schedule_load_bytes(data, size, &s, NULL, 0) != 0) {
        return 0;
    }
    return schedule_encode(&s, data, max);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
    rng = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed << 1 | 1);
    size_t n = as_bytes(data, size, max_size);
    if (n == 0 || rnd(4) == 0) {
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
    if (max_out < SCHED_FIXED_BYTES || na == 0 || nb == 0) {
        return 0;
    }
    na = at_least(a, na, SCHED_FIXED_BYTES, sizeof a);
    nb = at_least(b, nb, SCHED_FIXED_BYTES, sizeof b);
    // Header from the first; each thread's program from either; decisions: a prefix of
    // the first's, then a suffix of the second's.
    memcpy(out, a, SCHED_HEADER_BYTES);
    for (int t = 0; t < SCHED_MAX_THREADS; t++) {
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
