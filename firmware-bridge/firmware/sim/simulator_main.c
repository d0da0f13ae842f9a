/*
 * Firmware simulator: runs the sb_link engine on a host tty (a pseudo-terminal or a
 * USB-serial adapter) the way an MCU main loop would, with simulated odometry and battery.
 *
 *   simulator TTY [--baud N] [--odometry-hz N] [--battery-hz N]
 *
 * Standard input takes commands, one a line: "fault CODE SEVERITY", "clear CODE", "stats".
 * Standard output reports one event a line (READY, STATE, PLACE, DELIVERY, COUNTERS) so a
 * test can check what the application received, outside the link under test.
 * Odometry sample k carries x=10k, y=-3k, heading=7k mod 6284, v=k mod 500, omega=-(k mod 300):
 * a receiver can verify that no corrupted sample was accepted.
 */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sb_link.h"

static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    stop_requested = 1;
}

static uint32_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static speed_t baud_constant(long baud)
{
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 2000000: return B2000000;
    default: return 0;
    }
}

static int open_tty(const char *path, long baud)
{
    struct termios tio;
    speed_t speed = baud_constant(baud);
    int fd;

    if (speed == 0) {
        fprintf(stderr, "simulator: unsupported baud rate %ld for %s\n", baud, path);
        return -1;
    }
    fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        fprintf(stderr, "simulator: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (tcgetattr(fd, &tio) != 0) {
        fprintf(stderr, "simulator: %s is not a tty: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, speed);
    cfsetospeed(&tio, speed);
    if (tcsetattr(fd, TCSANOW, &tio) != 0) {
        fprintf(stderr, "simulator: cannot configure %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

typedef struct simulator {
    int fd;
    unsigned long tx_dropped;
} simulator;

static void write_tty(void *ctx, const uint8_t *data, size_t len)
{
    simulator *sim = ctx;
    while (len > 0) {
        ssize_t n = write(sim->fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* Nobody drains the other end: drop the rest like a full UART FIFO; the receiver resynchronises. */
            sim->tx_dropped += len;
            return;
        }
        data += n;
        len -= (size_t)n;
    }
}

static const char *state_name(sb_link_state state)
{
    switch (state) {
    case SB_LINK_CONNECTING: return "connecting";
    case SB_LINK_CONNECTED: return "connected";
    case SB_LINK_DEGRADED: return "degraded";
    case SB_LINK_LOST: return "lost";
    }
    return "?";
}

static void on_state(void *ctx, sb_link_state state)
{
    (void)ctx;
    printf("STATE %s\n", state_name(state));
    fflush(stdout);
}

static void on_place(void *ctx, const sb_place *place)
{
    (void)ctx;
    printf("PLACE id=%lu score=%.6f timestamp_us=%llu\n", (unsigned long)place->place_id,
           (double)place->score, (unsigned long long)place->timestamp_us);
    fflush(stdout);
}

static void on_delivery(void *ctx, uint16_t seq, sb_delivery result)
{
    static const char *names[] = {"acked", "nacked", "timed_out"};
    (void)ctx;
    printf("DELIVERY seq=%u %s\n", (unsigned)seq, names[result]);
    fflush(stdout);
}

static void print_counters(const sb_link *link, const simulator *sim)
{
    const sb_counters *c = sb_get_counters(link);
    printf("COUNTERS sent=%lu received=%lu crc_errors=%lu malformed=%lu overruns=%lu "
           "retransmissions=%lu duplicates=%lu nacks_sent=%lu nacks_received=%lu "
           "delivery_failures=%lu tx_dropped=%lu\n",
           (unsigned long)c->frames_sent, (unsigned long)c->frames_received,
           (unsigned long)c->crc_errors, (unsigned long)c->malformed, (unsigned long)c->overruns,
           (unsigned long)c->retransmissions, (unsigned long)c->duplicates,
           (unsigned long)c->nacks_sent, (unsigned long)c->nacks_received,
           (unsigned long)c->delivery_failures, sim->tx_dropped);
    fflush(stdout);
}

static void run_command(sb_link *link, const simulator *sim, const char *line, uint32_t now)
{
    unsigned code;
    unsigned severity;
    sb_fault fault;
    uint16_t seq;

    fault.timestamp_ms = now;
    if (sscanf(line, "fault %u %u", &code, &severity) == 2) {
        fault.code = (uint16_t)code;
        fault.severity = (uint8_t)severity;
        fault.active = 1;
    } else if (sscanf(line, "clear %u", &code) == 1) {
        fault.code = (uint16_t)code;
        fault.severity = 0;
        fault.active = 0;
    } else if (strncmp(line, "stats", 5) == 0) {
        print_counters(link, sim);
        return;
    } else {
        fprintf(stderr, "simulator: unknown command: %s", line);
        return;
    }
    switch (sb_send_fault(link, &fault, &seq)) {
    case SB_OK:
        printf("FAULT seq=%u code=%u active=%u\n", (unsigned)seq, code, (unsigned)fault.active);
        break;
    case SB_ERR_NOT_CONNECTED:
        printf("FAULT refused not_connected code=%u\n", code);
        break;
    case SB_ERR_BUSY:
        printf("FAULT refused busy code=%u\n", code);
        break;
    }
    fflush(stdout);
}

static long parse_option(int argc, char **argv, const char *name, long fallback)
{
    int i;
    for (i = 2; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return strtol(argv[i + 1], NULL, 10);
        }
    }
    return fallback;
}

int main(int argc, char **argv)
{
    static sb_link link; /* static: the engine's buffers are sized as they would be on an MCU */
    simulator sim = {-1, 0};
    sb_link_config config;
    struct pollfd fds[2];
    char line[128];
    size_t line_len = 0;
    long baud;
    long odometry_period;
    long battery_period;
    uint32_t next_odometry;
    uint32_t next_battery;
    uint32_t odometry_k = 0;
    uint32_t battery_k = 0;
    int stdin_open = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: %s TTY [--baud N] [--odometry-hz N] [--battery-hz N]\n", argv[0]);
        return 2;
    }
    baud = parse_option(argc, argv, "--baud", 115200);
    odometry_period = parse_option(argc, argv, "--odometry-hz", 20);
    battery_period = parse_option(argc, argv, "--battery-hz", 1);
    if (odometry_period < 1 || odometry_period > 1000 || battery_period < 1 || battery_period > 1000) {
        fprintf(stderr, "simulator: --odometry-hz and --battery-hz must be within 1..1000\n");
        return 2;
    }
    odometry_period = 1000 / odometry_period;
    battery_period = 1000 / battery_period;
    sim.fd = open_tty(argv[1], baud);
    if (sim.fd < 0) {
        return 1;
    }
    signal(SIGTERM, request_stop);
    signal(SIGINT, request_stop);
    signal(SIGPIPE, SIG_IGN);

    memset(&config, 0, sizeof config);
    config.write = write_tty;
    config.ctx = &sim;
    /* A new session on every start, as an MCU would take from a boot counter. */
    config.session_id = ((uint32_t)getpid() << 16) ^ now_ms() ^ 0x5B000000u;
    if (config.session_id == 0) {
        config.session_id = 1;
    }
    config.capabilities = SB_CAP_PLACE | SB_CAP_ODOMETRY | SB_CAP_BATTERY | SB_CAP_FAULT;
    config.software_version = "sparrow-sim/1.0";
    config.on_place = on_place;
    config.on_state = on_state;
    config.on_delivery = on_delivery;
    sb_init(&link, &config, now_ms());
    next_odometry = now_ms();
    next_battery = next_odometry;
    printf("READY tty=%s baud=%ld session=%lu\n", argv[1], baud, (unsigned long)config.session_id);
    fflush(stdout);

    while (!stop_requested) {
        uint8_t buffer[256];
        uint32_t now;
        ssize_t n;
        int i;

        fds[0].fd = sim.fd;
        fds[0].events = POLLIN;
        fds[1].fd = stdin_open ? STDIN_FILENO : -1;
        fds[1].events = POLLIN;
        if (poll(fds, 2, 5) < 0 && errno != EINTR) {
            fprintf(stderr, "simulator: poll failed on %s: %s\n", argv[1], strerror(errno));
            break;
        }
        if (fds[0].revents & POLLIN) {
            n = read(sim.fd, buffer, sizeof buffer);
            for (i = 0; i < n; i++) {
                sb_feed_byte(&link, buffer[i]);
            }
        }
        now = now_ms();
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            n = read(STDIN_FILENO, buffer, 1);
            if (n <= 0) {
                stdin_open = 0;
            } else if (buffer[0] == '\n' || line_len + 2 >= sizeof line) {
                line[line_len++] = '\n';
                line[line_len] = '\0';
                run_command(&link, &sim, line, now);
                line_len = 0;
            } else {
                line[line_len++] = (char)buffer[0];
            }
        }
        sb_poll(&link, now);
        if ((int32_t)(now - next_odometry) >= 0) {
            sb_odometry odometry;
            odometry.timestamp_ms = now;
            odometry.x_mm = (int32_t)(10u * odometry_k);
            odometry.y_mm = -(int32_t)(3u * odometry_k);
            odometry.heading_mrad = (int32_t)((7u * odometry_k) % 6284u);
            odometry.v_mm_s = (int16_t)(odometry_k % 500u);
            odometry.omega_mrad_s = (int16_t)-(int32_t)(odometry_k % 300u);
            if (sb_send_odometry(&link, &odometry) == SB_OK) {
                odometry_k++;
            }
            next_odometry = now + (uint32_t)odometry_period;
        }
        if ((int32_t)(now - next_battery) >= 0) {
            sb_battery battery;
            battery.timestamp_ms = now;
            battery.voltage_mv = (uint16_t)(12600u - (battery_k % 1000u));
            battery.current_ma = 1500;
            battery.soc_pct = (uint8_t)(100u - battery_k % 101u);
            if (sb_send_battery(&link, &battery) == SB_OK) {
                battery_k++;
            }
            next_battery = now + (uint32_t)battery_period;
        }
    }
    print_counters(&link, &sim);
    close(sim.fd);
    return 0;
}
