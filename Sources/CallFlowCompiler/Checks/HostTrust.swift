/// The `untrusted-host` check: a value the caller controls may not choose where a request goes.
///
/// The caller controls `call.*` and `contact.*` (with SIP, a header sets them), the digits a
/// CollectInput reads, and every property set from one of these. Such a value in the scheme,
/// host or port of a URL would let anyone who can place a call send the request, and the
/// secrets in its headers, to a server of their choice. API results (a pagination link) and
/// secrets are the operator's, and stay allowed.
struct HostTrust {
    let flow: Flow
    let indexOf: [String: Int]
    /// Each property that may hold a caller's value, with the fillpoint it came from.
    private var untrustedProperties: [String: String] = [:]

    init(flow: Flow, indexOf: [String: Int]) {
        self.flow = flow
        self.indexOf = indexOf
        // Properties set from properties: repeat until nothing changes (at most once a property).
        var changed = true
        while changed {
            changed = false
            for element in flow.elements {
                guard case .setProperty(let set) = element.kind, untrustedProperties[set.property] == nil else { continue }
                for case .fillpoint(let fillpoint) in set.value.parts {
                    if let origin = origin(of: fillpoint) {
                        untrustedProperties[set.property] = origin
                        changed = true
                        break
                    }
                }
            }
        }
    }

    /// The caller-controlled fillpoint a value comes from (`call.dnis`), or nil for a trusted one.
    private func origin(of fillpoint: Fillpoint) -> String? {
        guard case .name(let root)? = fillpoint.path.first else { return nil }
        if root == "call" || root == "contact" { return PathSegment.describe(fillpoint.path) }
        if let index = indexOf[root], case .collectInput = flow.elements[index].kind { return "\(root).Value" }
        return untrustedProperties[root]
    }

    func check(_ request: APIRequest, sink: DiagnosticSink) {
        enum Position { case scheme, authority, rest }
        var position = Position.scheme
        var written = ""
        for part in request.url.parts {
            switch part {
            case .text(let text):
                for character in text {
                    written.append(character)
                    switch position {
                    case .scheme where character == "/" && written.hasSuffix("://"): position = .authority
                    case .authority where character == "/" || character == "?" || character == "#": position = .rest
                    default: break
                    }
                }
            case .fillpoint(let fillpoint):
                guard position != .rest else { continue }
                // A value at the start may be a whole URL: what follows it up to a `/` is still its host.
                position = .authority
                guard let origin = origin(of: fillpoint) else { continue }
                let via = origin == PathSegment.describe(fillpoint.path) ? "" : ", which holds `\(origin)`,"
                sink.report(.untrustedHost, at: fillpoint.location,
                            "`<<\(PathSegment.describe(fillpoint.path))>>`\(via) is in the scheme, host or port of the URL, and the caller controls it: whoever places a call would choose where this request, and its secrets, go",
                            notes: ["put the caller's values in the path or in `Query`; a host that differs between deployments can come from a secret (`<<secrets.API_HOST>>`) or an API result"])
            }
        }
    }
}
