#include "sb_link.h"

#include <string.h>

#define HELLO_INTERVAL_MS 500u
#define RX_WINDOW_BITS 32

static int reached(uint32_t now, uint32_t deadline)
{
    return (int32_t)(now - deadline) >= 0;
}

static void set_state(sb_link *link, sb_link_state state)
{
    if (link->state != state) {
        link->state = state;
        if (link->config.on_state != NULL) {
            link->config.on_state(link->config.ctx, state);
        }
    }
}

static void send_frame(sb_link *link, uint8_t type, uint8_t flags, uint16_t seq,
                       const uint8_t *payload, uint16_t len)
{
    size_t n = sb_frame_encode(type, flags, seq, payload, len, link->tx, sizeof link->tx);
    if (n > 0) {
        link->config.write(link->config.ctx, link->tx, n);
        link->counters.frames_sent++;
    }
}

static void send_best_effort(sb_link *link, uint8_t type, const uint8_t *payload, uint16_t len)
{
    send_frame(link, type, 0, link->best_effort_seq++, payload, len);
}

static void send_hello(sb_link *link)
{
    uint8_t payload[SB_HELLO_SIZE];
    sb_hello hello;
    size_t i;

    memset(&hello, 0, sizeof hello);
    hello.role = SB_ROLE_FIRMWARE;
    hello.protocol_version = SB_PROTOCOL_VERSION;
    hello.max_payload = SB_MAX_PAYLOAD;
    hello.session_id = link->config.session_id;
    hello.peer_session_seen = link->peer_known ? link->peer_session : 0u;
    hello.heartbeat_ms = link->config.heartbeat_ms;
    hello.capabilities = link->config.capabilities;
    for (i = 0; link->config.software_version != NULL && i < SB_SOFTWARE_VERSION_LEN
                && link->config.software_version[i] != '\0'; i++) {
        hello.software_version[i] = link->config.software_version[i];
    }
    send_best_effort(link, SB_MSG_HELLO, payload, sb_pack_hello(&hello, payload));
    link->next_hello_ms = link->now_ms + HELLO_INTERVAL_MS;
}

static void send_ack(sb_link *link, uint16_t seq)
{
    uint8_t payload[SB_ACK_SIZE];
    send_best_effort(link, SB_MSG_ACK, payload, sb_pack_ack(seq, payload));
}

static void send_nack(sb_link *link, uint16_t seq, uint8_t reason)
{
    uint8_t payload[SB_NACK_SIZE];
    send_best_effort(link, SB_MSG_NACK, payload, sb_pack_nack(seq, reason, payload));
    link->counters.nacks_sent++;
}

static int rx_already_delivered(const sb_link *link, uint16_t seq)
{
    int16_t ahead;
    if (!link->rx_window_valid) {
        return 0;
    }
    ahead = (int16_t)(uint16_t)(seq - link->rx_window_top);
    if (ahead > 0) {
        return 0;
    }
    /* Older than the window: the sender keeps at most a few messages in flight, so this is a stale copy. */
    if (ahead <= -RX_WINDOW_BITS) {
        return 1;
    }
    return (link->rx_window_mask >> (unsigned)(-ahead)) & 1u;
}

static void rx_mark_delivered(sb_link *link, uint16_t seq)
{
    int16_t ahead;
    if (!link->rx_window_valid) {
        link->rx_window_valid = 1;
        link->rx_window_top = seq;
        link->rx_window_mask = 1u;
        return;
    }
    ahead = (int16_t)(uint16_t)(seq - link->rx_window_top);
    if (ahead > 0) {
        link->rx_window_mask = ahead >= RX_WINDOW_BITS ? 0u : link->rx_window_mask << (unsigned)ahead;
        link->rx_window_mask |= 1u;
        link->rx_window_top = seq;
    } else {
        link->rx_window_mask |= 1u << (unsigned)(-ahead);
    }
}

static void meet_peer(sb_link *link, uint32_t session)
{
    /* A new session means the host restarted: its reliable numbering starts afresh. */
    if (!link->peer_ever_known || session != link->peer_session) {
        link->rx_window_valid = 0;
    }
    link->peer_known = 1;
    link->peer_ever_known = 1;
    link->peer_session = session;
    link->last_rx_ms = link->now_ms;
    link->next_heartbeat_ms = link->now_ms;
    set_state(link, SB_LINK_CONNECTED);
}

