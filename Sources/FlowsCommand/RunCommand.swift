import ArgumentParser
import CallFlowCompiler
import CallFlowRuntime
import Synchronization

/// `flows run FLOW`: runs one call and prints what happened.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one call of a flow.",
        discussion: """
            Secrets come from the environment as FLOW_SECRET_<NAME>. AlertEmail mails go to the \
            SMTP server of FLOW_SMTP_URL. The workflows the call starts run after it, and the \
            command waits for them. Exits 0 when the call ended normally.
            """
    )

    enum TraceFormat: String, ExpressibleByArgument, CaseIterable {
        case json
    }

    @Argument(help: "The flow to run (its Flow name).")
    var flow: String

    @OptionGroup var variableOptions: VariableOptions

    @Option(name: .customLong("input"), help: "Digits for the next CollectInput: 0-9, * and # (repeatable).")
    var inputs: [String] = []

    @Option(name: .long, help: "Print one JSON object a line for each event instead of a transcript.")
    var trace: TraceFormat?

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow], workflows: [CompiledWorkflow] = []) async -> Int32 {
        guard let flowType = Self.flow(named: flow, in: flows) else { return 64 }
        guard let (variables, contact, given) = variableOptions.parse() else { return 64 }
        if let bad = inputs.first(where: { !$0.allSatisfy { "0123456789*#".contains($0) } }) {
            printError("flows: error: --input \(bad): a key press is one of 0-9, * and #; give each CollectInput's digits as one --input, such as --input 12#")
            return 64
        }
        // A value read that this run does not give is empty: say so before the call, once each.
        for name in flowType.callVariables.map({ "call." + $0 }) + flowType.contactVariables.map({ "contact." + $0 }) where !given.contains(name) {
            let option = name.hasPrefix("call.") ? "--call" : "--contact"
            printError("flows: warning: \(flowType.name) reads <<\(name)>>, which this run does not give, so it is empty (\(option) \(name.drop { $0 != "." }.dropFirst())=VALUE)")
        }
        let secrets = VariableOptions.secrets(of: flowType)
        guard let store = state.open() else { return 1 }
        let interactive = Terminal.inputIsTerminal
        let output: any CallOutput = trace == .json ? JSONTraceOutput() : TranscriptOutput(showsProgress: Terminal.errorIsTerminal)
        let caller = ConsoleCaller(inputs, asksTerminal: interactive && trace == nil)
        let mailer = AlertMailer.fromEnvironment
        let alerts = AlertOutbox()
        let http = HTTPClient()
        // The transcript tells the call, then its workflows: their lines wait for the call's end.
        // (A JSON trace's lines stand alone; only its `end` waits, to stay the last.)
        let workflowLines = Mutex<(callEnded: Bool, waiting: [WorkflowReport])>((trace == .json, []))
        let runner = WorkflowRunner.forCalls(workflows, store: store, http: http) { report in
            // Written under the lock, so that no line overtakes those still waiting.
            workflowLines.withLock { lines in
                if lines.callEnded { output.write(report) } else { lines.waiting.append(report) }
            }
        }
        let triggers = runner.map { CallTriggers(runner: $0, flow: flowType.name, variables: variables, contact: contact) }
        // In a JSON trace `end` stays the last event, after the workflows' events.
        let heldEnd = Mutex<CallEvent?>(nil)
        let holdsEnd = trace == .json && runner != nil
        let call = Call(flow: flowType.name, variables: variables, contact: contact, secrets: secrets,
                        caller: caller, http: http, store: store, mailer: mailer, alerts: alerts,
                        observer: { event in
                            triggers?.observe(event)
                            if holdsEnd, case .end = event { heldEnd.withLock { $0 = event } } else { output.write(event) }
                            if case .end = event {
                                workflowLines.withLock { lines in
                                    lines.callEnded = true
                                    for report in lines.waiting { output.write(report) }
                                    lines.waiting = []
                                }
                            }
                        })
        triggers?.callStarted()
        let resultCode = await flowType.run(on: call)
        // Every run the call started is in the store before its end is reported.
        await triggers?.callEnded(resultCode)
        await call.end(resultCode)
        await triggers?.recorded()
        await runner?.waitForRuns()
        // Runs the state store could not take (Redis away) go to it now if it is back, and run.
        if let runner, await runner.forwardSpool() > 0 { await runner.waitForRuns() }
        if let end = heldEnd.withLock({ $0 }) { output.write(end) }
        // The call has ended; its alert mails, and the log entries that say what became of
        // them, may still be on their way.
        let bound = mailer.timeoutMilliseconds + 2_000
        if !(await alerts.drain(within: .milliseconds(bound))) {
            printError("flows: warning: an alert mail was still being sent \(bound / 1000) s after the call ended; it was not waited for")
        }
        await store.flush()
        let unused = await caller.unused
        if !unused.isEmpty {
            printError("flows: warning: \(unused.count) --input value\(unused.count == 1 ? " was" : "s were") not used, as no CollectInput asked for \(unused.count == 1 ? "it" : "them"): \(unused.joined(separator: ", "))")
        }
        return resultCode == FlowLimits.stepLimitResultCode ? 1 : 0
    }

    /// The flow named `name`, or nil after an error that suggests the likely one.
    static func flow(named name: String, in flows: [CompiledFlow]) -> CompiledFlow? {
        if let flow = flows.first(where: { $0.name == name }) { return flow }
        let names = flows.map(\.name)
        let guess = Suggestion.closest(to: name, in: names).map { " Did you mean `\($0)`?" } ?? ""
        printError("flows: error: no flow named `\(name)`.\(guess) The flows are: \(names.isEmpty ? "(none)" : names.joined(separator: ", "))")
        return nil
    }
}
