#include "format_fields.h"

#include <stdio.h>
#include <string.h>

#include "sb_messages.h"

static const char *type_name(uint8_t type)
{
    switch (type) {
    case SB_MSG_HELLO: return "HELLO";
    case SB_MSG_HEARTBEAT: return "HEARTBEAT";
    case SB_MSG_ACK: return "ACK";
    case SB_MSG_NACK: return "NACK";
    case SB_MSG_PLACE: return "PLACE";
    case SB_MSG_ODOMETRY: return "ODOMETRY";
    case SB_MSG_BATTERY: return "BATTERY";
    case SB_MSG_FAULT: return "FAULT";
    default: return NULL;
    }
}

void sb_format_frame(const sb_frame *f, char *out, size_t cap)
{
    const char *name = type_name(f->type);
    size_t n;
    sb_hello hello;
    sb_heartbeat heartbeat;
    sb_place place;
    sb_odometry odo;
    sb_battery battery;
    sb_fault fault;
    uint16_t seq;
    uint8_t reason;
    char version[SB_SOFTWARE_VERSION_LEN + 1];

    if (name != NULL) {
        n = (size_t)snprintf(out, cap, "version=%u type=%s flags=%u seq=%u ", f->version, name, f->flags, f->seq);
    } else {
        n = (size_t)snprintf(out, cap, "version=%u type=%u flags=%u seq=%u ", f->version, f->type, f->flags, f->seq);
    }
    out += n;
    cap -= n;
    switch (f->type) {
    case SB_MSG_HELLO:
        if (sb_unpack_hello(f->payload, f->payload_len, &hello) != 0) break;
        memcpy(version, hello.software_version, SB_SOFTWARE_VERSION_LEN);
        version[SB_SOFTWARE_VERSION_LEN] = '\0';
        snprintf(out, cap, "role=%u protocol_version=%u max_payload=%u session_id=%lu peer_session_seen=%lu "
                 "heartbeat_ms=%u capabilities=%u software_version=%s", hello.role, hello.protocol_version,
                 hello.max_payload, (unsigned long)hello.session_id, (unsigned long)hello.peer_session_seen,
                 hello.heartbeat_ms, hello.capabilities, version);
        return;
    case SB_MSG_HEARTBEAT:
        if (sb_unpack_heartbeat(f->payload, f->payload_len, &heartbeat) != 0) break;
        snprintf(out, cap, "session_id=%lu uptime_ms=%lu", (unsigned long)heartbeat.session_id,
                 (unsigned long)heartbeat.uptime_ms);
        return;
    case SB_MSG_ACK:
        if (sb_unpack_ack(f->payload, f->payload_len, &seq) != 0) break;
        snprintf(out, cap, "acked_seq=%u", seq);
        return;
    case SB_MSG_NACK:
        if (sb_unpack_nack(f->payload, f->payload_len, &seq, &reason) != 0) break;
        snprintf(out, cap, "nacked_seq=%u reason=%u", seq, reason);
        return;
    case SB_MSG_PLACE:
        if (sb_unpack_place(f->payload, f->payload_len, &place) != 0) break;
        snprintf(out, cap, "place_id=%lu score=%.6f timestamp_us=%llu", (unsigned long)place.place_id,
                 (double)place.score, (unsigned long long)place.timestamp_us);
        return;
    case SB_MSG_ODOMETRY:
        if (sb_unpack_odometry(f->payload, f->payload_len, &odo) != 0) break;
        snprintf(out, cap, "timestamp_ms=%lu x_mm=%ld y_mm=%ld heading_mrad=%ld v_mm_s=%d omega_mrad_s=%d",
                 (unsigned long)odo.timestamp_ms, (long)odo.x_mm, (long)odo.y_mm, (long)odo.heading_mrad,
                 odo.v_mm_s, odo.omega_mrad_s);
        return;
    case SB_MSG_BATTERY:
        if (sb_unpack_battery(f->payload, f->payload_len, &battery) != 0) break;
        snprintf(out, cap, "timestamp_ms=%lu voltage_mv=%u current_ma=%d soc_pct=%u",
                 (unsigned long)battery.timestamp_ms, battery.voltage_mv, battery.current_ma, battery.soc_pct);
        return;
    case SB_MSG_FAULT:
        if (sb_unpack_fault(f->payload, f->payload_len, &fault) != 0) break;
        snprintf(out, cap, "timestamp_ms=%lu code=%u severity=%u active=%u", (unsigned long)fault.timestamp_ms,
                 fault.code, fault.severity, fault.active);
        return;
    default:
        snprintf(out, cap, "payload_bytes=%u", f->payload_len);
        return;
    }
    snprintf(out, cap, "MALFORMED payload_bytes=%u", f->payload_len);
}
