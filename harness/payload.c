// payload.c - see payload.h. Deliberately tiny: plain accesses to gp->user only.
#include "payload.h"

#include "memmodel.h"

#include <stdint.h>

void payload_take(g *gp, int t) {
    mm_gaccess(t, gp, MM_G_PAYLOAD);   // the engine's happens-before check (g-race)
    uintptr_t v = (uintptr_t)gp->user; // plain read: ordered after the last holder's write
    gp->user = (void *)((v & ~(uintptr_t)0xff) + 0x100 + (uintptr_t)t); // plain write
    // The engine's happens-before check (g-race), after the plain accesses so that under
    // TSan the sanitizer's report on them comes first (a second opinion, not masked).
    mm_gaccess(t, gp, MM_G_PAYLOAD);
}
