/// Checks of an APIRequest that need no references resolved: the URL's scheme and host, a body
/// on GET or HEAD, body formats of constants, exits that `ParseResponse: false` cannot take.
struct RequestChecks {
    let sink: DiagnosticSink

    func check(_ request: APIRequest) {
        checkURL(request)
        if let body = request.bodyLocation, request.method == .get || request.method == .head {
            sink.report(.bodyNotAllowed, at: body, "a \(request.method.rawValue) request sends no body; remove `Body`, or use POST, PUT or PATCH",
                        notes: request.method == .get ? ["to send values with a GET, put them in `Query`"] : [])
        }
        if case .fields(let fields) = request.body {
            for field in fields where field.format == .number {
                if let constant = field.value.constant, !Self.isDecimal(constant) {
                    sink.report(.typeMismatch, at: field.formatLocation ?? field.location,
                                "`\(field.key)` is sent as a number, but `\(constant)` is not one; a number is an integer or a decimal with a dot, such as `12` or `12.5`")
                }
            }
        }
        if !request.parseResponse {
            for exit in [request.onSuccess, request.onFailure].compactMap({ $0 }) {
                sink.report(.invalidValue, at: exit.location, "with `ParseResponse: false` the flow goes on at once, before success or failure is known, so `\(exit.key)` is never taken; use `Next`")
            }
        }
    }

    private func checkURL(_ request: APIRequest) {
        // Only a constant beginning can be checked here; the runtime checks the rest.
        guard case .text(let prefix)? = request.url.parts.first else { return }
        let lowered = prefix.lowercased()
        if lowered.hasPrefix("https://") { return }
        guard lowered.hasPrefix("http://") else {
            if prefix.contains("://") || request.url.parts.count == 1 {
                sink.report(.invalidValue, at: request.urlLocation, "the URL must start with `https://` (or `http://` for a loopback host); found `\(prefix.prefix(40))`")
            }
            return
        }
        let afterScheme = prefix.dropFirst("http://".count)
        let hostEnd = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" }
        let authority = hostEnd.map { afterScheme[..<$0] } ?? afterScheme
        // `http://127.0.0.1:<<port>>/…` names its host before the fillpoint; a fillpoint's value is
        // percent-encoded in a URL, so it cannot add an `@` or a `/` that would change the host.
        let hostThenPort = !authority.contains("@") && Self.host(ofAuthority: authority).count < authority.count
        let hostIsConstant = hostEnd != nil || request.url.parts.count == 1 || hostThenPort
        if hostIsConstant, Self.isLoopback(host: Self.host(ofAuthority: authority)) { return }
        sink.report(.insecureURL, at: request.urlLocation,
                    hostIsConstant
                        ? "`http://\(authority)` is not a loopback host, so this request would travel unencrypted; use `https://`"
                        : "an `http://` URL whose host comes from a fillpoint may leave this machine unencrypted; use `https://`",
                    notes: ["plain http:// is allowed only for localhost, 127.0.0.0/8 and [::1]"])
    }

    /// The host of `user@host:port`, without brackets kept off an IPv6 literal.
    static func host(ofAuthority authority: Substring) -> String {
        var rest = authority
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { return String(rest[...close]).lowercased() }
        if let colon = rest.firstIndex(of: ":") { rest = rest[..<colon] }
        return rest.lowercased()
    }

    static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// An integer or a decimal with a dot: what `Format: Number` sends.
    static func isDecimal(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("-") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
