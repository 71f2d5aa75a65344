// Blind transfer: REFER on the call's dialog, then the NOTIFYs that say how the new call went
// (RFC 3515). The call stays up; Swift hangs up after a transfer that worked, or goes on.

#include "sip_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    /// A REFER accepted without a final NOTIFY counts as taken after this long.
    FINAL_NOTIFY_WAIT_MS = 5000,
};

struct transfer_request {
    uint64_t call;
    bool is_user;
    char target[];
};

static void transfer_done(struct call *call, uint16_t status, const char *reason) {
    if (call->transfer_reported) return;
    call->transfer_reported = true;
    tmr_cancel(&call->refer_timer);
    report(call->server, CF_SIP_CALL_TRANSFERRED, call->id, status, reason, NULL, NULL, NULL);
}

static void notify_handler(struct sip *sip, const struct sip_msg *msg, void *arg) {
    struct call *call = arg;
    struct pl code, reason;
    // The body is a sipfrag: the status line of the new call's answer.
    if (re_regex((const char *)mbuf_buf(msg->mb), mbuf_get_left(msg->mb), "SIP/2.0 [0-9]+ [^\r\n]*", &code, &reason)) {
        (void)sip_reply(sip, msg, 400, "Bad sipfrag");
        return;
    }
    (void)sip_reply(sip, msg, 200, "OK");
    uint32_t status = pl_u32(&code);
    if (status < 200) return;
    char text[128];
    re_snprintf(text, sizeof(text), "%u %r", status, &reason);
    transfer_done(call, (uint16_t)status, text);
}

static void close_handler(int err, const struct sip_msg *msg, const struct sipevent_substate *substate, void *arg) {
    (void)substate;
    struct call *call = arg;
    char text[128];
    if (err) {
        re_snprintf(text, sizeof(text), "no answer to the REFER (%s)", strerror(err));
        transfer_done(call, 0, text);
    } else if (msg && msg->scode >= 300) {
        re_snprintf(text, sizeof(text), "the REFER was refused: %u %r", msg->scode, &msg->reason);
        transfer_done(call, msg->scode, text);
    } else {
        transfer_done(call, 202, "the subscription ended without a final status");
    }
    call->refer = mem_deref(call->refer);
}

static void final_notify_timeout(void *arg) {
    transfer_done(arg, 202, "no final NOTIFY within 5 s of the REFER");
}

void transfer_start(struct cf_sip_server *server, void *data) {
    struct transfer_request *request = data;
    struct call *call = find_call(server, request->call);
    if (!call) {
        free(request);
        return;
    }
    char target[512];
    int err = 0;
    // The subscription of a transfer whose outcome is known may still be open (a NOTIFY
    // without `terminated`): a new transfer ends it.
    if (call->refer && call->transfer_reported) transfer_close(call);
    if (!call->established || call->refer) {
        err = call->established ? EALREADY : ENOTCONN;
    } else if (request->is_user && !call->contact[0]) {
        err = EDESTADDRREQ;
    } else if (request->is_user) {
        re_snprintf(target, sizeof(target), "sip:%s@%s", request->target, call->contact);
    } else {
        re_snprintf(target, sizeof(target), "%s", request->target);
    }
    free(request);
    call->transfer_reported = false;
    if (!err) {
        err = sipevent_drefer(&call->refer, server->events, sipsess_dialog(call->session), "callflow", NULL, NULL, true,
                              notify_handler, close_handler, call, "Refer-To: <%s>\r\n", target);
    }
    if (err) {
        char text[128];
        re_snprintf(text, sizeof(text), "the REFER could not be sent (%s)",
                    err == EDESTADDRREQ ? "the INVITE had no Contact" : strerror(err));
        transfer_done(call, 0, text);
        return;
    }
    tmr_start(&call->refer_timer, FINAL_NOTIFY_WAIT_MS, final_notify_timeout, call);
}

void transfer_close(struct call *call) {
    tmr_cancel(&call->refer_timer);
    call->refer = mem_deref(call->refer);
}

void cf_sip_transfer(cf_sip_server *server, uint64_t call, const char *target, bool is_user) {
    size_t length = strlen(target);
    struct transfer_request *request = malloc(sizeof(*request) + length + 1);
    if (!request) {
        report(server, CF_SIP_CALL_TRANSFERRED, call, 0, "out of memory", NULL, NULL, NULL);
        return;
    }
    request->call = call;
    request->is_user = is_user;
    memcpy(request->target, target, length + 1);
    if (push_request(server, REQUEST_TRANSFER, request)) {
        free(request);
        report(server, CF_SIP_CALL_TRANSFERRED, call, 0, "the server is busy", NULL, NULL, NULL);
    }
}
