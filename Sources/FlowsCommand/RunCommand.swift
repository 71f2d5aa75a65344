import ArgumentParser
import CallFlowRuntime

#if canImport(Glibc)
import Glibc
#endif

/// `flows run FLOW`: runs one call and prints what happened.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one call of a flow.",
        discussion: """
            Secrets come from the environment as FLOW_SECRET_<NAME>. AlertEmail mails go to the \
            SMTP server of FLOW_SMTP_URL. Exits 0 when the call ended normally.
            """
    )

    enum TraceFormat: String, ExpressibleByArgument {
        case json
    }

    @Argument(help: "The flow to run (its Flow name).")
    var flow: String

    @Option(name: .customLong("call"), help: "A call variable, KEY=VALUE (repeatable).")
    var callVariables: [String] = []

    @Option(name: .customLong("contact"), help: "A contact variable, KEY=VALUE; tags and emails comma-separated (repeatable).")
    var contactVariables: [String] = []

    @Option(name: .customLong("input"), help: "Digits for the next CollectInput (repeatable).")
    var inputs: [String] = []

    @Option(name: .long, help: "Print one JSON object a line for each event instead of a transcript.")
    var trace: TraceFormat?

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow]) async -> Int32 {
        guard let flowType = flows.first(where: { $0.name == flow }) else {
            let names = flows.map(\.name)
            printError("flows: error: no flow named `\(flow)`; the flows are: \(names.isEmpty ? "(none)" : names.joined(separator: ", "))")
            return 64
        }
        var variables = CallVariables()
        for assignment in callVariables {
            guard let (key, value) = Self.split(assignment), variables.set(key, value) else {
                printError("flows: error: --call \(assignment): expected KEY=VALUE with one of \(CallVariables.names.joined(separator: ", "))")
                return 64
            }
        }
        var contact = ContactVariables()
        for assignment in contactVariables {
            guard let (key, value) = Self.split(assignment), contact.set(key, value) else {
                printError("flows: error: --contact \(assignment): expected KEY=VALUE with one of \(ContactVariables.names.joined(separator: ", "))")
                return 64
            }
        }
        var secrets: [String: String] = [:]
        for name in flowType.secrets {
            if let value = getenv("FLOW_SECRET_" + name) { secrets[name] = String(cString: value) }
        }
        guard let store = state.open() else { return 1 }
        let interactive = Terminal.inputIsTerminal
        let output: any CallOutput = trace == .json ? JSONTraceOutput() : TranscriptOutput(showsProgress: Terminal.errorIsTerminal)
        let call = Call(flow: flowType.name, variables: variables, contact: contact, secrets: secrets,
                        digits: ConsoleDigits(inputs, asksTerminal: interactive && trace == nil),
                        http: HTTPClient(), store: store, mailer: .fromEnvironment, observer: { output.write($0) })
        let resultCode = await flowType.run(on: call)
        await call.end(resultCode, waitingForLog: true)
        return resultCode == FlowLimits.stepLimitResultCode ? 1 : 0
    }

    static func split(_ assignment: String) -> (String, String)? {
        guard let equals = assignment.firstIndex(of: "=") else { return nil }
        return (String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]))
    }
}
