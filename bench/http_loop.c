/* The C side of the HTTP benchmark: CALLS GET requests of URL with libcurl, CONCURRENCY at a
 * time on one multi handle (whose connection cache every transfer shares), each response body
 * kept in memory as the runtime keeps it. Prints requests per second.
 *
 *   http_loop URL CALLS CONCURRENCY
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct body { char *data; size_t length; };

static size_t keep(char *data, size_t size, size_t count, void *context) {
    struct body *body = context;
    size_t length = size * count;
    body->data = realloc(body->data, body->length + length);
    memcpy(body->data + body->length, data, length);
    body->length += length;
    return length;
}

static void start(CURLM *multi, CURL *easy, const char *url, struct body *body) {
    body->length = 0;
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, body);
    curl_multi_add_handle(multi, easy);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: http_loop URL CALLS CONCURRENCY\n"); return 64; }
    const char *url = argv[1];
    long calls = atol(argv[2]), concurrency = atol(argv[3]), started = 0, done = 0, failed = 0;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    struct body *bodies = calloc(concurrency, sizeof *bodies);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < concurrency && started < calls; i++, started++) start(multi, curl_easy_init(), url, &bodies[i]);
    int running = 1;
    while (done < calls) {
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL *easy = message->easy_handle;
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result != CURLE_OK || status != 200) failed++;
            struct body *body;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&body);
            curl_multi_remove_handle(multi, easy);
            done++;
            if (started < calls) { started++; start(multi, easy, url, body); } else curl_easy_cleanup(easy);
        }
        if (done < calls) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%.1f\n", calls / seconds);
    if (failed) { fprintf(stderr, "%ld requests failed\n", failed); return 1; }
    return 0;
}
