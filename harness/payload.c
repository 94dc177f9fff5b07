// payload.c - see payload.h. Deliberately tiny: plain accesses to a G's user word only.
#include "payload.h"

#include "memmodel.h"

#include <stdint.h>

void payload_take_user(void **user, int64_t goid, int t) {
    uintptr_t v = (uintptr_t)*user; // plain read: ordered after the last holder's write
    *user = (void *)((v & ~(uintptr_t)0xff) + 0x100 + (uintptr_t)t); // plain write
    // The engine's happens-before check (g-race), after the plain accesses so that under
    // TSan the sanitizer's report on them comes first (a second opinion, not masked).
    mm_gaccess(t, goid, MM_G_PAYLOAD);
}
