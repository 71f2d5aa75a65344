// The SIP side of `flows serve` on libre: answers INVITEs, reports calls to Swift and hangs
// them up when Swift asks; call_media.c carries their audio. See callflow_sip.h.

#define _GNU_SOURCE  // pthread_setname_np
#include "sip_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void call_destructor(void *data) {
    struct call *call = data;
    list_unlink(&call->le);
    tmr_cancel(&call->answer_timer);
    call->answer = mem_deref(call->answer);
    transfer_close(call);
    call->session = mem_deref(call->session);  // an established session sends BYE; a ringing one, 486
    media_close(call);
    call->sdp = mem_deref(call->sdp);
    call->headers = mem_deref(call->headers);
}

void report(struct cf_sip_server *server, int kind, uint64_t call, uint64_t number, const char *first, const char *second,
            const char *third, const char *fourth) {
    server->handler(server->context, kind, call, number, first ? first : "", second ? second : "", third ? third : "",
                    fourth ? fourth : "");
}

static void queue_handler(int id, void *data, void *arg);

int push_request(struct cf_sip_server *server, int request, void *data) {
    // From the server's own thread (a key that stops a prompt, told to Swift as it arrives)
    // the request is done at once: waiting for the queue there would wait for itself.
    if (pthread_equal(pthread_self(), server->thread)) {
        queue_handler(request, data, server);
        return 0;
    }
    // The queue is a non-blocking pipe: when the server's thread is far behind, wait for room
    // (at most a second) rather than drop a hang-up or a mute.
    int err = EAGAIN;
    for (int tries = 0; tries < 2000 && err == EAGAIN; tries++) {
        err = mqueue_push(server->requests, request, data);
        if (err == EAGAIN) usleep(500);
    }
    return err;
}

struct call *find_call(struct cf_sip_server *server, uint64_t id) {
    for (struct le *le = list_head(&server->calls); le; le = le->next) {
        struct call *call = le->data;
        if (call->id == id) return call;
    }
    return NULL;
}

void end_call(struct call *call, const char *by, const char *reason) {
    struct cf_sip_server *server = call->server;
    uint64_t id = call->id;
    char callid[sizeof(call->callid)];
    memcpy(callid, call->callid, sizeof(callid));
    // A recording still open has had no error; the call's destructor completes its file.
    char recording[sizeof(call->media.recording_path)] = "";
    uint64_t frames = 0;
    if (call->media.recording) {
        memcpy(recording, call->media.recording_path, sizeof(recording));
        frames = call->media.recorded_frames;
    }
    mem_deref(call);
    report(server, CF_SIP_CALL_CLOSED, id, frames, by, reason, callid, recording);
}

enum {
    /// The most header text passed on as call variables; the rest is dropped.
    MAX_VARIABLE_HEADERS = 8192,
};

/// The `X-Call-*` and `X-Contact-*` headers of `msg`, `Name: value` a line (line breaks of
/// folded values become spaces), or NULL.
static char *variable_headers(const struct sip_msg *msg) {
    struct mbuf *text = mbuf_alloc(256);
    if (!text) return NULL;
    for (struct le *le = list_head(&msg->hdrl); le; le = le->next) {
        const struct sip_hdr *header = le->data;
        const struct pl *name = &header->name;
        bool call = name->l > 7 && !strncasecmp(name->p, "X-Call-", 7);
        bool contact = name->l > 10 && !strncasecmp(name->p, "X-Contact-", 10);
        if (!call && !contact) continue;
        if (text->end + header->name.l + header->val.l + 3 > MAX_VARIABLE_HEADERS) break;
        (void)mbuf_printf(text, "%r: ", &header->name);
        for (size_t i = 0; i < header->val.l; i++) {
            char c = header->val.p[i];
            (void)mbuf_write_u8(text, (uint8_t)(c == '\r' || c == '\n' ? ' ' : c));
        }
        (void)mbuf_write_u8(text, '\n');
    }
    char *result = NULL;
    text->pos = 0;
    (void)mbuf_strdup(text, &result, text->end);
    mem_deref(text);
    return result;
}

