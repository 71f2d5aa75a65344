// `--record DIR`: each call as one stereo WAV at 8 kHz (left: the caller, right: the flow),
// written on the media clock. What the caller sends arrives with jitter, so it waits in a
// small buffer and is taken 20 ms at a time beside what was sent.

#include "sip_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rem.h>

enum {
    /// The caller's audio waiting to be written: one second.
    HEARD_CAPACITY = 8000,
};

void recording_open(struct call *call) {
    struct cf_sip_server *server = call->server;
    if (!server->record_dir[0]) return;
    // A Call-ID may hold `/` and other bytes a file name must not: those become `_`.
    char name[sizeof(call->callid)];
    size_t length = 0;
    for (const char *c = call->callid; *c && length < sizeof(name) - 1; c++) {
        bool safe = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' ||
                    *c == '@' || (*c == '.' && length > 0);
        name[length++] = safe ? *c : '_';
    }
    name[length] = 0;
    char path[sizeof(server->record_dir) + sizeof(name) + 16];
    re_snprintf(path, sizeof(path), "%s/%s.wav", server->record_dir, name);
    // Two Call-IDs that differ only in unsafe bytes must not share a file.
    for (int n = 2; access(path, F_OK) == 0 && n < 1000; n++) re_snprintf(path, sizeof(path), "%s/%s-%d.wav", server->record_dir, name, n);
    struct aufile_prm format = {.srate = 8000, .channels = 2, .fmt = AUFMT_S16LE};
    struct call_media *media = &call->media;
    media->heard = calloc(HEARD_CAPACITY, sizeof(int16_t));
    if (!media->heard || aufile_open(&media->recording, &format, path, AUFILE_WRITE)) {
        free(media->heard);
        media->heard = NULL;
        media->recording = NULL;
        atomic_fetch_add(&server->recording_errors, 1);
        return;
    }
    str_ncpy(media->recording_path, path, sizeof(media->recording_path));
}

void recording_heard(struct call *call, const uint8_t *payload, size_t count) {
    struct call_media *media = &call->media;
    if (!media->recording) return;
    for (size_t i = 0; i < count; i++) {
        int16_t sample = media->alaw ? g711_alaw2pcm(payload[i]) : g711_ulaw2pcm(payload[i]);
        if (media->heard_count == HEARD_CAPACITY) {
            // Too far ahead of the clock: the oldest goes.
            media->heard_start = (media->heard_start + 1) % HEARD_CAPACITY;
            media->heard_count--;
        }
        media->heard[(media->heard_start + media->heard_count) % HEARD_CAPACITY] = sample;
        media->heard_count++;
    }
}

void recording_write(struct call *call, const int16_t *sent, size_t count) {
    struct call_media *media = &call->media;
    if (!media->recording) return;
    int16_t frames[2 * 160];
    if (count > 160) count = 160;
    for (size_t i = 0; i < count; i++) {
        int16_t heard = 0;
        if (media->heard_count) {
            heard = media->heard[media->heard_start];
            media->heard_start = (media->heard_start + 1) % HEARD_CAPACITY;
            media->heard_count--;
        }
        // Sensitive input: nothing of either side while it is read.
        frames[2 * i] = media->recording_muted ? 0 : heard;
        frames[2 * i + 1] = media->recording_muted ? 0 : sent[i];
    }
    if (aufile_write(media->recording, (const uint8_t *)frames, count * 2 * sizeof(int16_t))) {
        media->recording = mem_deref(media->recording);
        atomic_fetch_add(&call->server->recording_errors, 1);
        return;
    }
    media->recorded_frames += count;
}

void recording_close(struct call *call) {
    struct call_media *media = &call->media;
    media->recording = mem_deref(media->recording);  // writes the WAV header's sizes
    free(media->heard);
    media->heard = NULL;
}
