// The server's HTTP status listener (`/metrics`, `/health`) and its count of SIP responses
// sent, on the server's thread. The answers themselves come from the Swift side.

#include "sip_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void count_sent(bool tx, enum sip_transp transport, const struct sa *source, const struct sa *destination,
                const uint8_t *packet, size_t length, void *arg) {
    (void)transport, (void)source, (void)destination;
    struct cf_sip_server *server = arg;
    static const char prefix[] = "SIP/2.0 ";
    const size_t skip = sizeof(prefix) - 1;
    if (!tx || length < skip + 3 || memcmp(packet, prefix, skip)) return;
    int code = 0;
    for (size_t i = skip; i < skip + 3; i++) {
        if (packet[i] < '0' || packet[i] > '9') return;
        code = code * 10 + (packet[i] - '0');
    }
    if (code >= 100 && code <= 699) atomic_fetch_add(&server->responses_sent[code - 100], 1);
}

uint64_t cf_sip_responses_sent(cf_sip_server *server, int code) {
    if (code < 100 || code > 699) return 0;
    return atomic_load(&server->responses_sent[code - 100]);
}

static const char *reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static void answer_request(struct http_conn *connection, const struct http_msg *message, void *arg) {
    struct cf_sip_server *server = arg;
    if (pl_strcmp(&message->met, "GET")) {
        (void)http_ereply(connection, 405, "Method Not Allowed");
        return;
    }
    char *path = NULL;
    if (pl_strdup(&path, &message->path)) {
        (void)http_ereply(connection, 500, "Internal Server Error");
        return;
    }
    char *body = NULL;
    int status = server->http(server->context, path, &body);
    mem_deref(path);
    // Prometheus's text format, version 0.0.4, for every answer: plain text all the same.
    (void)http_creply(connection, (uint16_t)status, reason(status), "text/plain; version=0.0.4; charset=utf-8", "%s",
                      body ? body : "");
    free(body);
}

int status_http_start(struct cf_sip_server *server) {
    if (!server->http_port || !server->http) return 0;
    struct sa local;
    int err = sa_set_str(&local, server->http_address, (uint16_t)server->http_port);
    if (!err) err = http_listen(&server->http_sock, &local, answer_request, server);
    return err;
}

void status_http_stop(struct cf_sip_server *server) {
    server->http_sock = mem_deref(server->http_sock);
}
