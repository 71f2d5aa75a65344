#ifndef CALLFLOW_CCURL_SHIM_H
#define CALLFLOW_CCURL_SHIM_H
#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
// These typed wrappers give Swift one entry point per argument type.

static inline CURLcode cf_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cf_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cf_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cf_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cf_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*cf_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode cf_easy_setopt_data_callback(CURL *handle, CURLoption option, cf_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode cf_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode cf_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode cf_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLSHcode cf_share_setopt_long(CURLSH *share, CURLSHoption option, long value) {
    return curl_share_setopt(share, option, value);
}

// Addresses a request redirected from a public host may not reach: loopback, private,
// link-local, shared (CGNAT), unspecified and multicast, in IPv4 and IPv6 (with IPv4-mapped).
static inline int cf_is_private_ipv4(const unsigned char *a) {
    return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254)
        || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168)
        || (a[0] == 100 && (a[1] & 0xC0) == 64) || (a[0] == 198 && (a[1] & 0xFE) == 18)
        || (a[0] == 192 && a[1] == 0 && a[2] == 0) || a[0] >= 224;
}

static inline int cf_is_private_ipv6(const unsigned char *a) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const unsigned char nat64[12] = {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char zero[12] = {0};
    // IPv4 carried in IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d, with :: and ::1),
    // NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, zero, 12) == 0 || memcmp(a, nat64, 12) == 0) return cf_is_private_ipv4(a + 12);
    if (a[0] == 0x20 && a[1] == 0x02) return cf_is_private_ipv4(a + 2);
    // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8.
    return (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0x80) == 0x80) || a[0] == 0xFF;
}

/// 1 when `host` is an IP address literal (IPv6 without brackets) in a private range, else 0.
static inline int cf_is_private_host(const char *host) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, host, bytes) == 1) return cf_is_private_ipv4(bytes);
    if (inet_pton(AF_INET6, host, bytes) == 1) return cf_is_private_ipv6(bytes);
    return 0;
}

static inline curl_socket_t cf_open_public_socket(void *refused, curlsocktype purpose, struct curl_sockaddr *address) {
    int private_address = 0;
    if (address->family == AF_INET) {
        private_address = cf_is_private_ipv4((const unsigned char *)&((struct sockaddr_in *)&address->addr)->sin_addr);
    } else if (address->family == AF_INET6) {
        private_address = cf_is_private_ipv6(((struct sockaddr_in6 *)&address->addr)->sin6_addr.s6_addr);
    }
    if (purpose == CURLSOCKTYPE_IPCXN && private_address) {
        *(int *)refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

/// With `refused` set, connections to private addresses fail and set `*refused` to 1 (a host
/// name is checked by the address it resolved to, as the socket opens); with NULL, libcurl
/// opens sockets as usual.
static inline void cf_easy_refuse_private_addresses(CURL *handle, int *refused) {
    if (refused) {
        curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, cf_open_public_socket);
        curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, (void *)refused);
    } else {
        curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, (curl_opensocket_callback)NULL);
        curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, (void *)NULL);
    }
}

#endif
