// payload.h - the G payload: plain (non-atomic) memory each holder of a G writes and
// checks. It is the only part of the engine compiled with ThreadSanitizer, so a missing
// release/acquire in the port shows up as a data race on the payload between two
// simulated threads, on the exact interleaving of the schedule.
#ifndef HARNESS_PAYLOAD_H
#define HARNESS_PAYLOAD_H

// The new holder t of a G takes it over: checks the last holder's stamp in the G's user
// word, writes its own. Takes the word, not the G, so that one build serves the ports of
// every Go version (their g structs differ).
#include <stdint.h>

void payload_take_user(void **user, int64_t goid, int t);
#define payload_take(gp, t) payload_take_user(&(gp)->user, (gp)->goid, (t))

#endif
