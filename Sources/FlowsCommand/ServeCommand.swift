import ArgumentParser
import CallFlowRuntime
import CallFlowSIP
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `flows serve --sip ADDR:PORT`: answers SIP calls and runs a flow for each, until stopped:
/// speech and audio files to the caller over RTP, keys from them, BYE when the flow ends.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer SIP calls and run a flow for each.",
        discussion: """
            The flow is the one named by the called number (the INVITE's Request-URI user, as in \
            sip:DtmfMenu@host), else --flow. Speech is flite's; Phrase files are WAV files under \
            --prompts. The call ends with BYE when the flow ends. Workflows run on the calls' \
            triggers, and runs left by a process that died are taken up here.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where to listen for SIP over UDP and TCP.", valueName: "address:port"))
    var sip: String

    @Option(name: .long, help: ArgumentHelp("The address SDP announces for audio, when not the --sip address (behind NAT, or listening on 0.0.0.0).", valueName: "host"))
    var publicAddress: String?

    @Option(name: .long, help: ArgumentHelp("The UDP ports for audio.", valueName: "low-high"))
    var rtpPorts = "40000-49999"

    @Option(name: .long, help: ArgumentHelp("The flow for calls to a number (repeatable), such as +442071234567=DtmfMenu.", valueName: "user=flow"))
    var route: [String] = []

    @Option(name: .long, help: "The flow for calls whose number is not routed and names no flow.")
    var flow: String?

    @Option(name: .long, help: ArgumentHelp("The folder of the flows' audio files.", valueName: "dir"))
    var prompts = "."

    @Option(name: .long, help: "The voice of speech: kal, kal16, slt, rms or awb.")
    var voice = "kal"

    @Option(name: .long, help: ArgumentHelp("Where a Transfer sends the call: a SIP URI with {to} for its To. Default: sip:{to}@ the host and port of the caller's Contact.", valueName: "template"))
    var transferURI: String?

    @Option(name: .long, help: ArgumentHelp("Record each call as a stereo WAV in this folder (left: the caller, right: the flow), named by its Call-ID.", valueName: "dir"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp("End a call whose caller sends no audio this long (0: never).", valueName: "seconds"))
    var rtpTimeout = 60

    @Option(name: .long, help: ArgumentHelp("Let in requests from this address range (CIDR; repeatable). Default: loopback only.", valueName: "cidr"))
    var allow: [String] = []

    @Option(name: .long, help: "Calls at once; the next gets 503.")
    var maxCalls = 200

    @Option(name: .long, help: ArgumentHelp("Ring (180) this long before answering; 0 answers at once.", valueName: "ms"))
    var answerDelay = 0

    @Option(name: .long, help: "Print one JSON object a line for each event, with the call's Call-ID.")
    var trace: RunCommand.TraceFormat?

    @Option(name: .long, help: ArgumentHelp("Serve /metrics (Prometheus's text format) and /health over HTTP here.", valueName: "address:port"))
    var metrics: String?

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow], workflows: [CompiledWorkflow] = []) async -> Int32 {
        guard let (address, port) = Self.hostAndPort(sip) else {
            printError("flows: error: --sip \(sip): expected ADDRESS:PORT, such as 127.0.0.1:5080")
            return 64
        }
        let statusAddress = metrics.flatMap(Self.hostAndPort)
        if let metrics, statusAddress == nil {
            printError("flows: error: --metrics \(metrics): expected ADDRESS:PORT, such as 127.0.0.1:9464")
            return 64
        }
        if let flow, RunCommand.flow(named: flow, in: flows) == nil { return 64 }
        var routes: [String: String] = [:]
        for text in route {
            guard let (user, name) = VariableOptions.split(text), !user.isEmpty else {
                printError("flows: error: --route \(text): expected NUMBER=FLOW, such as +442071234567=DtmfMenu")
                return 64
            }
            guard RunCommand.flow(named: name, in: flows) != nil else { return 64 }
            routes[user] = name
        }
        var ranges: [AddressRange] = []
        for text in allow {
            guard let range = AddressRange(text) else {
                printError("flows: error: --allow \(text): expected an address or a CIDR range, such as 10.0.0.0/8")
                return 64
            }
            ranges.append(range)
        }
        guard answerDelay >= 0 else {
            printError("flows: error: --answer-delay \(answerDelay): expected 0 or more milliseconds")
            return 64
        }
        guard maxCalls >= 0 else {
            printError("flows: error: --max-calls \(maxCalls): expected 0 or more")
            return 64
        }
        guard rtpTimeout >= 0 else {
            printError("flows: error: --rtp-timeout \(rtpTimeout): expected 0 or more seconds")
            return 64
        }
        let bounds = rtpPorts.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] >= 1024, bounds[0] + 2 <= bounds[1], bounds[1] <= 65535 else {
            printError("flows: error: --rtp-ports \(rtpPorts): expected LOW-HIGH between 1024 and 65535, such as 40000-49999")
            return 64
        }
        let synthesizer = FliteSynthesizer()
        guard synthesizer.voices.contains(voice) else {
            printError("flows: error: --voice \(voice): flite's voices are \(synthesizer.voices.joined(separator: ", "))")
            return 64
        }
        if let transferURI, !(transferURI.lowercased().hasPrefix("sip:") || transferURI.lowercased().hasPrefix("sips:")) || transferURI.contains(where: { $0 == " " || $0 == ">" || $0 == "<" }) {
            printError("flows: error: --transfer-uri \(transferURI): expected a SIP URI, such as sip:{to}@pbx.example.com:5060")
            return 64
        }
        if address == "0.0.0.0" || address == "::", publicAddress == nil {
            printError("flows: error: --sip \(sip) listens on every address; say which one callers reach with --public-address")
            return 64
        }
        if let record {
            var info = stat()
            guard stat(record, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, access(record, W_OK) == 0 else {
                printError("flows: error: --record \(record): not a folder this process can write to")
                return 64
            }
        }
        let library = PromptLibrary(directory: prompts, synthesizer: synthesizer, defaultVoice: voice)
        let speech = Self.checkSpeech(of: flows, library: library)
        for warning in speech.warnings { printError("flows: warning: " + warning) }
        guard speech.errors.isEmpty else {
            let count = speech.errors.count == 1 ? "an audio file" : "\(speech.errors.count) audio files"
            printError("flows: error: \(count) the flows play cannot be read (--prompts \(prompts)):")
            for error in speech.errors { printError("  " + error) }
            return 1
        }
        guard let store = state.open() else { return 1 }
        let admission = Admission(flows: Set(flows.map(\.name)).union(routes.keys), fallback: flow, allowed: ranges.isEmpty ? AddressRange.loopback : ranges,
                                  maxCalls: maxCalls)
        let serveMetrics = statusAddress.map { _ in ServeMetrics() }
        let server: SIPServer
        do {
            var options = SIPServer.Options(address: address, port: port)
            options.publicAddress = publicAddress
            options.answerDelay = .milliseconds(answerDelay)
            options.rtpPorts = bounds[0]...bounds[1]
            options.rtpTimeout = rtpTimeout == 0 ? nil : .seconds(rtpTimeout)
            options.recordDirectory = record
            options.statusAddress = statusAddress
            server = try SIPServer(options, admission: { admission.decide($0) }, ended: { admission.ended() }, status: { path in
                serveMetrics?.answer(path, draining: admission.isDraining) ?? (404, "")
            })
        } catch {
            printError("flows: error: \(error)")
            return 1
        }
        serveMetrics?.watch(server)
        printError("flows: answering SIP calls on \(sip)" + (metrics.map { "; metrics on http://\($0)/metrics" } ?? ""))
        let stopping = GracefulStop(server: server, admission: admission, bound: Self.drainBound)
        stopping.listen()
        let http = HTTPClient()
        let mailer = AlertMailer.fromEnvironment
        let calls = CallsInProgress()
        // Every line about a call is printed from one queue, in the order it was told: keys
        // come from the SIP server's thread, which must never wait for the output, and events
        // from the calls' tasks.
        let printer = DispatchQueue(label: "CallFlow.serve.output")
        let workflowTranscript = TranscriptOutput(showsProgress: false, print: { Terminal.out("[workflows] " + $0) })
        let runner = WorkflowRunner.forCalls(workflows, store: store, http: http) { report in
            printer.async { if trace == .json { Terminal.out(report.json) } else { workflowTranscript.write(report) } }
        }
        let maintenance = runner.map { Self.maintain($0, store: store) }
        let triggersOfCall = Mutex<[UInt64: CallTriggers]>([:])
        // Every call's flow runs in the group; the command ends once the server has stopped
        // and every flow has ended.
        await withDiscardingTaskGroup { group in
        for await event in server.events {
            switch event {
            case .answered(let line):
                let (id, to, from, callID) = (line.id, line.to, line.from, line.callID)
                let output = Self.output(trace: trace, callID: callID, on: printer)
                // Admission let in only numbers that name a flow, unless there is a --flow.
                let name = routes[to] ?? (flows.contains { $0.name == to } ? to : flow)
                guard let flowType = flows.first(where: { $0.name == name }) else {
                    line.hangUp()
                    continue
                }
                output(#"{"event":"answer","flow":\#(Self.quoted(flowType.name)),"from":\#(Self.quoted(from)),"to":\#(Self.quoted(to))}"#,
                       "answered: \(flowType.name), from \(from.isEmpty ? "(unknown)" : from) to \(to)")
                line.observeKeys { key, masked in
                    let digit = masked ? "*" : String(key)
                    output(#"{"event":"dtmf","digit":\#(Self.quoted(digit))}"#, "pressed \(digit)")
                }
                calls.started(id)
                serveMetrics?.callAnswered()
                let variables = InviteVariables(to: to, from: from, headers: line.headers)
                let triggers = runner.map { CallTriggers(runner: $0, flow: flowType.name, variables: variables.call, contact: variables.contact, callID: callID) }
                if let triggers { triggersOfCall.withLock { $0[id] = triggers } }
                triggers?.callStarted()
                let transcript = TranscriptOutput(showsProgress: false, print: { Terminal.out("[\(callID.prefix(12))] " + $0) })
                group.addTask {
                    // What goes wrong beside the flow is told as a warning of the element running.
                    let element = Mutex("")
                    let write: @Sendable (CallEvent) -> Void = { event in
                        if trace == .json { output(event.json, nil) } else { printer.async { transcript.write(event) } }
                    }
                    let caller = SIPCaller(line: line, prompts: library, transferURI: transferURI, warn: { message in
                        write(.warning(element: element.withLock { $0 }, message: message))
                    })
                    for problem in variables.ignored { write(.warning(element: "", message: "ignored \(problem)")) }
                    let call = Call(flow: flowType.name, variables: variables.call, contact: variables.contact, secrets: VariableOptions.secrets(of: flowType),
                                    caller: caller, http: http, store: store, mailer: mailer, observer: { event in
                                        if case .enter(let name, _) = event { element.withLock { $0 = name } }
                                        triggers?.observe(event)
                                        write(event)
                                    })
                    // The flow runs in a task of its own, cancelled when the caller hangs up: a
                    // request it awaits is abandoned (one it does not await goes on).
                    let flowTask = Task {
                        let resultCode = await flowType.run(on: call)
                        // The call's workflow runs are recorded before its end is told.
                        await triggers?.callEnded(resultCode)
                        await call.end(resultCode)
                        return resultCode
                    }
                    line.onClose { flowTask.cancel() }
                    let resultCode = await flowTask.value
                    serveMetrics?.callEnded(flow: flowType.name, resultCode: resultCode)
                    line.hangUp()
                }
            case .closed(let id, let by, let reason, let callID, let recording):
                let triggers = triggersOfCall.withLock { $0.removeValue(forKey: id) }
                if let triggers, let recording {
                    Task { await triggers.recordingUploaded(file: recording.file, seconds: recording.seconds) }
                }
                // Only an answered call has a story to end.
                guard calls.ended(id) else { continue }
                Self.output(trace: trace, callID: callID, on: printer)(
                    #"{"event":"hangup","by":\#(Self.quoted(by)),"reason":\#(Self.quoted(reason))}"#, "hung up by the \(by): \(reason)")
            }
        }
        }
        // Runs still going are left to their leases: the next process takes them up.
        maintenance?.cancel()
        await store.flush()
        printer.sync {}
        printError("flows: stopped")
        return 0
    }

    /// `HOST:PORT` (an IPv6 host in brackets or not); nil when it is not one.
    static func hostAndPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return nil
        }
        let host = text[..<colon]
        return (host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : String(host), port)
    }

    /// Moves runs from this machine's spool to the store (Redis was away when they came), takes
    /// up runs that other processes left (their lease ended) every half lease, and deletes
    /// runs past the retention period (`FLOW_WORKFLOW_RETENTION_DAYS`) at start and hourly.
    static func maintain(_ runner: WorkflowRunner, store: any StateStore) -> Task<Void, Never> {
        Task {
            let clock = ContinuousClock()
            var nextPurge = clock.now
            while !Task.isCancelled {
                if clock.now >= nextPurge {
                    nextPurge = clock.now + .seconds(3600)
                    do {
                        let deleted = try await store.purgeRuns(createdBefore: WallClock.now() - WorkflowsCommand.retentionDays * 86_400)
                        if deleted > 0 { printError("flows: deleted \(deleted) workflow run\(deleted == 1 ? "" : "s") older than \(FlowText.number(WorkflowsCommand.retentionDays)) days") }
                    } catch {
                        printError("flows: warning: old workflow runs could not be deleted: \(error)")
                    }
                }
                await runner.forwardSpool()
                await runner.resumeExpired()
                try? await Task.sleep(for: .milliseconds(Int(max(0.5, runner.leaseSeconds / 2) * 1000)))
            }
        }
    }

    /// How long a stopping server lets its calls in progress go on before it hangs them up.
    static let drainBound: Duration = .seconds(60)

    /// What the flows will say and play, checked before any call: every constant audio file
    /// must be readable (an error each, with the flows that play it); voices flite lacks and
    /// languages other than English are warnings.
    static func checkSpeech(of flows: [CompiledFlow], library: PromptLibrary) -> (warnings: [String], errors: [String]) {
        var warnings: [String] = []
        var users: [String: [String]] = [:]
        for flow in flows {
            for file in flow.audioFiles { users[file, default: []].append(flow.name) }
            for voice in flow.voices where !library.synthesizer.voices.contains(voice) {
                warnings.append("\(flow.name) asks for the voice \(voice), which flite lacks; it is spoken with \(library.defaultVoice)")
            }
            for language in flow.languages where !Self.isEnglish(language) {
                warnings.append("\(flow.name) asks for the language \(language); flite speaks English only, so it is spoken in English")
            }
        }
        let problems = library.check(users.keys.sorted())
        return (warnings, problems.map { "\($0) (played by \(users[$0.file, default: []].joined(separator: ", ")))" })
    }

    static func isEnglish(_ language: String) -> Bool {
        let lowered = language.lowercased()
        return lowered == "en" || lowered.hasPrefix("en-") || lowered.hasPrefix("en_")
    }

    /// Writes one event of a call, from `printer`: its JSON line with the `call` field first (`--trace json`),
    /// else the readable line given, or the transcript of the event, behind the Call-ID.
    static func output(trace: RunCommand.TraceFormat?, callID: String, on printer: DispatchQueue) -> @Sendable (String, String?) -> Void {
        { json, text in
            printer.async {
                if trace == .json {
                    Terminal.out(#"{"call":\#(quoted(callID)),"# + json.dropFirst())
                } else if let text {
                    Terminal.out(Terminal.printable("[\(callID.prefix(12))] \(text)"))
                }
            }
        }
    }

    static func quoted(_ text: String) -> String { JSONValue.string(text).compactText }
}

/// The answered calls in progress, by the server's number for each.
final class CallsInProgress: Sendable {
    private let calls = Mutex<Set<UInt64>>([])

    func started(_ call: UInt64) { calls.withLock { _ = $0.insert(call) } }
    /// Whether `call` was answered (and now has ended).
    func ended(_ call: UInt64) -> Bool { calls.withLock { $0.remove(call) != nil } }
}

/// Who may call, and whether there is room: decided for each INVITE and OPTIONS before
/// anything is answered, on the SIP server's thread.
final class Admission: Sendable {
    private let flows: Set<String>
    private let fallback: String?
    private let allowed: [AddressRange]
    private let maxCalls: Int
    /// Calls let in and not yet ended, whether the server is stopping, and who waits for the
    /// last call to end.
    private let state = Mutex(State())

    private struct State {
        var calls = 0
        var draining = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    init(flows: Set<String>, fallback: String?, allowed: [AddressRange], maxCalls: Int) {
        self.flows = flows
        self.fallback = fallback
        self.allowed = allowed
        self.maxCalls = maxCalls
    }

    /// nil to go on, else the status to refuse with: 403 from outside `--allow`, 503 when full
    /// (OPTIONS too, so a proxy sees a full server as unavailable), 404 for a number that names
    /// no flow with no `--flow`.
    func decide(_ request: SIPServer.Request) -> Int? {
        guard allowed.contains(where: { $0.contains(request.source) }) else { return 403 }
        return state.withLock { state in
            if state.draining || state.calls >= maxCalls { return 503 }
            guard request.method == "INVITE" else { return nil }
            if fallback == nil, !flows.contains(request.user) { return 404 }
            state.calls += 1
            return nil
        }
    }

    /// A call let in has ended.
    func ended() {
        let waiters = state.withLock { state in
            state.calls = max(0, state.calls - 1)
            defer { if state.calls == 0 { state.idleWaiters = [] } }
            return state.calls == 0 ? state.idleWaiters : []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether the server is stopping (`/health` says so).
    var isDraining: Bool { state.withLock { $0.draining } }

    /// From now on every request is refused with 503 (a proxy sends new calls elsewhere).
    /// Returns the calls still in progress.
    func drain() -> Int {
        state.withLock { state in
            state.draining = true
            return state.calls
        }
    }

    /// Returns once no call is in progress.
    func idle() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.calls == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// SIGTERM or SIGINT: take no new call (503), let the calls in progress end within a bound,
/// then stop. A second signal stops at once.
final class GracefulStop: Sendable {
    private let server: SIPServer
    private let admission: Admission
    private let bound: Duration
    private let signalled = Mutex(0)

    init(server: SIPServer, admission: Admission, bound: Duration) {
        self.server = server
        self.admission = admission
        self.bound = bound
    }

    func listen() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in received() }
            source.resume()
            Self.sources.append(source)
        }
    }

    /// The signal sources, kept for the life of the process; written once, as the command
    /// starts, before any signal can be handled.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    private func received() {
        guard signalled.withLock({ $0 += 1; return $0 }) == 1 else {
            printError("flows: stopping now")
            server.stop()
            return
        }
        let calls = admission.drain()
        printError("flows: stopping: no new calls; waiting at most \(bound.components.seconds) s for \(calls) call\(calls == 1 ? "" : "s") in progress")
        // Whichever comes first stops the server (which hangs up any call still going).
        Task { [server, admission] in
            await admission.idle()
            server.stop()
        }
        Task { [server, bound] in
            try? await Task.sleep(for: bound)
            server.stop()
        }
    }
}
