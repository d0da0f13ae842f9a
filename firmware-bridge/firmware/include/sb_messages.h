/*
 * Message payload layouts of PROTOCOL.md, little-endian on the wire.
 * Pack functions return the payload length; unpack functions return 0, or -1 if the
 * payload is shorter than the layout (longer payloads are accepted: later minor
 * revisions may append fields).
 */
#ifndef SB_MESSAGES_H
#define SB_MESSAGES_H

#include <stdint.h>

#define SB_ROLE_HOST 0u
#define SB_ROLE_FIRMWARE 1u

#define SB_CAP_PLACE 0x0001u
#define SB_CAP_ODOMETRY 0x0002u
#define SB_CAP_BATTERY 0x0004u
#define SB_CAP_FAULT 0x0008u

#define SB_SOFTWARE_VERSION_LEN 16u

#define SB_HELLO_SIZE 32u
#define SB_HEARTBEAT_SIZE 8u
#define SB_ACK_SIZE 2u
#define SB_NACK_SIZE 3u
#define SB_PLACE_SIZE 16u
#define SB_ODOMETRY_SIZE 20u
#define SB_BATTERY_SIZE 9u
#define SB_FAULT_SIZE 8u

enum sb_nack_reason {
    SB_NACK_UNKNOWN_TYPE = 1,
    SB_NACK_BAD_LENGTH = 2,
    SB_NACK_UNSUPPORTED = 3
};

typedef struct sb_hello {
    uint8_t role;
    uint8_t protocol_version;
    uint16_t max_payload;
    uint32_t session_id;
    uint32_t peer_session_seen; /* 0 until this side has heard the peer's HELLO */
    uint16_t heartbeat_ms;
    uint16_t capabilities;
    char software_version[SB_SOFTWARE_VERSION_LEN]; /* ASCII, NUL-padded, not necessarily terminated */
} sb_hello;

typedef struct sb_heartbeat {
    uint32_t session_id;
    uint32_t uptime_ms;
} sb_heartbeat;

typedef struct sb_place {
    uint32_t place_id;
    float score;
    uint64_t timestamp_us;
} sb_place;

typedef struct sb_odometry {
    uint32_t timestamp_ms;
    int32_t x_mm;
    int32_t y_mm;
    int32_t heading_mrad;
    int16_t v_mm_s;
    int16_t omega_mrad_s;
} sb_odometry;

typedef struct sb_battery {
    uint32_t timestamp_ms;
    uint16_t voltage_mv;
    int16_t current_ma; /* positive while discharging */
    uint8_t soc_pct;    /* 0..100, 255 when unknown */
} sb_battery;

typedef struct sb_fault {
    uint32_t timestamp_ms;
    uint16_t code;
    uint8_t severity; /* 0 info, 1 warning, 2 error, 3 critical */
    uint8_t active;   /* 1 raised, 0 cleared */
} sb_fault;

uint16_t sb_pack_hello(const sb_hello *m, uint8_t *p);
int sb_unpack_hello(const uint8_t *p, uint16_t len, sb_hello *m);
uint16_t sb_pack_heartbeat(const sb_heartbeat *m, uint8_t *p);
int sb_unpack_heartbeat(const uint8_t *p, uint16_t len, sb_heartbeat *m);
uint16_t sb_pack_ack(uint16_t seq, uint8_t *p);
int sb_unpack_ack(const uint8_t *p, uint16_t len, uint16_t *seq);
uint16_t sb_pack_nack(uint16_t seq, uint8_t reason, uint8_t *p);
int sb_unpack_nack(const uint8_t *p, uint16_t len, uint16_t *seq, uint8_t *reason);
uint16_t sb_pack_place(const sb_place *m, uint8_t *p);
int sb_unpack_place(const uint8_t *p, uint16_t len, sb_place *m);
uint16_t sb_pack_odometry(const sb_odometry *m, uint8_t *p);
int sb_unpack_odometry(const uint8_t *p, uint16_t len, sb_odometry *m);
uint16_t sb_pack_battery(const sb_battery *m, uint8_t *p);
int sb_unpack_battery(const uint8_t *p, uint16_t len, sb_battery *m);
uint16_t sb_pack_fault(const sb_fault *m, uint8_t *p);
int sb_unpack_fault(const uint8_t *p, uint16_t len, sb_fault *m);

#endif
