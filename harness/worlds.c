// worlds.c - picks the world of a schedule's Go version and capacity.
#include "worlds.h"

#include <stddef.h>

const struct dsched_world *world_for(int version, int cap) {
    bool master = version == SVER_MASTER;
    switch (cap) {
    case 4:
        return master ? &dm4_world : &d4_world;
    case 8:
        return master ? &dm8_world : &d8_world;
    case 256:
        return master ? &dm256_world : &d256_world;
    default:
        return NULL;
    }
}
