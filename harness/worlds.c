// worlds.c - the engine's worlds: one struct dsched_world per compiled port (capacity and
// Go version). The world's code is compiled once (world_*.c); each entry differs only in
// the port adapter its reset binds (port_adapter.h).
#include "worlds.h"

#include "port_adapter.h"
#include "world_internal.h"

#include <stddef.h>

#define WORLD(name, port_sym, capacity)                                                            \
    static void name##_reset(const schedule *s) {                                                  \
        world_reset(&port_sym, s);                                                                 \
    }                                                                                              \
    const struct dsched_world name = {                                                             \
        .cap = capacity,                                                                           \
        .reset = name##_reset,                                                                     \
        .thread_body = w_thread_body,                                                              \
        .after_access = w_after_access,                                                            \
        .gwrite = w_gwrite,                                                                        \
        .lock_event = w_lock_event,                                                                \
        .finish = w_finish,                                                                        \
        .describe = w_describe,                                                                    \
        .describe_end = w_describe_end,                                                            \
        .describe_value = w_describe_value,                                                        \
        .sizes = w_sizes,                                                                          \
        .locate = w_locate,                                                                        \
        .g_of = w_g_of,                                                                            \
        .labels = ws.glabel,                                                                       \
        .save_initial = w_save_initial,                                                            \
    };

WORLD(d4_world, d4_port, 4)
WORLD(d8_world, d8_port, 8)
WORLD(d256_world, d256_port, 256)
WORLD(dm4_world, dm4_port, 4)
WORLD(dm8_world, dm8_port, 8)
WORLD(dm256_world, dm256_port, 256)

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