static void finish_delivery(sb_link *link, uint16_t seq, sb_delivery result)
{
    size_t i;
    for (i = 0; i < SB_OUTBOX_SLOTS; i++) {
        sb_outbox_slot *slot = &link->outbox[i];
        if (slot->used && slot->seq == seq) {
            slot->used = 0;
            if (result == SB_DELIVERY_NACKED) {
                link->counters.nacks_received++;
            }
            if (link->config.on_delivery != NULL) {
                link->config.on_delivery(link->config.ctx, seq, result);
            }
            return;
        }
    }
}

static void handle_reliable(sb_link *link, const sb_frame *frame)
{
    sb_place place;

    if (rx_already_delivered(link, frame->seq)) {
        /* Our ACK was lost: acknowledge again, deliver nothing. */
        link->counters.duplicates++;
        send_ack(link, frame->seq);
        return;
    }
    if (frame->type != SB_MSG_PLACE) {
        send_nack(link, frame->seq, SB_NACK_UNKNOWN_TYPE);
        return;
    }
    if (link->config.on_place == NULL) {
        send_nack(link, frame->seq, SB_NACK_UNSUPPORTED);
        return;
    }
    if (sb_unpack_place(frame->payload, frame->payload_len, &place) != 0) {
        send_nack(link, frame->seq, SB_NACK_BAD_LENGTH);
        return;
    }
    rx_mark_delivered(link, frame->seq);
    link->config.on_place(link->config.ctx, &place);
    send_ack(link, frame->seq);
}

static void handle_frame(sb_link *link, const sb_frame *frame)
{
    sb_hello hello;
    sb_heartbeat heartbeat;
    uint16_t seq;
    uint8_t reason;

    link->counters.frames_received++;
    if (frame->type == SB_MSG_HELLO) {
        if (sb_unpack_hello(frame->payload, frame->payload_len, &hello) == 0) {
            meet_peer(link, hello.session_id);
            if (hello.peer_session_seen != link->config.session_id) {
                send_hello(link);
            }
        }
        return;
    }
    if (frame->type == SB_MSG_HEARTBEAT) {
        if (sb_unpack_heartbeat(frame->payload, frame->payload_len, &heartbeat) != 0) {
            return;
        }
        if (!link->peer_known || heartbeat.session_id != link->peer_session) {
            /* The host restarted and its HELLO was lost, or we gave it up as lost: introduce ourselves. */
            link->peer_known = 0;
            send_hello(link);
            return;
        }
        link->last_rx_ms = link->now_ms;
        return;
    }
    if (!link->peer_known) {
        /* Until the handshake nothing else is trusted; the host retries reliable messages. */
        return;
    }
    link->last_rx_ms = link->now_ms;
    if (frame->flags & SB_FLAG_RELIABLE) {
        handle_reliable(link, frame);
    } else if (frame->type == SB_MSG_ACK) {
        if (sb_unpack_ack(frame->payload, frame->payload_len, &seq) == 0) {
            finish_delivery(link, seq, SB_DELIVERY_ACKED);
        }
    } else if (frame->type == SB_MSG_NACK) {
        if (sb_unpack_nack(frame->payload, frame->payload_len, &seq, &reason) == 0) {
            finish_delivery(link, seq, SB_DELIVERY_NACKED);
        }
    }
}

void sb_init(sb_link *link, const sb_link_config *config, uint32_t now_ms)
{
    memset(link, 0, sizeof *link);
    link->config = *config;
    if (link->config.heartbeat_ms == 0) {
        link->config.heartbeat_ms = 200;
    }
    if (link->config.degraded_ms == 0) {
        link->config.degraded_ms = 600;
    }
    if (link->config.lost_ms == 0) {
        link->config.lost_ms = 1500;
    }
    if (link->config.retry_ms == 0) {
        link->config.retry_ms = 100;
    }
    if (link->config.max_retries == 0) {
        link->config.max_retries = 10;
    }
    sb_decoder_init(&link->decoder);
    link->state = SB_LINK_CONNECTING;
    link->now_ms = now_ms;
    link->next_hello_ms = now_ms;
}

void sb_feed_byte(sb_link *link, uint8_t byte)
{
    sb_frame frame;
    switch (sb_decoder_feed(&link->decoder, byte, &frame)) {
    case SB_DECODE_FRAME:
        handle_frame(link, &frame);
        break;
    case SB_DECODE_CRC_ERROR:
        link->counters.crc_errors++;
        break;
    case SB_DECODE_MALFORMED:
        link->counters.malformed++;
        break;
    case SB_DECODE_OVERRUN:
        link->counters.overruns++;
        break;
    case SB_DECODE_NONE:
        break;
    }
}

