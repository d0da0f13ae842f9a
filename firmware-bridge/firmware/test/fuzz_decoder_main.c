/*
 * Feeds a corpus file byte by byte through a bare decoder and through a link engine, then
 * prints the decoder's tallies so the Java decoder can be held to the same counts.
 * Built with -fsanitize=address,undefined: any over-read or undefined behaviour aborts.
 */
#include <stdio.h>

#include "sb_link.h"

static size_t bytes_written;

static void count_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    (void)data;
    bytes_written += len;
}

static void ignore_place(void *ctx, const sb_place *place)
{
    (void)ctx;
    (void)place;
}

int main(int argc, char **argv)
{
    static sb_decoder decoder;
    static sb_link link;
    sb_link_config config = {0};
    unsigned long frames = 0, crc = 0, malformed = 0, overruns = 0, offset = 0;
    sb_frame frame;
    FILE *file;
    int c;

    if (argc != 2 || (file = fopen(argv[1], "rb")) == NULL) {
        fprintf(stderr, "usage: %s CORPUS_FILE (readable)\n", argv[0]);
        return 2;
    }
    config.write = count_write;
    config.session_id = 7;
    config.on_place = ignore_place;
    sb_init(&link, &config, 0);
    sb_decoder_init(&decoder);
    while ((c = fgetc(file)) != EOF) {
        switch (sb_decoder_feed(&decoder, (uint8_t)c, &frame)) {
        case SB_DECODE_FRAME: frames++; break;
        case SB_DECODE_CRC_ERROR: crc++; break;
        case SB_DECODE_MALFORMED: malformed++; break;
        case SB_DECODE_OVERRUN: overruns++; break;
        case SB_DECODE_NONE: break;
        }
        sb_feed_byte(&link, (uint8_t)c);
        if (++offset % 64 == 0) {
            sb_poll(&link, (uint32_t)(offset / 64));
        }
    }
    fclose(file);
    printf("frames=%lu crc_errors=%lu malformed=%lu overruns=%lu link_frames=%lu\n", frames, crc, malformed,
           overruns, (unsigned long)sb_get_counters(&link)->frames_received);
    return 0;
}
