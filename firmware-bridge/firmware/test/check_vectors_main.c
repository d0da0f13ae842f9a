/*
 * Checks the shared test vectors: each line "name | wire hex | expected" must decode to the
 * expected fields (or error=crc|malformed|overrun), and a decoded frame must re-encode to
 * the same bytes. Prints one line per failure and exits 1 if any failed.
 */
#include <stdio.h>
#include <string.h>

#include "format_fields.h"
#include "sb_codec.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static char *trim(char *s)
{
    char *end;
    while (*s == ' ') s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r')) *--end = '\0';
    return s;
}

int main(int argc, char **argv)
{
    static char line[4096];
    static uint8_t wire[1024];
    static uint8_t reencoded[SB_FRAME_WIRE_MAX];
    static sb_decoder decoder;
    char actual[512];
    FILE *file;
    int line_no = 0;
    int checked = 0;
    int failed = 0;

    if (argc != 2 || (file = fopen(argv[1], "r")) == NULL) {
        fprintf(stderr, "usage: %s VECTORS_FILE (readable)\n", argv[0]);
        return 2;
    }
    while (fgets(line, sizeof line, file) != NULL) {
        char *name = line;
        char *hex;
        char *expected;
        size_t len = 0;
        size_t i;
        sb_frame frame;
        sb_decode_result result = SB_DECODE_NONE;

        line_no++;
        if (line[0] == '#' || trim(line)[0] == '\0') continue;
        hex = strchr(name, '|');
        expected = hex ? strchr(hex + 1, '|') : NULL;
        if (expected == NULL) {
            printf("line %d: not 'name | hex | expected'\n", line_no);
            failed++;
            continue;
        }
        *hex++ = '\0';
        *expected++ = '\0';
        name = trim(name);
        hex = trim(hex);
        expected = trim(expected);
        for (i = 0; hex[i] != '\0' && hex[i + 1] != '\0' && len < sizeof wire; i += 2) {
            wire[len++] = (uint8_t)(hex_value(hex[i]) * 16 + hex_value(hex[i + 1]));
        }
        sb_decoder_init(&decoder);
        for (i = 0; i < len && result == SB_DECODE_NONE; i++) {
            result = sb_decoder_feed(&decoder, wire[i], &frame);
        }
        switch (result) {
        case SB_DECODE_FRAME: sb_format_frame(&frame, actual, sizeof actual); break;
        case SB_DECODE_CRC_ERROR: strcpy(actual, "error=crc"); break;
        case SB_DECODE_MALFORMED: strcpy(actual, "error=malformed"); break;
        case SB_DECODE_OVERRUN: strcpy(actual, "error=overrun"); break;
        case SB_DECODE_NONE: strcpy(actual, "error=incomplete"); break;
        }
        checked++;
        if (strcmp(actual, expected) != 0) {
            printf("line %d %s: expected '%s' got '%s'\n", line_no, name, expected, actual);
            failed++;
            continue;
        }
        if (result == SB_DECODE_FRAME) {
            size_t n = sb_frame_encode(frame.type, frame.flags, frame.seq, frame.payload, frame.payload_len,
                                       reencoded, sizeof reencoded);
            if (n != len || memcmp(reencoded, wire, len) != 0) {
                printf("line %d %s: re-encoding differs from the vector's bytes\n", line_no, name);
                failed++;
            }
        }
    }
    fclose(file);
    printf("checked=%d failed=%d\n", checked, failed);
    return failed == 0 && checked > 0 ? 0 : 1;
}