static int offer_handler(struct mbuf **descp, const struct sip_msg *msg, void *arg) {
    // A re-INVITE: hold, resume, another address or codec.
    struct call *call = arg;
    int err = sdp_decode(call->sdp, msg->mb, true);
    if (!err) err = media_update(call);
    if (err) return err;
    return sdp_encode(descp, call->sdp, false);
}

static int answer_handler(const struct sip_msg *msg, void *arg) {
    // An INVITE without SDP gets our offer; the ACK answers it.
    struct call *call = arg;
    int err = sdp_decode(call->sdp, msg->mb, false);
    return err ? err : media_update(call);
}

static void established_handler(const struct sip_msg *msg, void *arg) {
    (void)msg;
    struct call *call = arg;
    call->established = true;
    report(call->server, CF_SIP_CALL_ANSWERED, call->id, 0, call->to, call->from, call->callid, call->headers);
}

static void close_handler(int err, const struct sip_msg *msg, void *arg) {
    struct call *call = arg;
    // libre ends a session the caller ends (BYE, or CANCEL while it rings) with ECONNRESET
    // and that request; other errors are the transport's.
    char reason[64];
    if (msg && msg->req) re_snprintf(reason, sizeof(reason), "%r", &msg->met);
    else re_snprintf(reason, sizeof(reason), "%s", err ? strerror(err) : "BYE");
    end_call(call, "caller", reason);
}

/// The status the admission handler refuses `msg` with, or 0.
static int admission(struct cf_sip_server *server, const struct sip_msg *msg, const char *method) {
    char user[128], source[64];
    pl_strcpy(&msg->uri.user, user, sizeof(user));
    if (re_snprintf(source, sizeof(source), "%j", &msg->src) < 0) source[0] = 0;
    return server->admission(server->context, method, user, source);
}

static const char *reason_phrase(int status) {
    switch (status) {
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 503: return "Service Unavailable";
    default: return "Refused";
    }
}

/// Starts a call's audio once its 200 OK is sent.
static void answered(struct call *call) {
    call->answer = mem_deref(call->answer);
    call->media.sending = true;
    media_clock_run(call->server);
    call->media.last_received_ms = tmr_jiffies();
    recording_open(call);
}

static void answer_now(void *arg) {
    struct call *call = arg;
    if (sipsess_answer(call->session, 200, "OK", call->answer, NULL)) {
        end_call(call, "server", "the call could not be answered");
        return;
    }
    answered(call);
}

static void connect_handler(const struct sip_msg *msg, void *arg) {
    struct cf_sip_server *server = arg;
    int refused = admission(server, msg, "INVITE");
    if (refused) {
        sip_treply(NULL, server->sip, msg, (uint16_t)refused, reason_phrase(refused));
        return;
    }
    struct call *call = mem_zalloc(sizeof(*call), call_destructor);
    if (!call) {
        sip_treply(NULL, server->sip, msg, 500, "Server Internal Error");
        report(server, CF_SIP_CALL_CLOSED, 0, 0, "server", "out of memory", NULL, NULL);
        return;
    }
    call->server = server;
    call->id = ++server->next_call;
    pl_strcpy(&msg->uri.user, call->to, sizeof(call->to));
    // The caller's number as the network asserts it, else as the caller says it.
    const struct sip_hdr *asserted = sip_msg_xhdr(msg, "P-Asserted-Identity");
    struct sip_addr identity;
    if (asserted && !sip_addr_decode(&identity, &asserted->val) && pl_isset(&identity.uri.user)) {
        pl_strcpy(&identity.uri.user, call->from, sizeof(call->from));
    } else {
        pl_strcpy(&msg->from.uri.user, call->from, sizeof(call->from));
    }
    call->headers = variable_headers(msg);
    pl_strcpy(&msg->callid, call->callid, sizeof(call->callid));
    const struct sip_hdr *contact = sip_msg_hdr(msg, SIP_HDR_CONTACT);
    struct sip_addr address;
    if (contact && !sip_addr_decode(&address, &contact->val)) {
        bool v6 = address.uri.af == AF_INET6;
        re_snprintf(call->contact, sizeof(call->contact), "%s%r%s:%u", v6 ? "[" : "", &address.uri.host, v6 ? "]" : "",
                    address.uri.port ? address.uri.port : 5060);
    }
    list_append(&server->calls, &call->le, call);

    struct sa announced;
    int err = sa_set_str(&announced, server->public_address[0] ? server->public_address : server->address, 0);
    if (!err) err = sdp_session_alloc(&call->sdp, &announced);
    if (!err) err = media_open(call);
    if (err) {
        sip_treply(NULL, server->sip, msg, 500, "Server Internal Error");
        end_call(call, "server", "no port for audio");
        return;
    }
    bool offered = mbuf_get_left(msg->mb) > 0;
    if (offered) err = sdp_decode(call->sdp, msg->mb, true);
    if (!err && offered) err = media_update(call);
    if (!err) err = sdp_encode(&call->answer, call->sdp, !offered);
    if (err) {
        sip_treply(NULL, server->sip, msg, 488, "Not Acceptable Here");
        end_call(call, "server", "no common codec");
        return;
    }
    // With a delay, ring first and answer after it (a CANCEL meanwhile ends the call through
    // close_handler); without one, answer at once: one message less for the server and any
    // proxy, and no 180 that a proxy's workers could pass on after the 200.
    bool ring = server->answer_delay_ms > 0;
    err = sipsess_accept(&call->session, server->sessions, msg, ring ? 180 : 200, ring ? "Ringing" : "OK", "callflow",
                         "application/sdp", ring ? NULL : call->answer, NULL, NULL, false, offer_handler, answer_handler,
                         established_handler, NULL, NULL, close_handler, call, NULL);
    if (err) {
        sip_treply(NULL, server->sip, msg, 500, "Server Internal Error");
        end_call(call, "server", "the call could not be answered");
        return;
    }
    if (ring) {
        tmr_start(&call->answer_timer, (uint64_t)server->answer_delay_ms, answer_now, call);
    } else {
        answered(call);
    }
}

