// Makes the example flows' audio files with flite's kal voice (8 kHz, 16-bit mono WAV):
// `make prompts`. Usage: make-prompts DIR
#include <stdio.h>

#include <flite/flite.h>

cst_voice *register_cmu_us_kal(const char *voxdir);

static const struct {
    const char *file, *text;
} prompts[] = {
    {"please_hold.wav", "Please hold while we look up your details."},
    {"one_moment.wav", "One moment please."},
};

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 64;
    }
    flite_init();
    cst_voice *voice = register_cmu_us_kal(NULL);
    for (size_t i = 0; i < sizeof(prompts) / sizeof(prompts[0]); i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], prompts[i].file);
        cst_wave *wave = flite_text_to_wave(prompts[i].text, voice);
        if (!wave || cst_wave_save_riff(wave, path) != 0) {
            fprintf(stderr, "cannot write %s\n", path);
            return 1;
        }
        delete_wave(wave);
    }
    return 0;
}
