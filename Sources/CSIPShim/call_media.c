// A call's audio on librem and libre's RTP: G.711 to the caller at 20 ms a packet against a
// fixed clock, silence when nothing plays, RFC 4733 keys from the caller.

#include "sip_internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <rem.h>

enum {
    SAMPLES_PER_PACKET = 160,               // 20 ms at 8 kHz
    PACKET_NS = 20 * 1000 * 1000,
    /// Packets owed after a stall that are still sent; past this many the clock skips ahead.
    MAX_CATCH_UP = 5,
    /// A packet this long after its deadline counts as late.
    LATE_NS = 10 * 1000 * 1000,
    /// The RTP timeout is checked once a second.
    TICKS_PER_TIMEOUT_CHECK = 50,
    /// Silence sent after the last audio before BYE, so that the caller's jitter buffer plays
    /// the end of it rather than dropping it.
    HANG_UP_TAIL_TICKS = 10,
};

// Marks on the SDP formats for the codecs we send (telephone-event carries none).
static const char ulaw_mark, alaw_mark;

/// Audio queued for a call, freed once played.
struct segment {
    struct le le;
    uint64_t call;
    uint64_t token;
    bool loop;
    size_t count, position;
    int16_t samples[];
};

uint64_t media_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void finish_segment(struct call *call, struct segment *segment) {
    list_unlink(&segment->le);
    uint64_t token = segment->token;
    free(segment);
    report(call->server, CF_SIP_CALL_PLAYED, call->id, token, NULL, NULL, NULL, NULL);
}

/// The next packet's samples from the queue, silence where it runs out.
static void next_samples(struct call *call, int16_t *pcm) {
    size_t filled = 0;
    while (filled < SAMPLES_PER_PACKET) {
        struct le *head = list_head(&call->media.queue);
        if (!head) break;
        struct segment *segment = head->data;
        size_t take = segment->count - segment->position;
        if (take > SAMPLES_PER_PACKET - filled) take = SAMPLES_PER_PACKET - filled;
        memcpy(pcm + filled, segment->samples + segment->position, take * sizeof(int16_t));
        filled += take;
        segment->position += take;
        if (segment->position == segment->count) {
            if (segment->loop) segment->position = 0;
            else finish_segment(call, segment);
        }
    }
    memset(pcm + filled, 0, (SAMPLES_PER_PACKET - filled) * sizeof(int16_t));
}

static void send_packet(struct call *call) {
    struct call_media *media = &call->media;
    int16_t pcm[SAMPLES_PER_PACKET];
    next_samples(call, pcm);
    recording_write(call, pcm, SAMPLES_PER_PACKET);
    // The clock runs on while the caller holds the call, so that the stream resumes in time.
    uint32_t timestamp = media->timestamp;
    media->timestamp += SAMPLES_PER_PACKET;
    if (media->on_hold || !sa_isset(&media->remote, SA_ALL)) return;
    struct mbuf *packet = media->packet;
    packet->pos = packet->end = RTP_HEADER_SIZE;
    uint8_t *payload = packet->buf + RTP_HEADER_SIZE;
    for (int i = 0; i < SAMPLES_PER_PACKET; i++) payload[i] = media->alaw ? g711_pcm2alaw(pcm[i]) : g711_pcm2ulaw(pcm[i]);
    packet->end = RTP_HEADER_SIZE + SAMPLES_PER_PACKET;
    bool first = !media->started;
    media->started = true;
    (void)rtp_send(media->rtp, &media->remote, false, first, media->payload_type, timestamp, packet);
}

static void check_rtp_timeout(struct cf_sip_server *server) {
    if (server->rtp_timeout_ms <= 0) return;
    uint64_t now = tmr_jiffies();
    struct le *le = list_head(&server->calls);
    while (le) {
        struct call *call = le->data;
        le = le->next;  // ending the call unlinks it
        if (!call->media.sending || call->media.on_hold) continue;
        if (now - call->media.last_received_ms > (uint64_t)server->rtp_timeout_ms) end_call(call, "server", "no audio from the caller");
    }
}

void media_hang_up_after_playing(struct call *call) {
    if (!call->media.hang_up_at_tick) call->media.hang_up_at_tick = UINT64_MAX;
}

static void arm(struct cf_sip_server *server) {
    struct itimerspec due = {.it_value = {.tv_sec = (time_t)(server->next_tick_ns / 1000000000u),
                                          .tv_nsec = (long)(server->next_tick_ns % 1000000000u)}};
    (void)timerfd_settime(server->clock_fd, TFD_TIMER_ABSTIME, &due, NULL);
}

