import CCurl

/// Follows redirects hop by hop, so that every hop passes the rules the flow's own `URL` does
/// (libcurl's own following checks the first URL only).
///
/// - A hop goes to `https://`, or to `http://` on a loopback host only from `http://` on
///   loopback.
/// - A public server cannot send the request into the private network: after a hop from a
///   public address, no hop reaches a loopback or private address (an address literal is
///   refused here, a host name when it resolves to one, as `PreparedRequest.refusesPrivateAddresses`
///   says; through a proxy only literals can be checked). A hop reaches loopback only from
///   loopback. Where the last response came from is its address, when known, else its host.
/// - A hop to another origin drops `Authorization`, `Proxy-Authorization`, `Cookie` and every
///   header that holds a secret, and is refused if it would re-send a body that holds one.
/// - 303, and 301 or 302 after a POST, go on as GET without the body (HEAD stays HEAD); 307 and
///   308 repeat the method and body.
enum Redirects {
    static let maximumHops = 3
    private static let statuses: Set<Int> = [301, 302, 303, 307, 308]
    private static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]

    /// Sends `request` and the redirects that follow it within `deadline`; the final response
    /// or failure, and the URL of every hop after the first.
    static func exchange(_ request: PreparedRequest, element: String, through transport: any HTTPTransport,
                         deadline: ContinuousClock.Instant) async -> (Result<HTTPResponse, HTTPFailure>, hops: [String]) {
        let clock = ContinuousClock()
        var request = request
        var hops: [String] = []
        while true {
            let remaining = deadline - clock.now
            guard remaining > .zero else { return (.failure(HTTPFailure(message: "Timed out", isTransient: true)), hops) }
            let result = await transport.send(request, element: element, timeoutMilliseconds: remaining.milliseconds)
            guard case .success(let response) = result, statuses.contains(response.status),
                  let location = response.header("Location") else { return (result, hops) }
            guard hops.count < maximumHops else {
                return (.failure(HTTPFailure(message: "More than \(maximumHops) redirects", isTransient: false, status: response.status)), hops)
            }
            switch next(after: request, status: response.status, location: location, sourceAddress: response.address) {
            case .follow(let hop):
                hops.append(hop.url)
                request = hop
            case .refuse(let message):
                return (.failure(HTTPFailure(message: message, isTransient: false, status: response.status)), hops)
            }
        }
    }

    enum Decision {
        case follow(PreparedRequest)
        case refuse(String)
    }

    /// The request a redirect to `location` makes, or why it is refused. `sourceAddress` is the
    /// IP address the redirect came from, when known.
    static func next(after request: PreparedRequest, status: Int, location: String, sourceAddress: String? = nil) -> Decision {
        guard let from = URLParts(request.url), let to = from.resolving(location) else {
            return .refuse("Refused a redirect to something that is not an http or https URL")
        }
        if to.scheme == "http" {
            if from.scheme == "https" { return .refuse("Refused a redirect from https:// to http://") }
            guard from.isLoopback, to.isLoopback else { return .refuse("Refused a redirect to http:// on a host that is not loopback") }
        }
        let sourceIsLoopback = sourceAddress.map { URLParts.isLoopbackAddress($0) } ?? from.isLoopback
        let sourceIsPrivate = sourceAddress.map { cf_is_private_host($0) != 0 } ?? from.isPrivateAddress
        let refusesPrivate = request.refusesPrivateAddresses || !sourceIsPrivate
        if refusesPrivate, to.isPrivateAddress {
            return .refuse("Refused a redirect from a public host to a private address")
        }
        if to.isLoopback, !sourceIsLoopback {
            return .refuse("Refused a redirect to a loopback host from a host that is not loopback")
        }

        var next = request
        next.url = to.url
        next.refusesPrivateAddresses = refusesPrivate
        if status == 303 && request.method != .head || (status == 301 || status == 302) && request.method == .post {
            next.method = .get
            next.body = nil
            next.bodyHoldsSecret = false
            next.headers.removeAll { $0.name.lowercased() == "content-type" }
        }
        if !to.isSameOrigin(as: from) {
            if next.body != nil, next.bodyHoldsSecret {
                return .refuse("Refused a redirect to another origin: it would send the body, which holds a secret, there")
            }
            next.headers.removeAll { header in
                let name = header.name.lowercased()
                return credentialHeaders.contains(name) || request.secretHeaders.contains(name)
            }
            next.secretHeaders = []
        }
        return .follow(next)
    }
}
