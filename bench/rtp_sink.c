// The far end of the SIP benchmark: receives every call's RTP on one UDP port for a while and
// reports, per stream (SSRC), the gaps between packets as they arrived, and when each
// stream's first packet and first non-silent packet came. Prints one JSON object.
//
// Usage: rtp_sink PORT SECONDS

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

enum { MAX_STREAMS = 4096, BATCH = 64 };

struct stream {
    uint32_t ssrc;
    int used;
    uint64_t last, first, first_sound;
    uint64_t packets;
};

static struct stream streams[MAX_STREAMS];
static uint64_t *gaps;
static size_t gap_count, gap_capacity;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static struct stream *stream_for(uint32_t ssrc) {
    for (uint32_t i = ssrc % MAX_STREAMS, n = 0; n < MAX_STREAMS; i = (i + 1) % MAX_STREAMS, n++) {
        if (!streams[i].used) {
            streams[i].used = 1;
            streams[i].ssrc = ssrc;
            return &streams[i];
        }
        if (streams[i].ssrc == ssrc) return &streams[i];
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile(uint64_t *values, size_t count, double p) {
    if (!count) return 0;
    size_t index = (size_t)(p * (double)(count - 1) + 0.5);
    return (double)values[index] / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT SECONDS\n", argv[0]);
        return 64;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (bind(fd, (struct sockaddr *)&address, sizeof(address))) {
        perror("bind");
        return 1;
    }
    struct timeval timeout = {.tv_sec = 0, .tv_usec = 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    uint64_t end = now_ns() + (uint64_t)(atof(argv[2]) * 1e9), started = now_ns();
    static uint8_t buffers[BATCH][256];
    struct mmsghdr messages[BATCH];
    struct iovec vectors[BATCH];
    gap_capacity = 1 << 20;
    gaps = malloc(gap_capacity * sizeof(*gaps));
    uint64_t packets = 0;
    while (now_ns() < end) {
        for (int i = 0; i < BATCH; i++) {
            vectors[i] = (struct iovec){buffers[i], sizeof(buffers[i])};
            messages[i].msg_hdr = (struct msghdr){.msg_iov = &vectors[i], .msg_iovlen = 1};
        }
        int received = recvmmsg(fd, messages, BATCH, MSG_WAITFORONE, NULL);
        uint64_t arrived = now_ns();
        for (int i = 0; i < received; i++) {
            if (messages[i].msg_len < 12 + 160) continue;
            uint8_t *packet = buffers[i];
            uint32_t ssrc = (uint32_t)packet[8] << 24 | (uint32_t)packet[9] << 16 | (uint32_t)packet[10] << 8 | packet[11];
            struct stream *stream = stream_for(ssrc);
            if (!stream) continue;
            packets++;
            if (stream->packets++ == 0) stream->first = arrived;
            else if (gap_count < gap_capacity) gaps[gap_count++] = arrived - stream->last;
            stream->last = arrived;
            // Silence is 0xFF (µ-law) or 0xD5 (A-law) throughout: anything else is sound.
            if (!stream->first_sound) {
                for (int j = 12; j < 12 + 160; j++) {
                    if (packet[j] != 0xFF && packet[j] != 0xD5 && packet[j] != 0x7F && packet[j] != 0x55) {
                        stream->first_sound = arrived;
                        break;
                    }
                }
            }
        }
    }
    qsort(gaps, gap_count, sizeof(*gaps), compare);
    size_t count = 0, late = 0;
    uint64_t *to_sound = malloc(MAX_STREAMS * sizeof(uint64_t));
    size_t sounds = 0;
    for (int i = 0; i < MAX_STREAMS; i++) {
        if (!streams[i].used) continue;
        count++;
        if (streams[i].first_sound) to_sound[sounds++] = streams[i].first_sound - streams[i].first;
    }
    for (size_t i = 0; i < gap_count; i++) late += gaps[i] > 25000000;
    qsort(to_sound, sounds, sizeof(*to_sound), compare);
    printf("{\"streams\":%zu,\"packets\":%llu,\"gap_p50_ms\":%.2f,\"gap_p99_ms\":%.2f,\"gap_max_ms\":%.2f,\"gaps_over_25ms\":%zu,"
           "\"first_to_sound_p50_ms\":%.1f,\"first_to_sound_p99_ms\":%.1f,\"seconds\":%.1f}\n",
           count, (unsigned long long)packets, percentile(gaps, gap_count, 0.5), percentile(gaps, gap_count, 0.99),
           percentile(gaps, gap_count, 1.0), late, percentile(to_sound, sounds, 0.5), percentile(to_sound, sounds, 0.99),
           (double)(now_ns() - started) / 1e9);
    return 0;
}