static bool request_handler(const struct sip_msg *msg, void *arg) {
    struct cf_sip_server *server = arg;
    if (pl_strcmp(&msg->met, "OPTIONS")) return false;
    int refused = admission(server, msg, "OPTIONS");
    sip_treply(NULL, server->sip, msg, refused ? (uint16_t)refused : 200, refused ? reason_phrase(refused) : "OK");
    return true;
}

static void queue_handler(int id, void *data, void *arg) {
    struct cf_sip_server *server = arg;
    if (id == REQUEST_PLAY) {
        media_enqueue(server, data);
    } else if (id == REQUEST_TRANSFER) {
        transfer_start(server, data);
    } else if (id == REQUEST_MUTE_RECORDING || id == REQUEST_UNMUTE_RECORDING) {
        struct call *call = find_call(server, (uint64_t)(uintptr_t)data);
        if (call) call->media.recording_muted = id == REQUEST_MUTE_RECORDING;
    } else if (id == REQUEST_STOP_PLAYING) {
        struct call *call = find_call(server, (uint64_t)(uintptr_t)data);
        if (call) media_stop_playing(call);
    } else if (id == REQUEST_HANGUP) {
        struct call *call = find_call(server, (uint64_t)(uintptr_t)data);
        if (call && call->media.sending) media_hang_up_after_playing(call);
        else if (call) end_call(call, "server", "the flow ended");
    } else if (id == REQUEST_STOP) {
        while (list_head(&server->calls)) end_call(list_head(&server->calls)->data, "server", "the server stopped");
        re_cancel();
    }
}

static void signal_start(struct cf_sip_server *server, int error) {
    pthread_mutex_lock(&server->lock);
    server->start_error = error;
    server->ready = true;
    pthread_cond_signal(&server->started);
    pthread_mutex_unlock(&server->lock);
}

enum {
    // Buckets of libre's hash tables (powers of two).
    SERVER_CLIENT_TRANSACTIONS = 1024,
    SERVER_SERVER_TRANSACTIONS = 8192,
    SERVER_SESSIONS = 2048,
};

