// fuzz_runq_sched.c - libFuzzer target: owner and thief threads on the deterministic
// engine. The bytes are a schedule (harness/schedule.h): thread programs and scheduling
// decisions. Every failure prints its invariant and the replay command, then aborts so
// libFuzzer saves the input.
#include "progname.h"
#include "runner.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static schedule s;
    if (schedule_load_bytes(data, size, &s, NULL, 0) != 0) {
        return 0; // text that does not parse: runq-replay rejects it too (exit 2)
    }
    static bool named, master;
    if (!named) { // the reproduce line names the runq-replay built for this port
        prog_init();
        master = prog_variant_is_master_import();
        named = true;
    }
    // On a master-family import every input runs on Go master's world, whatever its header
    // says, as runq-replay --go master runs it.
    if (master) {
        schedule_set_version(&s, SVER_MASTER);
    }
    bool bytes = schedule_needs_bytes_flag(data, size);
    runner_fuzz_one(&s, master ? (bytes ? "--go master --bytes " : "--go master ")
                               : (bytes ? "--bytes " : ""));
    return 0;
}