static void tick(int flags, void *arg) {
    (void)flags;
    struct cf_sip_server *server = arg;
    uint64_t expirations;
    (void)!read(server->clock_fd, &expirations, sizeof(expirations));
    uint64_t now = media_now_ns();
    int due = 0;
    while (server->next_tick_ns <= now && due < MAX_CATCH_UP) {
        bool late = now - server->next_tick_ns >= LATE_NS;
        struct le *le = list_head(&server->calls);
        while (le) {
            struct call *call = le->data;
            le = le->next;  // a call hung up here leaves the list
            if (!call->media.sending) continue;
            send_packet(call);
            if (late) atomic_fetch_add(&server->late_packets, 1);
            struct call_media *media = &call->media;
            if (media->hang_up_at_tick == UINT64_MAX && !list_head(&media->queue)) {
                media->hang_up_at_tick = server->ticks + HANG_UP_TAIL_TICKS;
            } else if (media->hang_up_at_tick && server->ticks >= media->hang_up_at_tick) {
                end_call(call, "server", "the flow ended");
            }
        }
        server->next_tick_ns += PACKET_NS;
        due++;
        if (++server->ticks % TICKS_PER_TIMEOUT_CHECK == 0) check_rtp_timeout(server);
    }
    if (server->next_tick_ns <= now) {
        // Stalled for longer than is worth catching up: skip ahead; each call's timestamps
        // jump with the clock.
        uint64_t skipped = (now - server->next_tick_ns) / PACKET_NS + 1;
        server->next_tick_ns += skipped * PACKET_NS;
        for (struct le *le = list_head(&server->calls); le; le = le->next) {
            struct call *call = le->data;
            if (!call->media.sending) continue;
            call->media.timestamp += (uint32_t)(skipped * SAMPLES_PER_PACKET);
            atomic_fetch_add(&server->late_packets, skipped);
        }
    }
    // The clock stops with the last call sending; the next to start it starts it again.
    bool sending = false;
    for (struct le *le = list_head(&server->calls); le && !sending; le = le->next) {
        sending = ((struct call *)le->data)->media.sending;
    }
    server->clock_running = sending;
    if (sending) arm(server);
}

int media_clock_open(struct cf_sip_server *server) {
    server->clock_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (server->clock_fd < 0) return errno;
    int err = fd_listen(server->clock_fd, FD_READ, tick, server);
    if (err) {
        close(server->clock_fd);
        server->clock_fd = -1;
    }
    return err;
}

void media_clock_close(struct cf_sip_server *server) {
    if (server->clock_fd < 0) return;
    fd_close(server->clock_fd);
    close(server->clock_fd);
    server->clock_fd = -1;
    server->clock_running = false;
}

void media_clock_run(struct cf_sip_server *server) {
    if (server->clock_running || server->clock_fd < 0) return;
    server->clock_running = true;
    server->next_tick_ns = media_now_ns() + PACKET_NS;
    arm(server);
}

static void rtp_receive(const struct sa *source, const struct rtp_header *header, struct mbuf *packet, void *arg) {
    struct call *call = arg;
    struct call_media *media = &call->media;
    media->last_received_ms = tmr_jiffies();
    // A caller whose SDP named no address (or 0.0.0.0) is answered where its audio comes from.
    if (!sa_isset(&media->remote, SA_ALL) && !media->on_hold) sa_cpy(&media->remote, source);
    if (header->pt == media->payload_type) {
        recording_heard(call, mbuf_buf(packet), mbuf_get_left(packet));
        return;
    }
    if (media->dtmf_payload_type < 0 || header->pt != media->dtmf_payload_type) return;
    // RFC 4733: every packet of one key press (start, updates, the three end packets) carries
    // the timestamp of its start, and each press has its own. A new timestamp is a new key,
    // whichever of its packets arrives first. (libre's telev drops a press whose start packets
    // were lost once any key has ended.)
    if (mbuf_get_left(packet) < 4 || (media->key_seen && header->ts == media->key_timestamp)) return;
    media->key_seen = true;
    media->key_timestamp = header->ts;
    int digit = telev_code2digit(mbuf_buf(packet)[0]);
    if (digit > 0) {
        char key[2] = {(char)digit, 0};
        report(call->server, CF_SIP_CALL_DIGIT, call->id, 0, key, NULL, NULL, NULL);
    }
}

