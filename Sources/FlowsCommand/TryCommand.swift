import ArgumentParser
import CallFlowCompiler
import CallFlowRuntime
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `flows try FLOW.ELEMENT`: makes one APIRequest element's request for real, as a call would,
/// prints what was sent and what came back, and says where the response no longer fits the
/// declared `Result`: the Test button of a contact-centre editor's HTTP step.
struct TryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "try",
        abstract: "Make one APIRequest element's request and show the response.",
        discussion: """
            The request goes out as in a call: its retries, timeout and rate limit, secrets from FLOW_SECRET_<NAME>, \
            logged like any request (flows logs); no alert is mailed. Values the request reads of earlier elements are \
            given with --set: a property (--set LeadField=gold), X.Status, X.Error, X.Value, or a result, whole as JSON \
            or by path (--set GETAPI.Result.Value=gold). Exits 1 when the request fails or the response does not fit \
            the declared Result (unless --update-sample rewrote the sample), 64 for a usage error.
            """
    )

    @Argument(help: ArgumentHelp("The APIRequest element, as FLOW.ELEMENT.", valueName: "flow.element"))
    var element: String

    @OptionGroup var variableOptions: VariableOptions

    @Option(name: .customLong("set"), help: ArgumentHelp("A value of an earlier element the request reads, PATH=VALUE (repeatable).", valueName: "path=value"))
    var values: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write the response, as pretty JSON, to this file.", valueName: "path"))
    var writeSample: String?

    @Flag(name: .long, help: "Write the response over the element's own ResultSample file, so the next build maps its structure.")
    var updateSample = false

    @OptionGroup var state: StateOption

    /// How much of a response body is printed.
    static let shownLines = 200
    static let shownBytes = 16 << 10

    func run(_ flows: [CompiledFlow]) async -> Int32 {
        guard let target = RequestElement.find(element, in: flows),
              let info = target.flow.requests.first(where: { $0.name == target.element }) else { return 64 }
        guard let (variables, contact, _) = variableOptions.parse() else { return 64 }
        var assignments: [(path: String, text: String)] = []
        for assignment in values {
            guard let (path, text) = VariableOptions.split(assignment), !path.isEmpty else {
                printError("flows: error: --set \(assignment): expected PATH=VALUE, such as --set LeadField=gold")
                return 64
            }
            assignments.append((path, text))
        }
        let given = GivenValues(assignments)
        let missing = info.reads.filter { !given.provides($0) }
        guard missing.isEmpty else {
            for path in missing {
                printError("flows: error: \(target.name) reads <<\(path)>>, which an earlier element sets; give it with --set \(path)=VALUE")
            }
            return 64
        }
        if updateSample, info.sample == nil {
            printError("flows: error: --update-sample: \(target.name) has no ResultSample file; write the response with --write-sample PATH and name it in ResultSample")
            return 64
        }

        guard let store = state.open() else { return 1 }
        let secrets = VariableOptions.secrets(of: target.flow)
        let redact = Redactor(secrets: secrets.values)
        let recorder = RecordingTransport(HTTPClient())
        let events = Mutex<[CallEvent]>([])
        let call = Call(flow: target.flow.name, variables: variables, contact: contact, secrets: secrets, caller: ScriptedDigits([]),
                        http: recorder, store: store, mailer: AlertMailer(serverURL: nil), sendsAlerts: false,
                        observer: { event in events.withLock { $0.append(event) } })
        guard let problems = await target.flow.tryRequest(target.element, on: call, given: given) else { return 64 }
        guard problems.isEmpty else {
            for problem in problems { printError("flows: error: \(problem)") }
            return 64
        }
        // A request not waited for (`ParseResponse: false`) completes here.
        await call.end("TRY")
        for path in given.unused {
            let guess = Suggestion.closest(to: path, in: info.reads).map { "; did you mean \($0)?" } ?? ""
            printError("flows: warning: --set \(path): no request of \(target.flow.name) reads it\(guess)")
        }
        await store.flush()

        let record = events.withLock { $0 }.compactMap { event -> CallEvent.RequestRecord? in
            if case .request(let record) = event, record.element == target.element { record } else { nil }
        }.last
        for exchange in recorder.exchanges { show(exchange, redact) }
        guard let record else { return 1 }
        let body = recorder.exchanges.last.flatMap { exchange -> JSONValue? in
            guard case .success(let response) = exchange.result else { return nil }
            return try? JSONParser.parse(response.body)
        }
        var status: Int32 = 0
        if let error = record.error, !error.hasPrefix("Response structure changed") {
            printError("flows: error: \(target.name) failed: \(error)")
            status = 1
        }
        if let shape = info.result, let body, status == 0 {
            let differences = shape.differences(from: body)
            if !differences.isEmpty {
                Terminal.out("")
                Terminal.out("JSON structure change detected: the response does not fit the Result of \(target.name)")
                for difference in differences { Terminal.out(Terminal.printable("  \(difference)")) }
                status = updateSample ? 0 : 1
            }
        }
        if writeSample != nil || updateSample {
            // Only a response the request accepted becomes a sample: not a 401's or a 500's body.
            if let error = record.error, !error.hasPrefix("Response structure changed") {
                printError("flows: error: the request failed, so no sample was written")
                return 1
            }
            guard let body else {
                printError("flows: error: the response is not JSON, so no sample was written")
                return 1
            }
            for path in [writeSample, updateSample ? info.sample : nil].compactMap({ $0 }) {
                // Secrets as `***`: a sample is committed, and a response may echo a token.
                guard write(redact(body.prettyText) + "\n", to: path) else {
                    printError("flows: error: cannot write \(path)" + (path == info.sample ? "; run flows try from the package's folder, where the ResultSample path starts" : ""))
                    return 1
                }
                Terminal.out("Wrote the response to \(path)" + (path == info.sample ? "; the next build maps its structure" : ""))
            }
        }
        return status
    }

    /// One hop as it went: the request as sent, the response as it came, secrets as `***`.
    private func show(_ exchange: RecordingTransport.Exchange, _ redact: Redactor) {
        var lines = ["> \(exchange.request.method.rawValue) \(redact(exchange.request.url))"]
        lines += exchange.request.headers.map { "> \($0.name): \(redact($0.value))" }
        if let body = exchange.request.body { lines += ["", redact(String(decoding: body, as: UTF8.self))] }
        lines.append("")
        switch exchange.result {
        case .failure(let failure):
            lines.append("< (no response: \(redact(failure.message)))")
        case .success(let response):
            lines.append("< \(response.status)")
            lines += response.headers.map { "< \($0.name): \(redact($0.value))" }
            let text = (try? JSONParser.parse(response.body)).map(\.prettyText) ?? String(decoding: response.body, as: UTF8.self)
            if !text.isEmpty { lines += ["", redact(Self.capped(text))] }
        }
        Terminal.out(Terminal.printable(lines.joined(separator: "\n"), keepingLines: true))
        Terminal.out("")
    }

    /// At most `shownLines` lines and `shownBytes` bytes, with what was left out said.
    static func capped(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var shown = lines.prefix(shownLines).joined(separator: "\n")
        if shown.utf8.count > shownBytes { shown = String(decoding: shown.utf8.prefix(shownBytes), as: UTF8.self) }
        let left = text.utf8.count - shown.utf8.count
        return left > 0 ? shown + "\n… (\(left) more bytes not shown)" : shown
    }

    private func write(_ text: String, to path: String) -> Bool {
        guard let file = fopen(path, "w") else { return false }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, file)
        return fclose(file) == 0 && written == bytes.count
    }
}

/// Sends through another transport and keeps every exchange, redirects included, for
/// `flows try` to show.
final class RecordingTransport: HTTPTransport {
    struct Exchange: Sendable {
        var request: PreparedRequest
        var result: Result<HTTPResponse, HTTPFailure>
    }

    private let base: any HTTPTransport
    private let record = Mutex<[Exchange]>([])

    init(_ base: any HTTPTransport) {
        self.base = base
    }

    var exchanges: [Exchange] { record.withLock { $0 } }

    func send(_ request: PreparedRequest, element: String, timeoutMilliseconds: Int) async -> Result<HTTPResponse, HTTPFailure> {
        let result = await base.send(request, element: element, timeoutMilliseconds: timeoutMilliseconds)
        record.withLock { $0.append(Exchange(request: request, result: result)) }
        return result
    }
}
