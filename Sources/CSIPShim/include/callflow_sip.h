#ifndef CALLFLOW_SIP_H
#define CALLFLOW_SIP_H

// A SIP server on libre, answering calls for `flows serve`. libre's objects all belong to the
// server's own thread, which runs libre's main loop; other threads reach it only through
// `cf_sip_hangup` and `cf_sip_stop`, which hand the work over through libre's message queue.
// The API is libre-free so that Swift never sees libre's variadic calls.

#include <stdint.h>

typedef struct cf_sip_server cf_sip_server;

enum cf_sip_event_kind {
    /// A call was answered and acknowledged: `first` is the Request-URI user, `second` the
    /// caller (From) user, `third` the Call-ID.
    CF_SIP_CALL_ANSWERED = 1,
    /// A call ended, answered or not (every call let in ends so once): `first` is who ended it
    /// (`caller` or `server`), `second` the reason, `third` the Call-ID.
    CF_SIP_CALL_CLOSED = 2,
};

/// Called on the server's thread; the strings live until it returns.
typedef void (*cf_sip_event_handler)(void *context, int kind, uint64_t call, const char *first, const char *second,
                                     const char *third);

/// Whether to take a new call (`method` INVITE) or answer a probe (`method` OPTIONS) from
/// `source` (an IP address) for `user` (the Request-URI user): 0 to go on, else the SIP status
/// to refuse with (403, 404, 503). Called on the server's thread; it must not block.
typedef int (*cf_sip_admission_handler)(void *context, const char *method, const char *user, const char *source);

/// Starts a server listening for SIP over UDP on `address`:`port`; it rings (180) and answers
/// each call `answer_delay_ms` later. Returns NULL, with an errno value in `*error`, when it
/// cannot.
cf_sip_server *cf_sip_start(const char *address, int port, int answer_delay_ms, cf_sip_event_handler handler,
                            cf_sip_admission_handler admission, void *context, int *error);

/// Hangs up `call` (sends BYE); from any thread.
void cf_sip_hangup(cf_sip_server *server, uint64_t call);

/// Hangs up every call, stops the server's thread and frees it; from any thread but the
/// server's own.
void cf_sip_stop(cf_sip_server *server);

#endif
