/// Turns a `RequestPlan` into the request to send: secrets read, every value encoded for where
/// it stands (FLOW-LANGUAGE.md §4), and everything that must not be sent refused before
/// anything is.
struct RequestBuilder {
    /// The flow's secrets by name, as found in the environment.
    let secrets: [String: String]

    /// Why a request was not sent; the message is the request's error.
    struct Problem: Error {
        var message: String
    }

    private enum Place { case query, header, body }

    func prepare(_ plan: RequestPlan) -> Result<PreparedRequest, Problem> {
        do throws(Problem) {
            var url = try renderURL(plan.url)
            if !plan.query.isEmpty {
                var query: [String] = []
                for item in plan.query { query.append(Encoding.formEncoded(item.name) + "=" + (try render(item.value, place: .query))) }
                url += (url.contains("?") ? "&" : "?") + query.joined(separator: "&")
            }
            guard Self.isAllowed(url) else {
                return .failure(Problem(message: "Refused: only https:// URLs, or http:// to a loopback host, may be requested"))
            }
            var headers: [HTTPHeader] = []
            var secretHeaders: Set<String> = []
            for header in plan.headers {
                let value = try render(header.value, place: .header)
                // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
                guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                    return .failure(Problem(message: "Header \(header.name) would contain a line break; nothing was sent"))
                }
                headers.append(HTTPHeader(name: header.name, value: value))
                if Self.holdsSecret(header.value) { secretHeaders.insert(header.name.lowercased()) }
            }
            var body: [UInt8]?
            var bodyHoldsSecret = false
            var impliedType: String?
            switch plan.body {
            case .json(let fields):
                var root = JSONBody.object([])
                for field in fields {
                    let text = try render(field.value, place: .body)
                    guard let value = JSONBody.value(try withSecrets(field.value), text: text, format: field.format) else {
                        let name = field.path.joined(separator: ".")
                        return .failure(Problem(message: "Body field `\(name)` is sent as a number, but `\(text)` is not one (an integer or a decimal with a dot); nothing was sent"))
                    }
                    root = root.inserting(value, at: field.path[...])
                    bodyHoldsSecret = bodyHoldsSecret || Self.holdsSecret(field.value)
                }
                body = Array(root.text.utf8)
                impliedType = "application/json"
            case .form(let fields):
                var pairs: [(String, String)] = []
                for field in fields {
                    pairs.append((field.name, try render(field.value, place: .body)))
                    bodyHoldsSecret = bodyHoldsSecret || Self.holdsSecret(field.value)
                }
                body = Array(Encoding.form(pairs).utf8)
                impliedType = "application/x-www-form-urlencoded"
            case .raw(let pieces):
                body = Array(try render(pieces, place: .body).utf8)
                bodyHoldsSecret = Self.holdsSecret(pieces)
                // Not libcurl's default, which would call any text a form.
                impliedType = "text/plain; charset=utf-8"
            case nil:
                break
            }
            if let contentType = plan.contentType {
                headers.removeAll { $0.name.lowercased() == "content-type" }
                headers.append(HTTPHeader(name: "Content-Type", value: try render(contentType, place: .header)))
            } else if let impliedType, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(HTTPHeader(name: "Content-Type", value: impliedType))
            }
            if plan.waitsForResponse, !headers.contains(where: { $0.name.lowercased() == "accept" }) {
                headers.append(HTTPHeader(name: "Accept", value: "application/json"))
            }
            return .success(PreparedRequest(method: plan.method, url: url, headers: headers, body: body,
                                            secretHeaders: secretHeaders, bodyHoldsSecret: bodyHoldsSecret))
        } catch {
            return .failure(error)
        }
    }

    /// The URL as far as it can be built, for the report of a request that was refused.
    func urlForReport(_ plan: RequestPlan) -> String {
        (try? renderURL(plan.url)) ?? ""
    }

    /// The URL of a template (see `URLWriter`).
    private func renderURL(_ pieces: [TemplatePiece]) throws(Problem) -> String {
        var writer = URLWriter()
        for piece in pieces {
            switch piece {
            case .text(let text): try writer.structure(text)
            case .value(let value): try writer.value(value, source: "a fillpoint")
            case .fillpoint(let value, let source): try writer.value(value, source: "<<\(source)>>")
            case .json(let json): try writer.value(FlowText.text(json), source: "a fillpoint")
            case .secret(let name): try writer.value(try secret(name), source: "<<secrets.\(name)>>", isSecret: true)
            }
        }
        return try writer.finish()
    }

    /// The template as text for `place`, secrets read and values encoded. In a query value the
    /// flow's own text is form-encoded too: it is a value, not a piece of a URL.
    private func render(_ pieces: [TemplatePiece], place: Place) throws(Problem) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += place == .query ? Encoding.formEncoded(text) : text
            case .value(let value), .fillpoint(let value, _): out += encode(value, place)
            case .json(let value): out += encode(FlowText.text(value), place)
            case .secret(let name): out += encode(try secret(name), place)
            }
        }
        return out
    }

    /// The template as plain text, secrets read (the credentials of an SMS action's Basic
    /// authorisation).
    func text(_ pieces: [TemplatePiece]) throws(Problem) -> String {
        try render(pieces, place: .body)
    }

    private func withSecrets(_ pieces: [TemplatePiece]) throws(Problem) -> [TemplatePiece] {
        var out: [TemplatePiece] = []
        for piece in pieces {
            if case .secret(let name) = piece { out.append(.value(try secret(name))) } else { out.append(piece) }
        }
        return out
    }

    private func encode(_ value: String, _ place: Place) -> String {
        place == .query ? Encoding.formEncoded(value) : value
    }

    private func secret(_ name: String) throws(Problem) -> String {
        guard let value = secrets[name], !value.isEmpty else {
            throw Problem(message: "Missing secret \(name): set the environment variable FLOW_SECRET_\(name)")
        }
        return value
    }

    private static func holdsSecret(_ pieces: [TemplatePiece]) -> Bool {
        pieces.contains(where: \.isSecret)
    }

    /// https anywhere; http only to loopback (FLOW-LANGUAGE.md §3).
    static func isAllowed(_ url: String) -> Bool {
        // On the bytes, without lowercased copies: this runs for every request.
        var url = url
        return url.withUTF8 { bytes in
            func lowercase(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
            func equals(_ slice: UnsafeBufferPointer<UInt8>.SubSequence, _ text: StaticString) -> Bool {
                slice.count == text.utf8CodeUnitCount && zip(slice, 0...).allSatisfy { lowercase($0) == text.utf8Start[$1] }
            }
            if bytes.count >= 8, equals(bytes[..<8], "https://") { return true }
            guard bytes.count >= 7, equals(bytes[..<7], "http://") else { return false }
            let authority = bytes[7...].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
            var host = authority.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false).last ?? authority
            if host.first == UInt8(ascii: "[") {
                return equals(host.prefix { $0 != UInt8(ascii: "]") }, "[::1")
            }
            if let colon = host.firstIndex(of: UInt8(ascii: ":")) { host = host[..<colon] }
            if equals(host, "localhost") { return true }
            let octets = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            return octets.count == 4 && equals(octets[0], "127")
                && octets.allSatisfy { $0.count >= 1 && $0.count <= 3 && $0.allSatisfy { $0 >= 48 && $0 <= 57 } && Int(String(decoding: $0, as: UTF8.self))! <= 255 }
        }
    }
}

