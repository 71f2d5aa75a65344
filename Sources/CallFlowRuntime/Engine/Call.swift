import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One call in progress: the context generated flow code runs against. Every step it takes
/// is reported as a `CallEvent`, with the flow's secrets redacted.
public actor Call {
    public nonisolated let variables: CallVariables
    public nonisolated let contact: ContactVariables
    private let secrets: [String: String]
    private let redactions: [String]
    private let digits: any DigitSource
    private let http: HTTPClient
    private let observer: @Sendable (CallEvent) -> Void
    private var background: [Task<Void, Never>] = []
    private let steps = Atomic<Int>(0)

    /// - Parameters:
    ///   - secrets: the secret names the flow declares, with the values found for them.
    public init(variables: CallVariables, contact: ContactVariables, secrets: [String: String], digits: any DigitSource,
                http: HTTPClient, observer: @escaping @Sendable (CallEvent) -> Void) {
        self.variables = variables
        self.contact = contact
        self.secrets = secrets
        // A secret may appear as written or encoded for a URL or a form.
        self.redactions = secrets.values.filter { !$0.isEmpty }
            .flatMap { [$0, Encoding.percentEncoded($0), Encoding.formEncoded($0)] }
            .sorted { $0.count > $1.count }
        self.digits = digits
        self.http = http
        self.observer = observer
    }

    // Reporting an event reads only constants, so it needs no isolation: generated code calls
    // these without `await`, which keeps suspension points (and compile time) to requests and
    // input.
    private nonisolated func emit(_ event: CallEvent) {
        observer(event.redacting(redactions))
    }

    /// Counts a step; false once the call has run `FlowLimits.maximumSteps` elements.
    public nonisolated func step() -> Bool {
        steps.add(1, ordering: .relaxed).newValue <= FlowLimits.maximumSteps
    }

    public nonisolated func enter(_ element: String, type: String) { emit(.enter(element: element, type: type)) }
    public nonisolated func say(_ element: String, _ text: String) { emit(.say(element: element, text: text)) }
    public nonisolated func play(_ element: String, _ files: [String]) { emit(.play(element: element, files: files)) }
    public nonisolated func set(_ element: String, property: String, value: String) { emit(.set(element: element, property: property, value: value)) }
    public nonisolated func branch(_ element: String, goto: String) { emit(.branch(element: element, goto: goto)) }
    public nonisolated func transfer(_ element: String, to: String) { emit(.transfer(element: element, to: to)) }

    /// Prompts and reads digits; nil when none came after every retry.
    public func collect(_ element: String, prompt: String, files: [String], minDigits: Int, maxDigits: Int, retries: Int) async -> String? {
        var result: String?
        for _ in 0...retries {
            if !prompt.isEmpty { emit(.say(element: element, text: prompt)) }
            if !files.isEmpty { emit(.play(element: element, files: files)) }
            if let entered = await digits.nextDigits(element: element, prompt: prompt) {
                let kept = String(entered.filter { $0.isASCII && ($0.isNumber || $0 == "*") }.prefix(maxDigits))
                if kept.count >= minDigits {
                    result = kept
                    break
                }
            }
        }
        emit(.collect(element: element, digits: result ?? ""))
        return result
    }

    /// Ends the call: waits for requests still running in the background, then reports the end.
    public func end(_ resultCode: String) async {
        for task in background { await task.value }
        background.removeAll()
        emit(.end(resultCode: resultCode))
    }

    // MARK: - Requests

    /// What a request gave: the status (0 when no response came), the failure text, and the
    /// decoded result on success.
    public struct Outcome<Value: Sendable>: Sendable {
        public var status: Int
        public var error: String?
        public var value: Value?
        public var succeeded: Bool { error == nil }
    }

    /// Makes a request and waits for it; a failure is data, never a throw.
    public func request(_ element: String, _ plan: RequestPlan) async -> Outcome<Void> {
        let outcome = await perform(element, plan, decode: nil as ((JSONValue) throws(ResponseShapeError) -> Void)?)
        return Outcome(status: outcome.status, error: outcome.error, value: outcome.error == nil ? () : nil)
    }

    /// Makes a request whose JSON response is decoded as the element's declared `Result`.
    public func request<Value: Sendable>(_ element: String, _ plan: RequestPlan, decode: @escaping (JSONValue) throws(ResponseShapeError) -> Value) async -> Outcome<Value> {
        await perform(element, plan, decode: decode)
    }

    /// `ParseResponse: false`: the request goes out and the flow goes on at once. It still
    /// completes (or times out) and is reported.
    public func send(_ element: String, _ plan: RequestPlan) {
        background.append(Task { _ = await self.perform(element, plan, decode: nil as ((JSONValue) throws(ResponseShapeError) -> Void)?) })
    }

    private func perform<Value>(_ element: String, _ plan: RequestPlan, decode: ((JSONValue) throws(ResponseShapeError) -> Value)?) async -> Outcome<Value> {
        let clock = ContinuousClock()
        let started = clock.now
        var record = CallEvent.RequestRecord(element: element, method: plan.method.rawValue, url: "", status: 0, attempts: 0, milliseconds: 0, error: nil)
        func finish(_ status: Int, _ error: String?, _ value: Value?) -> Outcome<Value> {
            record.status = status
            record.error = error
            record.milliseconds = Int((clock.now - started) / .milliseconds(1))
            emit(.request(record))
            return Outcome(status: status, error: error, value: error == nil ? value : nil)
        }

        let prepared: PreparedRequest
        switch prepare(plan) {
        case .failure(let problem):
            record.url = (try? render(plan.url, place: .url)) ?? ""
            return finish(0, problem.message, nil)
        case .success(let request):
            prepared = request
        }
        record.url = prepared.url

        let deadline = started + .seconds(plan.timeout)
        var lastStatus = 0
        var lastError: String?
        var body: [UInt8] = []
        for attempt in 0...plan.retries {
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                lastError = lastError.map { "\($0); then timed out" } ?? "Timed out after \(plan.timeout) s"
                break
            }
            record.attempts = attempt + 1
            let result = await http.send(prepared, timeoutMilliseconds: Int(remaining / .milliseconds(1)))
            var mayRetry = false
            switch result {
            case .success(let response):
                lastStatus = response.status
                body = response.body
                lastError = plan.isSuccess(response.status) ? nil : "HTTP status \(response.status)"
                mayRetry = response.status == 429 || (500...599).contains(response.status)
            case .failure(let failure):
                lastStatus = 0
                lastError = failure.message
                mayRetry = failure.isTransient
            }
            guard lastError != nil, mayRetry, attempt < plan.retries else { break }
            // Exponential backoff with jitter, never past the budget.
            let backoff = Duration.milliseconds(Int(Double(100 << attempt) * Double.random(in: 0.5...1.5)))
            let left = deadline - clock.now
            guard left > backoff else { break }
            try? await Task.sleep(for: backoff)
        }
        if let error = lastError { return finish(lastStatus, error, nil) }
        guard let decode else { return finish(lastStatus, nil, nil) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            return finish(lastStatus, "Response is not JSON", nil)
        }
        do {
            return finish(lastStatus, nil, try decode(json))
        } catch {
            return finish(lastStatus, error.description, nil)
        }
    }

    // MARK: - Encoding a plan

    private enum Place { case url, query, header, body }

    private struct Problem: Error {
        var message: String
    }

    private func prepare(_ plan: RequestPlan) -> Result<PreparedRequest, Problem> {
        do throws(Problem) {
            var url = try render(plan.url, place: .url)
            if !plan.query.isEmpty {
                var query: [String] = []
                for item in plan.query { query.append(Encoding.formEncoded(item.name) + "=" + (try render(item.value, place: .query))) }
                url += (url.contains("?") ? "&" : "?") + query.joined(separator: "&")
            }
            guard Self.isAllowed(url) else {
                return .failure(Problem(message: "Refused: only https:// URLs, or http:// to a loopback host, may be requested"))
            }
            var headers: [(name: String, value: String)] = []
            for header in plan.headers {
                let value = try render(header.value, place: .header)
                // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
                guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
                    return .failure(Problem(message: "Header \(header.name) would contain a line break; nothing was sent"))
                }
                headers.append((header.name, value))
            }
            var body: [UInt8]?
            var impliedType: String?
            switch plan.body {
            case .json(let fields):
                var root = JSONValue.object([])
                for field in fields {
                    let text = try render(field.value, place: .body)
                    root = Self.inserting(Encoding.bodyValue(try withSecrets(field.value), text: text, format: field.format), at: field.path[...], into: root)
                }
                body = Array(root.compactText.utf8)
                impliedType = "application/json"
            case .form(let fields):
                var pairs: [(String, String)] = []
                for field in fields { pairs.append((field.name, try render(field.value, place: .body))) }
                body = Array(Encoding.form(pairs).utf8)
                impliedType = "application/x-www-form-urlencoded"
            case .raw(let pieces):
                body = Array(try render(pieces, place: .body).utf8)
            case nil:
                break
            }
            if let contentType = plan.contentType {
                headers.removeAll { $0.name.lowercased() == "content-type" }
                headers.append(("Content-Type", try render(contentType, place: .header)))
            } else if let impliedType, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(("Content-Type", impliedType))
            }
            if plan.waitsForResponse, !headers.contains(where: { $0.name.lowercased() == "accept" }) {
                headers.append(("Accept", "application/json"))
            }
            return .success(PreparedRequest(method: plan.method, url: url, headers: headers, body: body))
        } catch {
            return .failure(error)
        }
    }

    /// The template as text for `place`, secrets read and values encoded.
    private func render(_ pieces: [TemplatePiece], place: Place) throws(Problem) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let value): out += encode(value, place)
            case .json(let value): out += encode(FlowText.text(value), place)
            case .secret(let name): out += encode(try secret(name), place)
            }
        }
        return out
    }

    private func withSecrets(_ pieces: [TemplatePiece]) throws(Problem) -> [TemplatePiece] {
        var out: [TemplatePiece] = []
        for piece in pieces {
            if case .secret(let name) = piece { out.append(.value(try secret(name))) } else { out.append(piece) }
        }
        return out
    }

    private func encode(_ value: String, _ place: Place) -> String {
        switch place {
        case .url: Encoding.percentEncoded(value)
        case .query: Encoding.formEncoded(value)
        case .header, .body: value
        }
    }

    private func secret(_ name: String) throws(Problem) -> String {
        guard let value = secrets[name], !value.isEmpty else {
            throw Problem(message: "Missing secret \(name): set the environment variable FLOW_SECRET_\(name)")
        }
        return value
    }

    /// https anywhere; http only to loopback (FLOW-LANGUAGE.md §3).
    static func isAllowed(_ url: String) -> Bool {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return true }
        guard lowered.hasPrefix("http://") else { return false }
        let rest = lowered.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = authority.split(separator: "@").last.map(String.init) ?? ""
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }) + "]"
        } else if let colon = host.firstIndex(of: ":") {
            host = String(host[..<colon])
        }
        if host == "localhost" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Sets `value` at a dotted path inside a JSON object, creating objects on the way.
    static func inserting(_ value: JSONValue, at path: ArraySlice<String>, into object: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var members) = object else { return value }
        let rest = path.dropFirst()
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = rest.isEmpty ? value : inserting(value, at: rest, into: members[index].value)
        } else {
            members.append((key, rest.isEmpty ? value : inserting(value, at: rest, into: .object([]))))
        }
        return .object(members)
    }
}
