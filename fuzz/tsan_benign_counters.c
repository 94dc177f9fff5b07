// tsan_benign_counters.c - linked into libFuzzer targets of the fuzz-tsan preset.
//
// With -fsanitize=fuzzer-no-link the port's code bumps libFuzzer's inline 8-bit counters
// and __sancov_lowest_stack; under TSan those plain increments from different simulated
// threads (fibers, switched without synchronisation) are reported as races. They are the
// fuzzer's bookkeeping, not the queue's memory: mark them benign
// (../shared/TOOLCHAIN-NOTES.md: measured ~18k exec/s this way).
#include <stdint.h>

extern char __start___sancov_cntrs[] __attribute__((weak));
extern char __stop___sancov_cntrs[] __attribute__((weak));
extern __thread uintptr_t __sancov_lowest_stack __attribute__((weak));

void AnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, long size,
                             const char *description);

__attribute__((constructor)) static void runq_benign_fuzzer_counters(void) {
    if (__start___sancov_cntrs && __stop___sancov_cntrs > __start___sancov_cntrs) {
        AnnotateBenignRaceSized(__FILE__, __LINE__, __start___sancov_cntrs,
                                __stop___sancov_cntrs - __start___sancov_cntrs,
                                "libFuzzer inline 8-bit counters");
    }
    if (&__sancov_lowest_stack) {
        AnnotateBenignRaceSized(__FILE__, __LINE__, &__sancov_lowest_stack,
                                sizeof __sancov_lowest_stack, "libFuzzer stack depth");
    }
}
