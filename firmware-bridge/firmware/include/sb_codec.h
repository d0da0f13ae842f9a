/*
 * Sparrow bridge codec: COBS, CRC-32C and the frame layout of PROTOCOL.md.
 * Portable C99, no allocation; every buffer is supplied by the caller.
 */
#ifndef SB_CODEC_H
#define SB_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define SB_PROTOCOL_VERSION 1u
#define SB_HEADER_SIZE 7u
#define SB_CRC_SIZE 4u

/* Largest payload this build accepts; HELLO advertises it. Override with -DSB_MAX_PAYLOAD=N. */
#ifndef SB_MAX_PAYLOAD
#define SB_MAX_PAYLOAD 64u
#endif

#define SB_MAX_RAW_FRAME (SB_HEADER_SIZE + SB_MAX_PAYLOAD + SB_CRC_SIZE)
/* COBS adds one code byte per 254 data bytes plus one; the delimiter is not counted. */
#define SB_MAX_ENCODED_FRAME (SB_MAX_RAW_FRAME + SB_MAX_RAW_FRAME / 254u + 1u)

#define SB_FLAG_RELIABLE 0x01u

enum sb_msg_type {
    SB_MSG_HELLO = 0x01,
    SB_MSG_HEARTBEAT = 0x02,
    SB_MSG_ACK = 0x03,
    SB_MSG_NACK = 0x04,
    SB_MSG_PLACE = 0x10,
    SB_MSG_ODOMETRY = 0x20,
    SB_MSG_BATTERY = 0x21,
    SB_MSG_FAULT = 0x22
};

typedef struct sb_frame {
    uint8_t version;
    uint8_t type;
    uint8_t flags;
    uint16_t seq;
    uint16_t payload_len;
    const uint8_t *payload; /* points into the decoder's buffer; valid until the next feed */
} sb_frame;

uint32_t sb_crc32c(uint32_t crc, const uint8_t *data, size_t len);

/* Returns the encoded length, or 0 if out_cap is too small. Output holds no 0x00 byte. */
size_t sb_cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap);
/* Returns the decoded length, or -1 if the input is not valid COBS or does not fit. */
long sb_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap);

/*
 * Writes header + payload + CRC, COBS-encoded and followed by the 0x00 delimiter.
 * Returns the number of bytes written, or 0 if payload_len > SB_MAX_PAYLOAD or out_cap is too small.
 */
size_t sb_frame_encode(uint8_t type, uint8_t flags, uint16_t seq, const uint8_t *payload,
                       uint16_t payload_len, uint8_t *out, size_t out_cap);

#define SB_FRAME_WIRE_MAX (SB_MAX_ENCODED_FRAME + 1u)

typedef enum sb_decode_result {
    SB_DECODE_NONE = 0,      /* byte consumed, no complete frame yet */
    SB_DECODE_FRAME,         /* *frame is valid */
    SB_DECODE_CRC_ERROR,     /* well-formed COBS but checksum mismatch */
    SB_DECODE_MALFORMED,     /* bad COBS, too short, length field disagrees, or wrong version */
    SB_DECODE_OVERRUN        /* more than SB_MAX_ENCODED_FRAME bytes before a delimiter */
} sb_decode_result;

/* Streaming decoder: bytes go in one at a time, a result comes out at each delimiter. */
typedef struct sb_decoder {
    uint8_t encoded[SB_MAX_ENCODED_FRAME];
    uint8_t raw[SB_MAX_RAW_FRAME];
    size_t len;
    uint8_t overrun; /* discarding until the next delimiter */
} sb_decoder;

void sb_decoder_init(sb_decoder *dec);
sb_decode_result sb_decoder_feed(sb_decoder *dec, uint8_t byte, sb_frame *frame);

/* Little-endian field access, used by the message layouts. */
void sb_put_u16(uint8_t *p, uint16_t v);
void sb_put_u32(uint8_t *p, uint32_t v);
void sb_put_u64(uint8_t *p, uint64_t v);
uint16_t sb_get_u16(const uint8_t *p);
uint32_t sb_get_u32(const uint8_t *p);
uint64_t sb_get_u64(const uint8_t *p);

#endif