/// Writes a URL from a template's pieces. A value at the start (a whole URL from an API result,
/// say) is used as it is, and the URL rules check the result; in the host or port it keeps only
/// what a host or port may hold (`Encoding.hostEncoded`); in the path it is
/// percent-encoded, and may not make a path segment empty, `.` or `..` (servers decode
/// `%2E%2E`, so encoding alone would not keep it from climbing the path).
private struct URLWriter {
    private enum Position { case scheme, authority, path, queryOrFragment }
    private var position = Position.scheme
    /// The last two bytes of the scheme position, to see `://`.
    private var lastTwo: (UInt8, UInt8) = (0, 0)
    private var out = ""
    /// The path segment being written: its text before encoding, and the first fillpoint in it.
    private var segment = ""
    private var segmentSource: String?

    /// Text that shapes the URL: the flow's own, or a value before the path starts. Scans the
    /// bytes, since every byte that moves the position is ASCII.
    mutating func structure(_ text: String) throws(RequestBuilder.Problem) {
        let bytes = text.utf8
        var segmentStart: String.Index? = position == .path ? bytes.startIndex : nil
        scan: for index in bytes.indices {
            let byte = bytes[index]
            switch position {
            case .scheme:
                if byte == UInt8(ascii: "/"), lastTwo == (UInt8(ascii: ":"), UInt8(ascii: "/")) { position = .authority }
                lastTwo = (lastTwo.1, byte)
            case .authority:
                if byte == UInt8(ascii: "/") {
                    position = .path
                    segmentStart = bytes.index(after: index)
                } else if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") {
                    position = .queryOrFragment
                    break scan
                }
            case .path:
                guard byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") else { continue }
                segment += text[segmentStart!..<index]
                try endSegment()
                segmentStart = bytes.index(after: index)
                if byte != UInt8(ascii: "/") {
                    position = .queryOrFragment
                    break scan
                }
            case .queryOrFragment:
                break scan
            }
        }
        if position == .path, let segmentStart { segment += text[segmentStart...] }
        out += text
    }

    /// A fillpoint's value; `source` names it in errors (`<<call.leadid>>`).
    mutating func value(_ value: String, source: String, isSecret: Bool = false) throws(RequestBuilder.Problem) {
        switch position {
        case .scheme:
            try structure(value)
        case .authority:
            // After a written `scheme://`, a value names a host or port and cannot add a `@`, a
            // `/` or a `?` that would move the request elsewhere; a secret here is a password.
            try structure(isSecret ? Encoding.percentEncoded(value) : Encoding.hostEncoded(value))
        case .path:
            out += Encoding.percentEncoded(value)
            segment += value
            segmentSource = segmentSource ?? source
        case .queryOrFragment:
            out += Encoding.percentEncoded(value)
        }
    }

    mutating func finish() throws(RequestBuilder.Problem) -> String {
        if position == .path { try endSegment() }
        return out
    }

    /// A value's `/` and `\` are encoded, but a server or proxy that decodes `%2F` would see
    /// `../admin` as two steps: a `.` or `..` between them is refused too.
    private mutating func endSegment() throws(RequestBuilder.Problem) {
        defer { segment = ""; segmentSource = nil }
        guard let source = segmentSource else { return }
        let steps = segment.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
        guard segment.isEmpty || steps.contains(where: { $0 == "." || $0 == ".." }) else { return }
        let what = segment.isEmpty ? "be empty" : steps.count == 1 ? "be `\(segment)`" : "hold a `.` or `..` step (`\(segment)`)"
        throw RequestBuilder.Problem(message: "The URL path segment of \(source) would \(what); nothing was sent")
    }
}