static void *server_main(void *arg) {
    struct cf_sip_server *server = arg;
    struct sa local, dns;
    // Named so that `top -H` and `perf` tell it from the Swift threads it was started from.
    (void)pthread_setname_np(pthread_self(), "sip");
    int err = libre_init();
    if (!err) err = sa_set_str(&local, server->address, (uint16_t)server->port);
    // libre wants a DNS client; calls are answered, never placed by name, so it is not asked.
    if (!err) err = sa_set_str(&dns, "127.0.0.1", 53);
    if (!err) err = dnsc_alloc(&server->dnsc, NULL, &dns, 1);
    // A server transaction outlives its call by 32 s (64 × T1, to answer retransmissions), so
    // at 100 calls a second some 6,400 are alive; libre finds one by walking a bucket of its
    // hash table, so the tables are sized for that many rather than for a phone's few.
    if (!err) err = sip_alloc(&server->sip, server->dnsc, SERVER_CLIENT_TRANSACTIONS, SERVER_SERVER_TRANSACTIONS, 32, "CallFlow", NULL,
                              server);
    if (!err) sip_set_trace_handler(server->sip, count_sent);
    if (!err) err = sip_transp_add(server->sip, SIP_TRANSP_UDP, &local);
    if (!err) err = sip_transp_add(server->sip, SIP_TRANSP_TCP, &local);
    if (!err) err = sip_listen(&server->options, server->sip, true, request_handler, server);
    if (!err) err = sipevent_listen(&server->events, server->sip, 32, 32, NULL, NULL);
    if (!err) err = sipsess_listen(&server->sessions, server->sip, SERVER_SESSIONS, connect_handler, server);
    if (!err) err = mqueue_alloc(&server->requests, queue_handler, server);
    if (!err) err = status_http_start(server);
    if (!err) err = media_clock_open(server);
    signal_start(server, err);
    if (!err) re_main(NULL);
    while (list_head(&server->calls)) mem_deref(list_head(&server->calls)->data);
    media_clock_close(server);
    status_http_stop(server);
    server->sessions = mem_deref(server->sessions);
    server->options = mem_deref(server->options);
    server->events = mem_deref(server->events);
    if (server->sip) sip_close(server->sip, true);
    server->sip = mem_deref(server->sip);
    server->dnsc = mem_deref(server->dnsc);
    server->requests = mem_deref(server->requests);
    libre_close();
    return NULL;
}

cf_sip_server *cf_sip_start(const struct cf_sip_options *options, cf_sip_event_handler handler,
                            cf_sip_admission_handler admission, void *context, int *error) {
    struct cf_sip_server *server = calloc(1, sizeof(*server));
    if (!server) {
        *error = ENOMEM;
        return NULL;
    }
    server->clock_fd = -1;
    pthread_mutex_init(&server->lock, NULL);
    pthread_cond_init(&server->started, NULL);
    strncpy(server->address, options->address, sizeof(server->address) - 1);
    if (options->public_address) strncpy(server->public_address, options->public_address, sizeof(server->public_address) - 1);
    server->port = options->port;
    server->answer_delay_ms = options->answer_delay_ms > 0 ? options->answer_delay_ms : 0;
    server->rtp_port_low = options->rtp_port_low;
    server->rtp_port_high = options->rtp_port_high;
    server->rtp_timeout_ms = options->rtp_timeout_ms;
    if (options->record_dir) strncpy(server->record_dir, options->record_dir, sizeof(server->record_dir) - 1);
    if (options->http_address) strncpy(server->http_address, options->http_address, sizeof(server->http_address) - 1);
    server->http_port = options->http_port;
    server->http = options->http;
    server->handler = handler;
    server->admission = admission;
    server->context = context;
    if ((*error = pthread_create(&server->thread, NULL, server_main, server))) {
        free(server);
        return NULL;
    }
    pthread_mutex_lock(&server->lock);
    while (!server->ready) pthread_cond_wait(&server->started, &server->lock);
    pthread_mutex_unlock(&server->lock);
    if ((*error = server->start_error)) {
        pthread_join(server->thread, NULL);
        free(server);
        return NULL;
    }
    return server;
}

void cf_sip_hangup(cf_sip_server *server, uint64_t call) {
    push_request(server, REQUEST_HANGUP, (void *)(uintptr_t)call);
}

void cf_sip_stop(cf_sip_server *server) {
    // A server whose thread cannot be reached is left running rather than freed under it.
    if (push_request(server, REQUEST_STOP, NULL)) return;
    pthread_join(server->thread, NULL);
    pthread_cond_destroy(&server->started);
    pthread_mutex_destroy(&server->lock);
    free(server);
}
