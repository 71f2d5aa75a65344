import CCurl

/// A URL taken apart by libcurl's URL API, the same parser that sends the request: its
/// scheme, host and port, and relative references resolved against it.
struct URLParts: Sendable, Equatable {
    /// The whole URL, normalized by libcurl.
    var url: String
    /// Lowercased, such as `https`.
    var scheme: String
    /// Without the brackets of an IPv6 literal.
    var host: String
    /// The port, the scheme's default when the URL names none.
    var port: Int

    /// Parses an absolute http or https URL; nil when libcurl cannot.
    init?(_ text: String) {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, text, 0) == CURLUE_OK, let parts = Self.read(handle) else { return nil }
        self = parts
    }

    private init(url: String, scheme: String, host: String, port: Int) {
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `reference` (a `Location` header: absolute, `//host/…`, `/path`, `path` or `?query`)
    /// resolved against this URL; nil when it is not a URL.
    func resolving(_ reference: String) -> URLParts? {
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK,
              curl_url_set(handle, CURLUPART_URL, reference, 0) == CURLUE_OK else { return nil }
        return Self.read(handle)
    }

    /// Whether both have the same scheme, host and port (RFC 6454's origin).
    func isSameOrigin(as other: URLParts) -> Bool {
        scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
    }

    /// `localhost`, `127.0.0.0/8` or `::1`: where `http://` is allowed.
    var isLoopback: Bool {
        let host = host.lowercased()
        return host == "localhost" || Self.isLoopbackAddress(host)
    }

    /// Whether an IP address (as libcurl writes it) is `127.0.0.0/8` or `::1`.
    static func isLoopbackAddress(_ host: String) -> Bool {
        if host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } && UInt8($0) != nil }
    }

    /// Loopback, or an address literal in a private, link-local or similar range. A host name
    /// is checked by its address when the connection opens (`refusesPrivateAddresses`).
    var isPrivateAddress: Bool {
        isLoopback || cf_is_private_host(host) != 0
    }

    private static func read(_ handle: OpaquePointer) -> URLParts? {
        func part(_ which: CURLUPart, _ flags: Int32 = 0) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, UInt32(flags)) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        guard let url = part(CURLUPART_URL), let scheme = part(CURLUPART_SCHEME)?.lowercased(),
              scheme == "http" || scheme == "https", var host = part(CURLUPART_HOST),
              let port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT).flatMap({ Int($0) }) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return URLParts(url: url, scheme: scheme, host: host, port: port)
    }
}
