// fuzz_runq_model.c - libFuzzer target: every operation runs alone (one whole op per
// scheduling decision), so each is checked against the sequential reference model, on top
// of the ledger's checks. Same byte format as fuzz_runq_sched.
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
    runner_make_sequential(&s);
    bool bytes = schedule_needs_bytes_flag(data, size);
    runner_fuzz_one(
        &s, master ? (bytes ? "--go master --sequential --bytes " : "--go master --sequential ")
                   : (bytes ? "--sequential --bytes " : "--sequential "));
    return 0;
}
