/*
 * Sparrow bridge link engine for the firmware side: handshake, heartbeats, link state,
 * acknowledged delivery with bounded retries and duplicate suppression.
 *
 * Byte in, byte out: the main loop hands every received byte to sb_feed_byte() and
 * calls sb_poll() with a millisecond clock; frames leave through the write callback.
 * Call both from the main loop, not from an interrupt handler: a UART ISR should only
 * push bytes into a ring buffer that the main loop drains into sb_feed_byte().
 */
#ifndef SB_LINK_H
#define SB_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "sb_codec.h"
#include "sb_messages.h"

/* Reliable messages in flight at once (FAULT is the only reliable firmware message). */
#ifndef SB_OUTBOX_SLOTS
#define SB_OUTBOX_SLOTS 4u
#endif

typedef enum sb_link_state {
    SB_LINK_CONNECTING = 0, /* no HELLO from the host yet, or heard again after LOST */
    SB_LINK_CONNECTED,
    SB_LINK_DEGRADED,       /* host silent for longer than degraded_ms */
    SB_LINK_LOST            /* host silent for longer than lost_ms: stop anything it commands */
} sb_link_state;

typedef enum sb_delivery {
    SB_DELIVERY_ACKED = 0,
    SB_DELIVERY_NACKED,
    SB_DELIVERY_TIMED_OUT
} sb_delivery;

typedef enum sb_status {
    SB_OK = 0,
    SB_ERR_NOT_CONNECTED = -1,
    SB_ERR_BUSY = -2 /* every outbox slot holds an unacknowledged message */
} sb_status;

typedef struct sb_counters {
    uint32_t frames_sent;
    uint32_t frames_received;
    uint32_t crc_errors;
    uint32_t malformed;
    uint32_t overruns;
    uint32_t retransmissions;
    uint32_t duplicates;
    uint32_t nacks_sent;
    uint32_t nacks_received;
    uint32_t delivery_failures;
} sb_counters;

typedef void (*sb_write_fn)(void *ctx, const uint8_t *data, size_t len);

typedef struct sb_link_config {
    sb_write_fn write;
    void *ctx; /* passed to every callback */
    uint32_t session_id;  /* new on every boot (boot counter or hardware RNG), never 0 */
    uint16_t capabilities;
    const char *software_version;
    uint16_t heartbeat_ms;
    uint16_t degraded_ms;
    uint16_t lost_ms;
    uint16_t retry_ms;
    uint8_t max_retries;
    /* Each reliable PLACE reaches this callback exactly once; NULL makes PLACE unsupported (NACK). */
    void (*on_place)(void *ctx, const sb_place *place);
    void (*on_state)(void *ctx, sb_link_state state);
    void (*on_delivery)(void *ctx, uint16_t seq, sb_delivery result);
} sb_link_config;

typedef struct sb_outbox_slot {
    uint8_t used;
    uint8_t retries;
    uint16_t seq;
    uint32_t resend_at;
    uint16_t len;
    uint8_t wire[SB_FRAME_WIRE_MAX];
} sb_outbox_slot;

typedef struct sb_link {
    sb_link_config config;
    sb_decoder decoder;
    sb_link_state state;
    uint8_t peer_known;
    uint8_t peer_ever_known;
    uint32_t peer_session;
    uint32_t now_ms;
    uint32_t last_rx_ms;
    uint32_t next_heartbeat_ms;
    uint32_t next_hello_ms;
    uint16_t reliable_seq;
    uint16_t best_effort_seq;
    uint8_t rx_window_valid;
    uint16_t rx_window_top;
    uint32_t rx_window_mask; /* bit i: reliable seq (top - i) already delivered */
    sb_outbox_slot outbox[SB_OUTBOX_SLOTS];
    sb_counters counters;
    uint8_t tx[SB_FRAME_WIRE_MAX];
} sb_link;

/* Zero timing fields in config take the defaults: heartbeat 200, degraded 600, lost 1500, retry 100 ms, 10 retries. */
void sb_init(sb_link *link, const sb_link_config *config, uint32_t now_ms);
void sb_feed_byte(sb_link *link, uint8_t byte);
void sb_poll(sb_link *link, uint32_t now_ms);

sb_status sb_send_odometry(sb_link *link, const sb_odometry *odometry);
sb_status sb_send_battery(sb_link *link, const sb_battery *battery);
/* Reliable: on success *seq (if not NULL) names the message in the later on_delivery call. */
sb_status sb_send_fault(sb_link *link, const sb_fault *fault, uint16_t *seq);

sb_link_state sb_state(const sb_link *link);
const sb_counters *sb_get_counters(const sb_link *link);

#endif
