// fail_search.c - from the failure schedule to a schedule that fails every time, at the
// settings the failure happened at (hand-off on or off, any --procs).
//
// The failure schedule (fail_schedule.c) holds each P's last queue operations, not their
// interleaving: on its own it rarely fails. Recording every access would give the
// interleaving but serialises the run (docs/figures.md: several times slower) and needs one
// thread per P. Instead the cheap op log is the constraint of a search: the runq-explore
// built for the same port runs `--search --expect INV` on it (PCT over windows of the
// programs, tools/runq_explore.c), writes the first order that fails with the run's own
// invariant as decisions, and checks that the file fails so. The search is bounded
// (SEARCH_DEADLINE_S; main.c's shutdown deadline waits for it) and its verdict decides
// which schedule the "failure schedule:" hint names.
#include "fail_search.h"

#include "invariants.h"
#include "progname.h"
#include "torture.h"

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

// Set by the monitor around the search, read by main.c's deadline thread: seq_cst, a flag
// with no data behind it (the deadline only waits longer while it is set).
static _Atomic bool searching;

bool fail_search_running(void) {
    return atomic_load(&searching);
}

#define SEARCH_DEADLINE_S FAIL_SEARCH_DEADLINE_S
#define SEARCH_MAX_RUNS "2000000" // a few us a run: SEARCH_DEADLINE_S comes first

// run_search: the explorer's exit status (1: found and checked; 0: none within its bound;
// 3: the file did not fail again), -1 if it could not run, -2 if it overstayed (killed).
static int run_search(const char *explore, const char *inv, const char *found, const char *sched) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    // Its words are the file's header and the hint below: its own output is not wanted.
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)explore, "--search", "--expect",    (char *)inv,   "--max-runs",
                    SEARCH_MAX_RUNS, "--out",    (char *)found, (char *)sched, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, explore, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        return -1;
    }
    for (int waited_ms = 0;; waited_ms += 10) {
        int st;
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        if (w < 0) {
            return -1;
        }
        if (waited_ms >= SEARCH_DEADLINE_S * 1000) {
            kill(pid, SIGKILL); // the child this function started, by its id
            waitpid(pid, &st, 0);
            return -2;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

bool fail_schedule_hints(const char *path, const char *found) {
    char replay[1100], explore[1100], explore_exec[1100], apath[1200], afound[1200];
    prog_sibling(replay, sizeof replay, "runq-replay");
    prog_sibling(explore, sizeof explore, "runq-explore");
    prog_sibling_path(explore_exec, sizeof explore_exec, "runq-explore");
    prog_abs_path(apath, sizeof apath, path);
    prog_abs_path(afound, sizeof afound, found);
    const char *inv = stress_first_invariant();
    int id = inv_lookup(inv);
    // No search where there is nothing to find: a planted failure (--inject, --stall) is
    // not the port's, and an invariant the engine does not check is never its verdict.
    const char *why = srun()->params.inject != INJECT_NONE || srun()->params.stall > 0
                          ? "the failure was planted (--inject, --stall), not the port's"
                      : id < 0 || !(inv_emitters((enum inv_id)id) & INV_ENGINE)
                          ? "the engine does not check this invariant"
                      : access(explore_exec, X_OK) != 0
                          ? "the runq-explore of this port is not built"
                          : NULL;
    if (why) {
        stress_out("--- failure schedule: %s (runq-schedule v1: %s%s --trace %s)\n", path, replay,
                   prog_replay_flags(), apath);
        stress_out("--- no search for a schedule that fails every time: %s\n", why);
        return false;
    }
    char search[4000];
    snprintf(search, sizeof search, "%s --search --expect %s --out %s %s", explore, inv, afound,
             apath);
    unlink(found); // an earlier run's: the explorer never overwrites, and this one is new
    atomic_store(&searching, true);
    int rc = run_search(explore_exec, inv, found, path);
    atomic_store(&searching, false);
    if (rc == 1) {
        stress_out("--- failure ops: %s (each P's last queue operations, the search's input: "
                   "%s)\n",
                   path, search);
        stress_out("--- failure schedule: %s (runq-schedule v1: %s%s --trace %s)\n", found, replay,
                   prog_replay_flags(), afound);
        stress_out("--- it fails every time with invariant=%s (an order of those operations, "
                   "found by runq-explore --search)\n",
                   inv);
        return true;
    }
    // The hint is then the search itself: it ends with the same verdict (exit 0 or 3; 1
    // if a longer --seeds bound finds one).
    stress_out("--- failure schedule: %s (runq-schedule v1: %s)\n", path, search);
    stress_out("--- the search found no order of those operations that fails with "
               "invariant=%s: %s\n",
               inv,
               rc == 0    ? "none within its bound (try more --seeds, or --record)"
               : rc == 3  ? "the schedule it wrote did not fail again (replay-mismatch)"
               : rc == -2 ? "it ran out of time (try the command above)"
                          : "it could not run");
    return false;
}
