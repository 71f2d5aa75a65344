// What the server's C files share; not part of the API.
#ifndef CALLFLOW_SIP_INTERNAL_H
#define CALLFLOW_SIP_INTERNAL_H

#include "callflow_sip.h"

#include <pthread.h>

#include <re.h>

struct cf_sip_server {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t started;
    bool ready;
    int start_error;
    char address[64];
    char public_address[64];
    int port;
    int answer_delay_ms;
    int rtp_port_low, rtp_port_high;
    int rtp_timeout_ms;
    char record_dir[1024];
    cf_sip_event_handler handler;
    cf_sip_admission_handler admission;
    void *context;
    // Owned by the server's thread from here on.
    struct mqueue *requests;
    struct dnsc *dnsc;
    struct sip *sip;
    struct sip_lsnr *options;
    struct sipevent_sock *events;
    struct sipsess_sock *sessions;
    struct list calls;
    uint64_t next_call;
    /// The media clock: every call's next packet is due at `next_tick_ns`. A timerfd, not a
    /// libre timer: libre inserts each timer into one sorted list by walking past every later
    /// one, and a busy server holds thousands of 32 s transaction timers. It runs only while
    /// a call is sending (`clock_running`).
    int clock_fd;
    bool clock_running;
    uint64_t next_tick_ns;
    uint64_t ticks;
    /// Written on the server's thread, read from any.
    _Atomic uint64_t late_packets;
    _Atomic uint64_t recording_errors;
    /// Responses sent, by status code less 100.
    _Atomic uint64_t responses_sent[600];
    /// The HTTP status listener (`/metrics`, `/health`), when asked for.
    char http_address[64];
    int http_port;
    cf_http_handler http;
    struct http_sock *http_sock;
};

/// One call's audio: RTP both ways, what is queued to play, the keys pressed.
struct call_media {
    struct rtp_sock *rtp;
    struct sdp_media *sdp;
    struct mbuf *packet;
    /// Where the caller's RTP goes; zero until the SDP names it.
    struct sa remote;
    /// The codec's payload type as the caller numbers it, and whether it is A-law.
    uint8_t payload_type;
    bool alaw;
    /// The payload type of the caller's telephone-events, or -1.
    int dtmf_payload_type;
    /// The RTP timestamp of the last key press reported (each press has its own).
    bool key_seen;
    uint32_t key_timestamp;
    /// Whether a packet has gone (the first carries the marker bit).
    bool started;
    /// Whether audio flows to the caller (answered, and not held by the caller).
    bool sending;
    bool on_hold;
    uint32_t timestamp;
    uint64_t last_received_ms;
    /// When not 0: the tick after which the call is hung up, once what plays has played.
    uint64_t hang_up_at_tick;
    /// What is to play, in order (struct segment).
    struct list queue;
    /// `--record`: the file, the caller's audio waiting to be written beside ours, and
    /// whether both are silenced (sensitive input).
    struct aufile *recording;
    int16_t *heard;
    size_t heard_start, heard_count;
    bool recording_muted;
    /// The recording's file, and the frames (8000 a second) written to it.
    char recording_path[1300];
    uint64_t recorded_frames;
};

struct call {
    struct le le;
    struct cf_sip_server *server;
    uint64_t id;
    struct sipsess *session;
    struct sdp_session *sdp;
    struct call_media media;
    /// The SDP answer, kept from ringing until the call is answered.
    struct mbuf *answer;
    struct tmr answer_timer;
    bool established;
    /// The transfer under way, its 5 s bound, and whether its end has been reported.
    struct sipsub *refer;
    struct tmr refer_timer;
    bool transfer_reported;
    /// `host:port` of the caller's Contact, where a transfer to a user goes.
    char contact[128];
    char to[128];
    char from[128];
    char callid[256];
    /// The INVITE's X-Call-* and X-Contact-* headers, `Name: value` a line.
    char *headers;
};

void report(struct cf_sip_server *server, int kind, uint64_t call, uint64_t number, const char *first, const char *second,
            const char *third, const char *fourth);
void end_call(struct call *call, const char *by, const char *reason);

/// Opens the call's RTP socket and describes its media in `call->sdp`.
int media_open(struct call *call);
/// Reads the caller's SDP (an offer or an answer) into the media: codec, address, hold.
int media_update(struct call *call);
void media_close(struct call *call);
/// Queues audio handed over by `cf_sip_play` (a `struct segment`) to its call.
void media_enqueue(struct cf_sip_server *server, void *segment);
void media_stop_playing(struct call *call);
/// Hangs up once what is queued has played and the caller's jitter buffer has had time to
/// play it out too.
void media_hang_up_after_playing(struct call *call);
struct call *find_call(struct cf_sip_server *server, uint64_t id);
/// Hands work to the server's thread: REQUEST_* with its data.
int push_request(struct cf_sip_server *server, int request, void *data);

enum {
    REQUEST_HANGUP = 1,
    REQUEST_STOP = 2,
    REQUEST_PLAY = 3,
    REQUEST_STOP_PLAYING = 4,
    REQUEST_TRANSFER = 5,
    REQUEST_MUTE_RECORDING = 6,
    REQUEST_UNMUTE_RECORDING = 7,
};

/// Starts the transfer handed over by `cf_sip_transfer`.
void transfer_start(struct cf_sip_server *server, void *request);
void transfer_close(struct call *call);
/// Opens the media clock, stopped; 0 or an errno value.
int media_clock_open(struct cf_sip_server *server);
void media_clock_close(struct cf_sip_server *server);
/// Starts the clock unless it runs: every call that is sending gets a packet on each tick,
/// until none is.
void media_clock_run(struct cf_sip_server *server);
uint64_t media_now_ns(void);

/// Starts the call's recording when the server records calls.
void recording_open(struct call *call);
/// The caller's G.711 audio, as it arrives.
void recording_heard(struct call *call, const uint8_t *payload, size_t count);
/// One packet's worth: what was sent, beside what the caller sent meanwhile.
void recording_write(struct call *call, const int16_t *sent, size_t count);
void recording_close(struct call *call);

/// Starts answering HTTP on the status address, when one is set; 0 or an errno value.
int status_http_start(struct cf_sip_server *server);
void status_http_stop(struct cf_sip_server *server);

/// Counts what the server sends (libre's trace handler; `arg` is the server).
void count_sent(bool tx, enum sip_transp transport, const struct sa *source, const struct sa *destination,
                const uint8_t *packet, size_t length, void *arg);

#endif
