import ArgumentParser
import CallFlowRuntime
import CallFlowSIP
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `flows serve --sip ADDR:PORT`: answers SIP calls and runs a flow for each, until stopped.
///
/// This first step answers, runs the flow and hangs up with BYE when the flow ends; speech,
/// audio, keypad digits and transfer over the call's media come next (see docs/serve.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer SIP calls and run a flow for each.",
        discussion: """
            The flow is the one named by the called number (the INVITE's Request-URI user, as in \
            sip:DtmfMenu@host), else --flow. The call ends with BYE when the flow ends.
            """
    )

    enum TraceFormat: String, ExpressibleByArgument, CaseIterable {
        case json
    }

    @Option(name: .long, help: ArgumentHelp("Where to listen for SIP over UDP.", valueName: "address:port"))
    var sip: String

    @Option(name: .long, help: "The flow for calls whose number names no flow.")
    var flow: String?

    @Option(name: .long, help: "Print one JSON object a line for each event, with the call's Call-ID.")
    var trace: TraceFormat?

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow]) async -> Int32 {
        guard let colon = sip.lastIndex(of: ":"), let port = Int(sip[sip.index(after: colon)...]), (1...65535).contains(port) else {
            printError("flows: error: --sip \(sip): expected ADDRESS:PORT, such as 127.0.0.1:5080")
            return 64
        }
        if let flow, RunCommand.flow(named: flow, in: flows) == nil { return 64 }
        guard let store = state.open() else { return 1 }
        let server: SIPServer
        do {
            server = try SIPServer(address: String(sip[..<colon]), port: port)
        } catch {
            printError("flows: error: \(error)")
            return 1
        }
        printError("flows: answering SIP calls on \(sip)")
        let http = HTTPClient()
        let mailer = AlertMailer.fromEnvironment
        let calls = CallsInProgress()
        for await event in server.events {
            switch event {
            case .answered(let id, let to, let from, let callID):
                let output = Self.output(trace: trace, callID: callID)
                guard let flowType = flows.first(where: { $0.name == to }) ?? flow.flatMap({ name in flows.first { $0.name == name } }) else {
                    output(#"{"event":"warning","element":"","message":"no flow named \#(to), and no --flow"}"#, "no flow named \(to), and no --flow: hung up")
                    server.hangUp(id)
                    continue
                }
                output(#"{"event":"answer","flow":\#(Self.quoted(flowType.name)),"from":\#(Self.quoted(from)),"to":\#(Self.quoted(to))}"#,
                       "answered: \(flowType.name), from \(from.isEmpty ? "(unknown)" : from) to \(to)")
                calls.started(id, callID: callID)
                let transcript = TranscriptOutput(showsProgress: false, print: { Terminal.out("[\(callID.prefix(12))] " + $0) })
                Task {
                    var variables = CallVariables()
                    _ = variables.set("dnis", to)
                    _ = variables.set("phonenum", from == "anonymous" ? "" : from)
                    let call = Call(flow: flowType.name, variables: variables, contact: ContactVariables(), secrets: VariableOptions.secrets(of: flowType),
                                    digits: ScriptedDigits([]), http: http, store: store, mailer: mailer, observer: { event in
                                        if trace == .json { output(event.json, nil) } else { transcript.write(event) }
                                    })
                    let resultCode = await flowType.run(on: call)
                    await call.end(resultCode)
                    server.hangUp(id)
                }
            case .closed(let id, let by, let reason):
                let callID = calls.ended(id) ?? ""
                Self.output(trace: trace, callID: callID)(
                    #"{"event":"hangup","by":\#(Self.quoted(by)),"reason":\#(Self.quoted(reason))}"#, "hung up by the \(by): \(reason)")
            }
        }
        return 0
    }

    /// Writes one event of a call: its JSON line with the `call` field first (`--trace json`),
    /// else the readable line given, or the transcript of the event, behind the Call-ID.
    static func output(trace: TraceFormat?, callID: String) -> @Sendable (String, String?) -> Void {
        { json, text in
            if trace == .json {
                Terminal.out(#"{"call":\#(quoted(callID)),"# + json.dropFirst())
            } else if let text {
                Terminal.out(Terminal.printable("[\(callID.prefix(12))] \(text)"))
            }
        }
    }

    static func quoted(_ text: String) -> String { JSONValue.string(text).compactText }
}

/// The Call-IDs of the calls in progress, by the server's number for each.
final class CallsInProgress: Sendable {
    private let table = Mutex<[UInt64: String]>([:])

    func started(_ call: UInt64, callID: String) { table.withLock { $0[call] = callID } }
    func ended(_ call: UInt64) -> String? { table.withLock { $0.removeValue(forKey: call) } }
}