void sb_poll(sb_link *link, uint32_t now_ms)
{
    size_t i;
    uint8_t payload[SB_HEARTBEAT_SIZE];
    sb_heartbeat heartbeat;

    link->now_ms = now_ms;
    if (!link->peer_known) {
        if (reached(now_ms, link->next_hello_ms)) {
            send_hello(link);
        }
        return;
    }
    if (reached(now_ms, link->last_rx_ms + link->config.lost_ms)) {
        /* Forget the host so HELLOs resume; the session stays remembered to spot a restart. */
        link->peer_known = 0;
        set_state(link, SB_LINK_LOST);
        return;
    }
    set_state(link, reached(now_ms, link->last_rx_ms + link->config.degraded_ms)
                        ? SB_LINK_DEGRADED : SB_LINK_CONNECTED);

    if (reached(now_ms, link->next_heartbeat_ms)) {
        heartbeat.session_id = link->config.session_id;
        heartbeat.uptime_ms = now_ms;
        send_best_effort(link, SB_MSG_HEARTBEAT, payload, sb_pack_heartbeat(&heartbeat, payload));
        link->next_heartbeat_ms = now_ms + link->config.heartbeat_ms;
    }
    for (i = 0; i < SB_OUTBOX_SLOTS; i++) {
        sb_outbox_slot *slot = &link->outbox[i];
        if (!slot->used || !reached(now_ms, slot->resend_at)) {
            continue;
        }
        if (slot->retries >= link->config.max_retries) {
            slot->used = 0;
            link->counters.delivery_failures++;
            if (link->config.on_delivery != NULL) {
                link->config.on_delivery(link->config.ctx, slot->seq, SB_DELIVERY_TIMED_OUT);
            }
            continue;
        }
        slot->retries++;
        slot->resend_at = now_ms + link->config.retry_ms;
        link->config.write(link->config.ctx, slot->wire, slot->len);
        link->counters.frames_sent++;
        link->counters.retransmissions++;
    }
}

sb_status sb_send_odometry(sb_link *link, const sb_odometry *odometry)
{
    uint8_t payload[SB_ODOMETRY_SIZE];
    if (!link->peer_known) {
        return SB_ERR_NOT_CONNECTED;
    }
    send_best_effort(link, SB_MSG_ODOMETRY, payload, sb_pack_odometry(odometry, payload));
    return SB_OK;
}

sb_status sb_send_battery(sb_link *link, const sb_battery *battery)
{
    uint8_t payload[SB_BATTERY_SIZE];
    if (!link->peer_known) {
        return SB_ERR_NOT_CONNECTED;
    }
    send_best_effort(link, SB_MSG_BATTERY, payload, sb_pack_battery(battery, payload));
    return SB_OK;
}

sb_status sb_send_fault(sb_link *link, const sb_fault *fault, uint16_t *seq)
{
    uint8_t payload[SB_FAULT_SIZE];
    size_t i;

    if (!link->peer_known) {
        return SB_ERR_NOT_CONNECTED;
    }
    /*
     * A window of sequence numbers, not just of slots: the host treats a reliable seq 32 or
     * more behind its newest as a stale duplicate, so no message may lag the newest that far.
     */
    for (i = 0; i < SB_OUTBOX_SLOTS; i++) {
        if (link->outbox[i].used
            && (uint16_t)(link->reliable_seq - link->outbox[i].seq) >= SB_OUTBOX_SLOTS) {
            return SB_ERR_BUSY;
        }
    }
    for (i = 0; i < SB_OUTBOX_SLOTS; i++) {
        sb_outbox_slot *slot = &link->outbox[i];
        if (slot->used) {
            continue;
        }
        slot->seq = link->reliable_seq++;
        slot->len = (uint16_t)sb_frame_encode(SB_MSG_FAULT, SB_FLAG_RELIABLE, slot->seq, payload,
                                              sb_pack_fault(fault, payload), slot->wire, sizeof slot->wire);
        slot->used = 1;
        slot->retries = 0;
        slot->resend_at = link->now_ms + link->config.retry_ms;
        link->config.write(link->config.ctx, slot->wire, slot->len);
        link->counters.frames_sent++;
        if (seq != NULL) {
            *seq = slot->seq;
        }
        return SB_OK;
    }
    return SB_ERR_BUSY;
}

sb_link_state sb_state(const sb_link *link)
{
    return link->state;
}

const sb_counters *sb_get_counters(const sb_link *link)
{
    return &link->counters;
}
