// Audio files and rates for the call: librem reads the WAV and resamples; we only chain the
// steps it supports into one that ends at 8 kHz mono.

#include "callflow_sip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>
#include <rem.h>

enum {
    CALL_RATE = 8000,
    /// The rate every other rate passes through when it divides it: librem's filters are made
    /// for 48 kHz, so 16 kHz goes up to 48 kHz and then down, which keeps its highs.
    HUB_RATE = 48000,
    /// Samples per resampler call: a multiple of every ratio and channel count used.
    BLOCK = 960 * 2,
    /// Longest file read: ten minutes at 48 kHz stereo.
    MAX_SAMPLES = 48000 * 2 * 600,
};

/// Resamples (and mixes down to mono) in one librem step; `ratio` must be whole.
static int resample_step(const int16_t *input, size_t count, uint32_t input_rate, unsigned channels, uint32_t output_rate,
                         int16_t **output, size_t *output_count) {
    size_t frames = count / channels;
    size_t capacity = frames * output_rate / input_rate + BLOCK;
    int16_t *result = malloc(capacity * sizeof(int16_t));
    if (!result) return ENOMEM;
    if (input_rate == output_rate && channels == 1) {
        memcpy(result, input, count * sizeof(int16_t));
        *output = result;
        *output_count = count;
        return 0;
    }
    struct auresamp resampler;
    auresamp_init(&resampler);
    int err = auresamp_setup(&resampler, input_rate, channels, output_rate, 1);
    size_t written = 0;
    size_t ratio = output_rate > input_rate ? output_rate / input_rate : input_rate / output_rate;
    size_t step = ratio * channels;
    for (size_t offset = 0; !err && offset + step <= count; offset += BLOCK) {
        size_t take = count - offset < BLOCK ? (count - offset) / step * step : BLOCK;
        size_t produced = capacity - written;
        err = auresamp(&resampler, result + written, &produced, input + offset, take);
        written += produced;
    }
    if (err) {
        free(result);
        return err;
    }
    *output = result;
    *output_count = written;
    return 0;
}

static int to_call_rate(const int16_t *samples, size_t count, uint32_t rate, unsigned channels, int16_t **converted,
                        size_t *converted_count) {
    if (rate == 0 || channels == 0 || channels > 2) return ENOTSUP;
    if (rate % CALL_RATE == 0 && (rate == CALL_RATE || rate == HUB_RATE || HUB_RATE % rate != 0)) {
        return resample_step(samples, count, rate, channels, CALL_RATE, converted, converted_count);
    }
    if (HUB_RATE % rate != 0) return ENOTSUP;  // 44.1 kHz and its kin: no whole ratio to 8 kHz
    int16_t *hub;
    size_t hub_count;
    int err = resample_step(samples, count, rate, channels, HUB_RATE, &hub, &hub_count);
    if (err) return err;
    err = resample_step(hub, hub_count, HUB_RATE, 1, CALL_RATE, converted, converted_count);
    free(hub);
    return err;
}

int cf_audio_resample(const int16_t *samples, size_t count, uint32_t rate, int16_t **converted, size_t *converted_count) {
    return to_call_rate(samples, count, rate, 1, converted, converted_count);
}

int cf_audio_load(const char *path, int16_t **samples, size_t *count) {
    struct aufile *file = NULL;
    struct aufile_prm format;
    int err = aufile_open(&file, &format, path, AUFILE_READ);
    if (err) return err == ENOSYS ? ENOTSUP : err;
    size_t bytes_per_sample = format.fmt == AUFMT_S16LE ? 2 : 1;
    size_t capacity = 0, used = 0;
    int16_t *decoded = NULL;
    uint8_t buffer[4096];
    for (;;) {
        size_t size = sizeof(buffer);
        if ((err = aufile_read(file, buffer, &size)) || size == 0) break;
        size_t incoming = size / bytes_per_sample;
        if (used + incoming > MAX_SAMPLES) {
            err = EFBIG;
            break;
        }
        if (used + incoming > capacity) {
            capacity = (used + incoming) * 2;
            int16_t *grown = realloc(decoded, capacity * sizeof(int16_t));
            if (!grown) {
                err = ENOMEM;
                break;
            }
            decoded = grown;
        }
        for (size_t i = 0; i < incoming; i++) {
            switch (format.fmt) {
            case AUFMT_S16LE: decoded[used + i] = (int16_t)(buffer[2 * i] | buffer[2 * i + 1] << 8); break;
            case AUFMT_PCMA: decoded[used + i] = g711_alaw2pcm(buffer[i]); break;
            case AUFMT_PCMU: decoded[used + i] = g711_ulaw2pcm(buffer[i]); break;
            default: err = ENOTSUP; break;
            }
        }
        used += incoming;
        if (err) break;
    }
    mem_deref(file);
    if (!err) err = to_call_rate(decoded ? decoded : (int16_t[1]){0}, used, format.srate, format.channels, samples, count);
    free(decoded);
    return err;
}
