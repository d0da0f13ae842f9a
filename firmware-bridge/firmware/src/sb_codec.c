#include "sb_codec.h"

/*
 * CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF.
 * A 16-entry nibble table: 64 bytes of flash, two lookups per byte, fast enough on a
 * Cortex-M0+ without the 1 KiB a byte-wide table costs.
 */
static const uint32_t crc32c_nibble[16] = {
    0x00000000u, 0x105EC76Fu, 0x20BD8EDEu, 0x30E349B1u,
    0x417B1DBCu, 0x5125DAD3u, 0x61C69362u, 0x7198540Du,
    0x82F63B78u, 0x92A8FC17u, 0xA24BB5A6u, 0xB21572C9u,
    0xC38D26C4u, 0xD3D3E1ABu, 0xE330A81Au, 0xF36E6F75u
};

uint32_t sb_crc32c(uint32_t crc, const uint8_t *data, size_t len)
{
    size_t i;
    crc = ~crc;
    for (i = 0; i < len; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ crc32c_nibble[crc & 0x0Fu];
        crc = (crc >> 4) ^ crc32c_nibble[crc & 0x0Fu];
    }
    return ~crc;
}

size_t sb_cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap)
{
    size_t read;
    size_t write = 1;
    size_t code_at = 0;
    uint8_t code = 1;

    /* Checking the worst case once keeps the loop free of bounds tests. */
    if (out_cap < len + len / 254u + 1u) {
        return 0;
    }
    for (read = 0; read < len; read++) {
        if (in[read] == 0) {
            out[code_at] = code;
            code_at = write++;
            code = 1;
        } else {
            out[write++] = in[read];
            code++;
            if (code == 0xFF) {
                out[code_at] = code;
                code_at = write++;
                code = 1;
            }
        }
    }
    out[code_at] = code;
    return write;
}

long sb_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap)
{
    size_t read = 0;
    size_t write = 0;

    while (read < len) {
        uint8_t code = in[read++];
        uint8_t i;
        if (code == 0) {
            return -1;
        }
        for (i = 1; i < code; i++) {
            if (read >= len || in[read] == 0 || write >= out_cap) {
                return -1;
            }
            out[write++] = in[read++];
        }
        /* A block shorter than 254 data bytes stands for a zero, except at the very end. */
        if (code != 0xFF && read < len) {
            if (write >= out_cap) {
                return -1;
            }
            out[write++] = 0;
        }
    }
    return (long)write;
}

size_t sb_frame_encode(uint8_t type, uint8_t flags, uint16_t seq, const uint8_t *payload,
                       uint16_t payload_len, uint8_t *out, size_t out_cap)
{
    uint8_t raw[SB_MAX_RAW_FRAME];
    size_t raw_len;
    size_t encoded;
    uint16_t i;

    if (payload_len > SB_MAX_PAYLOAD) {
        return 0;
    }
    raw[0] = SB_PROTOCOL_VERSION;
    raw[1] = type;
    raw[2] = flags;
    sb_put_u16(&raw[3], seq);
    sb_put_u16(&raw[5], payload_len);
    for (i = 0; i < payload_len; i++) {
        raw[SB_HEADER_SIZE + i] = payload[i];
    }
    raw_len = SB_HEADER_SIZE + payload_len;
    sb_put_u32(&raw[raw_len], sb_crc32c(0, raw, raw_len));
    raw_len += SB_CRC_SIZE;

    encoded = sb_cobs_encode(raw, raw_len, out, out_cap);
    if (encoded == 0 || encoded >= out_cap) {
        return 0;
    }
    out[encoded] = 0;
    return encoded + 1;
}

void sb_decoder_init(sb_decoder *dec)
{
    dec->len = 0;
    dec->overrun = 0;
}

static sb_decode_result decode_buffered(sb_decoder *dec, sb_frame *frame)
{
    long raw_len = sb_cobs_decode(dec->encoded, dec->len, dec->raw, sizeof dec->raw);
    uint16_t payload_len;
    uint32_t crc;

    if (raw_len < (long)(SB_HEADER_SIZE + SB_CRC_SIZE)) {
        return SB_DECODE_MALFORMED;
    }
    crc = sb_get_u32(&dec->raw[raw_len - (long)SB_CRC_SIZE]);
    if (crc != sb_crc32c(0, dec->raw, (size_t)raw_len - SB_CRC_SIZE)) {
        return SB_DECODE_CRC_ERROR;
    }
    payload_len = sb_get_u16(&dec->raw[5]);
    if (dec->raw[0] != SB_PROTOCOL_VERSION
        || (long)(SB_HEADER_SIZE + payload_len + SB_CRC_SIZE) != raw_len) {
        return SB_DECODE_MALFORMED;
    }
    frame->version = dec->raw[0];
    frame->type = dec->raw[1];
    frame->flags = dec->raw[2];
    frame->seq = sb_get_u16(&dec->raw[3]);
    frame->payload_len = payload_len;
    frame->payload = &dec->raw[SB_HEADER_SIZE];
    return SB_DECODE_FRAME;
}

sb_decode_result sb_decoder_feed(sb_decoder *dec, uint8_t byte, sb_frame *frame)
{
    sb_decode_result result;

    if (byte != 0) {
        if (dec->overrun) {
            return SB_DECODE_NONE;
        }
        if (dec->len == sizeof dec->encoded) {
            dec->overrun = 1;
            dec->len = 0;
            return SB_DECODE_OVERRUN;
        }
        dec->encoded[dec->len++] = byte;
        return SB_DECODE_NONE;
    }
    if (dec->overrun) {
        dec->overrun = 0;
        return SB_DECODE_NONE;
    }
    if (dec->len == 0) {
        /* Back-to-back delimiters are legal idle fill, used to flush a receiver. */
        return SB_DECODE_NONE;
    }
    result = decode_buffered(dec, frame);
    dec->len = 0;
    return result;
}

void sb_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void sb_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void sb_put_u64(uint8_t *p, uint64_t v)
{
    sb_put_u32(p, (uint32_t)v);
    sb_put_u32(p + 4, (uint32_t)(v >> 32));
}

uint16_t sb_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

uint32_t sb_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint64_t sb_get_u64(const uint8_t *p)
{
    return (uint64_t)sb_get_u32(p) | ((uint64_t)sb_get_u32(p + 4) << 32);
}
