// standalone_main.c - runs a fuzz target on files without libFuzzer (any compiler, any
// preset): `fuzz_runq_sched-standalone FILE...`. Exit 0 if every input passed; a failing
// input aborts, as under libFuzzer.
#include "runner.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
    static uint8_t buf[1 << 20];
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (f == NULL) {
            fprintf(stderr, "%s: cannot open %s\n", argv[0], argv[i]);
            return 2;
        }
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        runner_fuzz_input = argv[i]; // for the reproduce line
        LLVMFuzzerTestOneInput(buf, n);
        printf("%s: ok\n", argv[i]);
    }
    return 0;
}
