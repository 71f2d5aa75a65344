#ifndef CALLFLOW_SIP_H
#define CALLFLOW_SIP_H

// A SIP server on libre and librem, answering calls for `flows serve`. libre's objects all
// belong to the server's own thread, which runs libre's main loop; other threads reach it only
// through the `cf_sip_*` calls below, which hand the work over through libre's message queue.
// The API is libre-free so that Swift never sees libre's variadic calls.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cf_sip_server cf_sip_server;

enum cf_sip_event_kind {
    /// A call was answered and acknowledged: `first` is the Request-URI user, `second` the
    /// caller (the P-Asserted-Identity user, else the From user), `third` the Call-ID, `fourth`
    /// the INVITE's `X-Call-*` and `X-Contact-*` headers, one `Name: value` a line.
    CF_SIP_CALL_ANSWERED = 1,
    /// A call ended, answered or not (every call let in ends so once): `first` is who ended it
    /// (`caller` or `server`), `second` the reason, `third` the Call-ID; with `--record`,
    /// `fourth` is the recording's file, complete, and `number` its frames (8000 a second),
    /// or `fourth` is empty when none was written.
    CF_SIP_CALL_CLOSED = 2,
    /// The caller pressed a key (RFC 4733): `first` is the key (`0`-`9`, `*`, `#`, `A`-`D`).
    CF_SIP_CALL_DIGIT = 3,
    /// The audio queued with `token` as `number` has been played, or dropped.
    CF_SIP_CALL_PLAYED = 4,
    /// A transfer (`cf_sip_transfer`) ended: `number` is its final SIP status (2xx: the other
    /// side took the call; else it failed, or 0 when no status came), `first` says why.
    CF_SIP_CALL_TRANSFERRED = 5,
};

/// Called on the server's thread; the strings (empty where an event has none) live until it
/// returns.
typedef void (*cf_sip_event_handler)(void *context, int kind, uint64_t call, uint64_t number, const char *first,
                                     const char *second, const char *third, const char *fourth);

/// Whether to take a new call (`method` INVITE) or answer a probe (`method` OPTIONS) from
/// `source` (an IP address) for `user` (the Request-URI user): 0 to go on, else the SIP status
/// to refuse with (403, 404, 503). Called on the server's thread; it must not block.
typedef int (*cf_sip_admission_handler)(void *context, const char *method, const char *user, const char *source);

/// Answers an HTTP GET of `path` on the status address (`/metrics`, `/health`): returns the
/// HTTP status and sets `*body` to a text made with `malloc`, which the server frees. Called
/// on the server's thread; it must not block.
typedef int (*cf_http_handler)(void *context, const char *path, char **body);

struct cf_sip_options {
    /// Where to listen for SIP over UDP and TCP, and the address RTP is bound to.
    const char *address;
    int port;
    /// The address written into SDP and Contact, when not `address` (NULL for `address`).
    const char *public_address;
    /// Ring (180) this long before answering; 0 answers at once, without a 180.
    int answer_delay_ms;
    /// The UDP ports RTP may use.
    int rtp_port_low, rtp_port_high;
    /// End a call whose caller sent no RTP for this long (0: never), except while on hold.
    int rtp_timeout_ms;
    /// Where each call is recorded as a stereo WAV named by its Call-ID (NULL: not recorded).
    const char *record_dir;
    /// Where to answer HTTP GETs with `http` (port 0: nowhere).
    const char *http_address;
    int http_port;
    cf_http_handler http;
};

/// Starts a server; returns NULL, with an errno value in `*error`, when it cannot.
cf_sip_server *cf_sip_start(const struct cf_sip_options *options, cf_sip_event_handler handler,
                            cf_sip_admission_handler admission, void *context, int *error);

/// Hangs up `call` (sends BYE); from any thread.
void cf_sip_hangup(cf_sip_server *server, uint64_t call);

/// Queues `count` samples of 16-bit linear PCM at 8 kHz (copied) to play to `call` after what
/// is queued; with `loop`, again and again until `cf_sip_stop_playing`. `token` comes back in
/// a CF_SIP_CALL_PLAYED event once it has been played or dropped. From any thread.
void cf_sip_play(cf_sip_server *server, uint64_t call, const int16_t *samples, size_t count, uint64_t token, bool loop);

/// Stops what plays to `call` and drops what is queued; each reports CF_SIP_CALL_PLAYED.
void cf_sip_stop_playing(cf_sip_server *server, uint64_t call);

/// Transfers `call` blindly by REFER to `target`: a SIP URI, or with `is_user` the user part
/// of one on the host and port of the caller's Contact. A CF_SIP_CALL_TRANSFERRED event tells
/// how it ended: at the final NOTIFY, an error answer to the REFER, or as taken 5 s after the
/// REFER with no final NOTIFY. The call stays up either way.
void cf_sip_transfer(cf_sip_server *server, uint64_t call, const char *target, bool is_user);

/// Silences `call`'s recording (both sides) until unmuted: sensitive input.
void cf_sip_mute_recording(cf_sip_server *server, uint64_t call, bool muted);

/// Recordings that could not be opened or written, over all calls so far.
uint64_t cf_sip_recording_errors(cf_sip_server *server);

/// RTP packets sent later than their deadline, over all calls so far.
uint64_t cf_sip_late_packets(cf_sip_server *server);

/// SIP responses with status `code` (100-699) sent so far, by the server or libre for it.
uint64_t cf_sip_responses_sent(cf_sip_server *server, int code);

/// Hangs up every call, stops the server's thread and frees it; from any thread but the
/// server's own.
void cf_sip_stop(cf_sip_server *server);

/// Reads a WAV file (PCM, µ-law or A-law; any channels; 8, 16, 32 or 48 kHz) as 8 kHz mono
/// samples, to be freed with `free`. 0, or an errno value (ENOTSUP for a format it cannot
/// convert).
int cf_audio_load(const char *path, int16_t **samples, size_t *count);

/// Converts `count` samples at `rate` (mono) to 8 kHz mono, into a buffer to be freed with
/// `free`. 0 or an errno value.
int cf_audio_resample(const int16_t *samples, size_t count, uint32_t rate, int16_t **converted, size_t *converted_count);

#endif
