#include "sb_messages.h"

#include <string.h>

#include "sb_codec.h"

/* The wire carries IEEE-754 binary32; every supported MCU and host stores float that way. */
static uint32_t float_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

static float bits_float(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

uint16_t sb_pack_hello(const sb_hello *m, uint8_t *p)
{
    p[0] = m->role;
    p[1] = m->protocol_version;
    sb_put_u16(&p[2], m->max_payload);
    sb_put_u32(&p[4], m->session_id);
    sb_put_u32(&p[8], m->peer_session_seen);
    sb_put_u16(&p[12], m->heartbeat_ms);
    sb_put_u16(&p[14], m->capabilities);
    memcpy(&p[16], m->software_version, SB_SOFTWARE_VERSION_LEN);
    return SB_HELLO_SIZE;
}

int sb_unpack_hello(const uint8_t *p, uint16_t len, sb_hello *m)
{
    if (len < SB_HELLO_SIZE) {
        return -1;
    }
    m->role = p[0];
    m->protocol_version = p[1];
    m->max_payload = sb_get_u16(&p[2]);
    m->session_id = sb_get_u32(&p[4]);
    m->peer_session_seen = sb_get_u32(&p[8]);
    m->heartbeat_ms = sb_get_u16(&p[12]);
    m->capabilities = sb_get_u16(&p[14]);
    memcpy(m->software_version, &p[16], SB_SOFTWARE_VERSION_LEN);
    return 0;
}

uint16_t sb_pack_heartbeat(const sb_heartbeat *m, uint8_t *p)
{
    sb_put_u32(&p[0], m->session_id);
    sb_put_u32(&p[4], m->uptime_ms);
    return SB_HEARTBEAT_SIZE;
}

int sb_unpack_heartbeat(const uint8_t *p, uint16_t len, sb_heartbeat *m)
{
    if (len < SB_HEARTBEAT_SIZE) {
        return -1;
    }
    m->session_id = sb_get_u32(&p[0]);
    m->uptime_ms = sb_get_u32(&p[4]);
    return 0;
}

uint16_t sb_pack_ack(uint16_t seq, uint8_t *p)
{
    sb_put_u16(p, seq);
    return SB_ACK_SIZE;
}

int sb_unpack_ack(const uint8_t *p, uint16_t len, uint16_t *seq)
{
    if (len < SB_ACK_SIZE) {
        return -1;
    }
    *seq = sb_get_u16(p);
    return 0;
}

uint16_t sb_pack_nack(uint16_t seq, uint8_t reason, uint8_t *p)
{
    sb_put_u16(p, seq);
    p[2] = reason;
    return SB_NACK_SIZE;
}

int sb_unpack_nack(const uint8_t *p, uint16_t len, uint16_t *seq, uint8_t *reason)
{
    if (len < SB_NACK_SIZE) {
        return -1;
    }
    *seq = sb_get_u16(p);
    *reason = p[2];
    return 0;
}

uint16_t sb_pack_place(const sb_place *m, uint8_t *p)
{
    sb_put_u32(&p[0], m->place_id);
    sb_put_u32(&p[4], float_bits(m->score));
    sb_put_u64(&p[8], m->timestamp_us);
    return SB_PLACE_SIZE;
}

int sb_unpack_place(const uint8_t *p, uint16_t len, sb_place *m)
{
    if (len < SB_PLACE_SIZE) {
        return -1;
    }
    m->place_id = sb_get_u32(&p[0]);
    m->score = bits_float(sb_get_u32(&p[4]));
    m->timestamp_us = sb_get_u64(&p[8]);
    return 0;
}

uint16_t sb_pack_odometry(const sb_odometry *m, uint8_t *p)
{
    sb_put_u32(&p[0], m->timestamp_ms);
    sb_put_u32(&p[4], (uint32_t)m->x_mm);
    sb_put_u32(&p[8], (uint32_t)m->y_mm);
    sb_put_u32(&p[12], (uint32_t)m->heading_mrad);
    sb_put_u16(&p[16], (uint16_t)m->v_mm_s);
    sb_put_u16(&p[18], (uint16_t)m->omega_mrad_s);
    return SB_ODOMETRY_SIZE;
}

int sb_unpack_odometry(const uint8_t *p, uint16_t len, sb_odometry *m)
{
    if (len < SB_ODOMETRY_SIZE) {
        return -1;
    }
    m->timestamp_ms = sb_get_u32(&p[0]);
    m->x_mm = (int32_t)sb_get_u32(&p[4]);
    m->y_mm = (int32_t)sb_get_u32(&p[8]);
    m->heading_mrad = (int32_t)sb_get_u32(&p[12]);
    m->v_mm_s = (int16_t)sb_get_u16(&p[16]);
    m->omega_mrad_s = (int16_t)sb_get_u16(&p[18]);
    return 0;
}

uint16_t sb_pack_battery(const sb_battery *m, uint8_t *p)
{
    sb_put_u32(&p[0], m->timestamp_ms);
    sb_put_u16(&p[4], m->voltage_mv);
    sb_put_u16(&p[6], (uint16_t)m->current_ma);
    p[8] = m->soc_pct;
    return SB_BATTERY_SIZE;
}

int sb_unpack_battery(const uint8_t *p, uint16_t len, sb_battery *m)
{
    if (len < SB_BATTERY_SIZE) {
        return -1;
    }
    m->timestamp_ms = sb_get_u32(&p[0]);
    m->voltage_mv = sb_get_u16(&p[4]);
    m->current_ma = (int16_t)sb_get_u16(&p[6]);
    m->soc_pct = p[8];
    return 0;
}

uint16_t sb_pack_fault(const sb_fault *m, uint8_t *p)
{
    sb_put_u32(&p[0], m->timestamp_ms);
    sb_put_u16(&p[4], m->code);
    p[6] = m->severity;
    p[7] = m->active;
    return SB_FAULT_SIZE;
}

int sb_unpack_fault(const uint8_t *p, uint16_t len, sb_fault *m)
{
    if (len < SB_FAULT_SIZE) {
        return -1;
    }
    m->timestamp_ms = sb_get_u32(&p[0]);
    m->code = sb_get_u16(&p[4]);
    m->severity = p[6];
    m->active = p[7];
    return 0;
}