int media_open(struct call *call) {
    struct cf_sip_server *server = call->server;
    struct call_media *media = &call->media;
    struct sa local;
    media->dtmf_payload_type = -1;
    int err = sa_set_str(&local, server->address, 0);
    if (!err) {
        err = rtp_listen(&media->rtp, IPPROTO_UDP, &local, (uint16_t)server->rtp_port_low, (uint16_t)server->rtp_port_high,
                         false, rtp_receive, NULL, call);
    }
    if (!err) err = sdp_media_add(&media->sdp, call->sdp, "audio", sa_port(rtp_local(media->rtp)), "RTP/AVP");
    if (!err) err = sdp_format_add(NULL, media->sdp, false, "0", "PCMU", 8000, 1, NULL, NULL, (void *)&ulaw_mark, false, NULL);
    if (!err) err = sdp_format_add(NULL, media->sdp, false, "8", "PCMA", 8000, 1, NULL, NULL, (void *)&alaw_mark, false, NULL);
    if (!err) err = sdp_format_add(NULL, media->sdp, false, "101", telev_rtpfmt, 8000, 1, NULL, NULL, NULL, false, "0-15");
    if (!err) {
        media->packet = mbuf_alloc(RTP_HEADER_SIZE + SAMPLES_PER_PACKET);
        if (!media->packet) err = ENOMEM;
    }
    return err;
}

int media_update(struct call *call) {
    struct call_media *media = &call->media;
    // The codec is the caller's first one that we send (telephone-event, listed too, is not).
    const struct sdp_format *codec = NULL;
    for (struct le *le = list_head(sdp_media_format_lst(media->sdp, false)); le && !codec; le = le->next) {
        const struct sdp_format *format = le->data;
        if (format->sup && format->data) codec = format;
    }
    if (!codec) return ENOENT;
    media->payload_type = (uint8_t)codec->pt;
    media->alaw = codec->data == &alaw_mark;
    const struct sdp_format *events = sdp_media_rformat(media->sdp, telev_rtpfmt);
    media->dtmf_payload_type = events ? events->pt : -1;
    // Held (a=sendonly, a=inactive, or the old c=0.0.0.0): nothing is sent, no timeout runs.
    const struct sa *remote = sdp_media_raddr(media->sdp);
    media->on_hold = !(sdp_media_dir(media->sdp) & SDP_SENDONLY) || (sa_port(remote) && !sa_isset(remote, SA_ADDR));
    if (sa_isset(remote, SA_ALL)) sa_cpy(&media->remote, remote);
    media->last_received_ms = tmr_jiffies();
    return 0;
}

void cf_sip_play(cf_sip_server *server, uint64_t call, const int16_t *samples, size_t count, uint64_t token, bool loop) {
    struct segment *segment = malloc(sizeof(*segment) + count * sizeof(int16_t));
    if (!segment) {
        report(server, CF_SIP_CALL_PLAYED, call, token, NULL, NULL, NULL, NULL);
        return;
    }
    memset(&segment->le, 0, sizeof(segment->le));
    segment->call = call;
    segment->token = token;
    segment->loop = loop && count > 0;
    segment->count = count;
    segment->position = 0;
    memcpy(segment->samples, samples, count * sizeof(int16_t));
    if (push_request(server, REQUEST_PLAY, segment)) {
        free(segment);
        report(server, CF_SIP_CALL_PLAYED, call, token, NULL, NULL, NULL, NULL);
    }
}

void cf_sip_stop_playing(cf_sip_server *server, uint64_t call) {
    push_request(server, REQUEST_STOP_PLAYING, (void *)(uintptr_t)call);
}

uint64_t cf_sip_late_packets(cf_sip_server *server) {
    return atomic_load(&server->late_packets);
}

uint64_t cf_sip_recording_errors(cf_sip_server *server) {
    return atomic_load(&server->recording_errors);
}

void cf_sip_mute_recording(cf_sip_server *server, uint64_t call, bool muted) {
    push_request(server, muted ? REQUEST_MUTE_RECORDING : REQUEST_UNMUTE_RECORDING, (void *)(uintptr_t)call);
}

void media_enqueue(struct cf_sip_server *server, void *data) {
    struct segment *segment = data;
    struct call *call = find_call(server, segment->call);
    if (!call || segment->count == 0) {
        uint64_t token = segment->token, id = segment->call;
        free(segment);
        report(server, CF_SIP_CALL_PLAYED, id, token, NULL, NULL, NULL, NULL);
        return;
    }
    list_append(&call->media.queue, &segment->le, segment);
}

void media_stop_playing(struct call *call) {
    struct le *le = list_head(&call->media.queue);
    while (le) {
        struct segment *segment = le->data;
        le = le->next;
        finish_segment(call, segment);
    }
}

void media_close(struct call *call) {
    struct call_media *media = &call->media;
    media->sending = false;
    media_stop_playing(call);
    recording_close(call);
    media->rtp = mem_deref(media->rtp);
    media->packet = mem_deref(media->packet);
}
