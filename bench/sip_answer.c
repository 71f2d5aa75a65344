// The baseline of the SIP benchmark: the least a server on libre and librem does to answer a
// call and stream a prompt, written in C with no flow, no Swift and no queue. It answers
// every INVITE at once (PCMU) and sends the WAV file, looped, at 20 ms a packet from one
// clock for all calls, until the caller hangs up. As in flows serve, the clock is a timerfd
// (a libre timer is inserted by walking every transaction timer of the last 32 s) and libre's
// hash tables are sized for a server.
//
// Usage: sip_answer ADDRESS PORT PROMPT.wav

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <re.h>
#include <rem.h>

struct call {
    struct le le;
    struct sipsess *session;
    struct sdp_session *sdp;
    struct sdp_media *media;
    struct rtp_sock *rtp;
    struct mbuf *packet;
    size_t position;
    uint32_t timestamp;
    bool sending;
};

static struct sip *sip;
static struct sipsess_sock *sessions;
static struct list calls;
static struct sa local;
static int16_t *prompt;
static size_t prompt_count;
static int clock_fd;
static uint64_t next_tick;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void call_destructor(void *data) {
    struct call *call = data;
    list_unlink(&call->le);
    mem_deref(call->session);
    mem_deref(call->rtp);
    mem_deref(call->sdp);
    mem_deref(call->packet);
}

static void send_packet(struct call *call) {
    struct mbuf *packet = call->packet;
    packet->pos = packet->end = RTP_HEADER_SIZE;
    for (int i = 0; i < 160; i++) {
        packet->buf[RTP_HEADER_SIZE + i] = g711_pcm2ulaw(prompt[call->position]);
        call->position = (call->position + 1) % prompt_count;
    }
    packet->end = RTP_HEADER_SIZE + 160;
    (void)rtp_send(call->rtp, sdp_media_raddr(call->media), false, false, 0, call->timestamp, packet);
    call->timestamp += 160;
}

static void arm(void) {
    struct itimerspec due = {.it_value = {.tv_sec = (time_t)(next_tick / 1000000000u), .tv_nsec = (long)(next_tick % 1000000000u)}};
    (void)timerfd_settime(clock_fd, TFD_TIMER_ABSTIME, &due, NULL);
}

static void tick(int flags, void *arg) {
    (void)flags, (void)arg;
    uint64_t expirations;
    (void)!read(clock_fd, &expirations, sizeof(expirations));
    uint64_t now = now_ns();
    while (next_tick <= now) {
        for (struct le *le = list_head(&calls); le; le = le->next) {
            struct call *call = le->data;
            if (call->sending) send_packet(call);
        }
        next_tick += 20000000;
    }
    arm();
}

static void rtp_receive(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb, void *arg) {
    (void)src, (void)hdr, (void)mb, (void)arg;
}

static void established(const struct sip_msg *msg, void *arg) {
    (void)msg;
    ((struct call *)arg)->sending = true;
}

static void closed(int err, const struct sip_msg *msg, void *arg) {
    (void)err, (void)msg;
    mem_deref(arg);
}

static void connect_handler(const struct sip_msg *msg, void *arg) {
    (void)arg;
    struct call *call = mem_zalloc(sizeof(*call), call_destructor);
    struct mbuf *answer = NULL;
    list_append(&calls, &call->le, call);
    int err = rtp_listen(&call->rtp, IPPROTO_UDP, &local, 40000, 60000, false, rtp_receive, NULL, call);
    if (!err) err = sdp_session_alloc(&call->sdp, &local);
    if (!err) err = sdp_media_add(&call->media, call->sdp, "audio", sa_port(rtp_local(call->rtp)), "RTP/AVP");
    if (!err) err = sdp_format_add(NULL, call->media, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL, false, NULL);
    if (!err) err = sdp_decode(call->sdp, msg->mb, true);
    if (!err) err = sdp_encode(&answer, call->sdp, false);
    if (!err) err = sipsess_accept(&call->session, sessions, msg, 200, "OK", "baseline", "application/sdp", answer, NULL, NULL,
                                   false, NULL, NULL, established, NULL, NULL, closed, call, NULL);
    call->packet = mbuf_alloc(RTP_HEADER_SIZE + 160);
    mem_deref(answer);
    if (err) {
        sip_treply(NULL, sip, msg, 500, "Server Internal Error");
        mem_deref(call);
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s ADDRESS PORT PROMPT.wav\n", argv[0]);
        return 64;
    }
    struct aufile *file;
    struct aufile_prm format;
    if (libre_init() || aufile_open(&file, &format, argv[3], AUFILE_READ) || format.fmt != AUFMT_S16LE || format.srate != 8000 ||
        format.channels != 1) {
        fprintf(stderr, "cannot read %s (8 kHz 16-bit mono)\n", argv[3]);
        return 1;
    }
    prompt = malloc(8000 * 60 * sizeof(int16_t));
    size_t size = 8000 * 60 * sizeof(int16_t);
    aufile_read(file, (uint8_t *)prompt, &size);
    prompt_count = size / sizeof(int16_t);
    mem_deref(file);
    if (!prompt_count) {
        fprintf(stderr, "%s holds no audio\n", argv[3]);
        return 1;
    }
    struct sa listen, dns;
    struct dnsc *dnsc;
    sa_set_str(&local, argv[1], 0);
    sa_set_str(&listen, argv[1], (uint16_t)atoi(argv[2]));
    sa_set_str(&dns, "127.0.0.1", 53);
    if (dnsc_alloc(&dnsc, NULL, &dns, 1) || sip_alloc(&sip, dnsc, 1024, 8192, 32, "baseline", NULL, NULL) ||
        sip_transp_add(sip, SIP_TRANSP_UDP, &listen) || sipsess_listen(&sessions, sip, 2048, connect_handler, NULL)) {
        fprintf(stderr, "cannot listen on %s:%s\n", argv[1], argv[2]);
        return 1;
    }
    clock_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (clock_fd < 0 || fd_listen(clock_fd, FD_READ, tick, NULL)) {
        fprintf(stderr, "no clock\n");
        return 1;
    }
    next_tick = now_ns() + 20000000;
    arm();
    fprintf(stderr, "answering on %s:%s\n", argv[1], argv[2]);
    re_main(NULL);
    return 0;
}
