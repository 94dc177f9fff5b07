// expect.h - the unit tests' one check. EXPECT(cond, fmt, ...) counts a pass, or prints
// "FAIL <UNIT_NAME> file:line: message" (the form ci/mutation.sh reads a unit test's
// failure from) and counts a failure. Define UNIT_NAME ("unit_x") before including; each
// test's main prints the tally and exits 1 if anything failed.
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <stdio.h>

#ifndef UNIT_NAME
#error "define UNIT_NAME before including expect.h"
#endif

static int failed, passed;

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL " UNIT_NAME " %s:%d: ", __FILE__, __LINE__);                     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#endif
