import CallFlowCompiler
import CallFlowRuntime
import CallFlowSIP
import Synchronization

/// One scenario run against its compiled flow: the call made with mocked responses, then each
/// expectation compared with what the call did.
struct ScenarioRun {
    let scenario: Scenario
    let flows: [CompiledFlow]
    /// The workflows the call may fire, their actions answered from `Responses` as
    /// `Workflow.Action`.
    var workflows: [CompiledWorkflow] = []

    /// Why the scenario cannot run (`file:line:col: error: …`), or why it failed (readable
    /// differences); both empty when it passed.
    struct Outcome {
        var errors: [String] = []
        var differences: [String] = []
        var passed: Bool { errors.isEmpty && differences.isEmpty }
    }

    func run() async -> Outcome {
        var outcome = Outcome()
        guard let flow = flows.first(where: { $0.name == scenario.flow.value }) else {
            outcome.errors.append(error(at: scenario.flow.location, "no flow named `\(scenario.flow.value)`",
                                        notes: Suggestion.note(for: scenario.flow.value, in: flows.map(\.name))))
            return outcome
        }
        var variables = CallVariables()
        for variable in scenario.call where !variables.set(variable.name.value, variable.value) {
            outcome.errors.append(error(at: variable.name.location, "`\(variable.name.value)` is not a call variable; they are \(CallVariables.names.joined(separator: ", "))",
                                        notes: Suggestion.note(for: variable.name.value, in: CallVariables.names)))
        }
        var contact = ContactVariables()
        for variable in scenario.contact where !contact.set(variable.name.value, variable.value) {
            outcome.errors.append(error(at: variable.name.location, "`\(variable.name.value)` is not a contact variable; they are \(ContactVariables.names.joined(separator: ", "))",
                                        notes: Suggestion.note(for: variable.name.value, in: ContactVariables.names)))
        }
        let requests = flow.elements.filter { $0.type == "APIRequest" }.map(\.name)
        let actions = workflows.flatMap { workflow in workflow.actions.map { workflow.name + "." + $0.name } }
        for name in scenario.responses.map(\.element) + scenario.expect.requests.map(\.element)
        where !requests.contains(name.value) && !actions.contains(name.value) {
            outcome.errors.append(name.value.contains(".")
                ? error(at: name.location, "no workflow has an action `\(name.value)`; the actions are: \(actions.isEmpty ? "none" : actions.joined(separator: ", "))",
                        notes: Suggestion.note(for: name.value, in: actions))
                : elementError(name, in: flow, expected: requests, kind: "APIRequest element"))
        }
        for state in scenario.expect.workflows ?? [] where !workflows.contains(where: { $0.name == state.name.value }) {
            outcome.errors.append(error(at: state.name.location, "no workflow is named `\(state.name.value)`",
                                        notes: Suggestion.note(for: state.name.value, in: workflows.map(\.name))))
        }
        let names = flow.elements.map(\.name)
        for name in scenario.expect.path ?? [] where !names.contains(name.value) {
            outcome.errors.append(elementError(name, in: flow, expected: names, kind: "element"))
        }
        var secrets: [String: String] = [:]
        let declared = flow.secrets + workflows.flatMap(\.secrets)
        for secret in scenario.secrets {
            guard declared.contains(secret.name.value) else {
                let owner = workflows.isEmpty ? "the flow \(flow.name) declares" : "neither the flow \(flow.name) nor a workflow declares"
                outcome.errors.append(error(at: secret.name.location, "\(owner) no secret `\(secret.name.value)`",
                                            notes: Suggestion.note(for: secret.name.value, in: declared)))
                continue
            }
            secrets[secret.name.value] = secret.value
        }
        var recording: (file: String, seconds: Double)?
        if let given = scenario.recording {
            let file = given.value.hasPrefix("/") ? given.value : (scenario.file.contains("/") ? String(scenario.file[...scenario.file.lastIndex(of: "/")!]) : "") + given.value
            do {
                recording = (file, try WAVAudio.read(file).seconds)
            } catch {
                outcome.errors.append(self.error(at: given.location, "`\(given.value)` is not a WAV file that can be read (\(file)); `Recording` names the call's recording, relative to the scenario file"))
            }
        }
        guard outcome.errors.isEmpty else { return outcome }

        let store: any StateStore
        do {
            // Each scenario starts from empty state: no rate limit used, no alert sent.
            store = try SQLiteStateStore(path: ":memory:")
        } catch {
            outcome.errors.append(self.error(at: scenario.location, "\(error)"))
            return outcome
        }
        let transport = MockTransport(scenario.responses)
        let events = Mutex<[CallEvent]>([])
        let alerts = AlertOutbox()
        let reports = Mutex<[WorkflowReport]>([])
        let given = secrets
        let runner = WorkflowRunner(workflows: workflows, store: store, http: transport, recognizer: PocketSphinxRecognizer(),
                                    secrets: { workflow in given.filter { workflow.secrets.contains($0.key) } }) { report in
            reports.withLock { $0.append(report) }
        }
        let triggers = CallTriggers(runner: runner, flow: flow.name, variables: variables, contact: contact)
        let flowSecrets = secrets.filter { flow.secrets.contains($0.key) }
        let call = Call(flow: flow.name, variables: variables, contact: contact, secrets: flowSecrets,
                        caller: ScriptedDigits(scenario.inputs), http: transport, store: store,
                        mailer: AlertMailer(serverURL: nil), alerts: alerts, observer: { event in
                            triggers.observe(event)
                            events.withLock { $0.append(event) }
                        })
        triggers.callStarted()
        let resultCode = await flow.run(on: call)
        await triggers.callEnded(resultCode)
        if let recording { await triggers.recordingUploaded(file: recording.file, seconds: recording.seconds) }
        await call.end(resultCode)
        await triggers.recorded()
        await runner.waitForRuns()
        // No mail goes out from a scenario (no server): each alert is settled at once.
        _ = await alerts.drain(within: .seconds(5))
        outcome.differences = compare(events.withLock { $0 }, resultCode: resultCode, sent: transport.sent, reports: reports.withLock { $0 })
            .map { call.hidingSensitiveInput($0) }
        return outcome
    }

    // MARK: - Expectations

    private func compare(_ events: [CallEvent], resultCode: String, sent: MockTransport.Record, reports: [WorkflowReport]) -> [String] {
        var differences: [String] = []
        for element in Set(sent.unanswered).sorted() {
            differences.append("\(element) sent a request, but the scenario mocks no response for it; add one under Responses")
        }
        let expect = scenario.expect
        if let path = expect.path {
            let entered = events.compactMap { if case .enter(let element, _) = $0 { element } else { nil } }
            let expected = path.map(\.value)
            if entered != expected {
                let step = zip(expected, entered).prefix { $0 == $1 }.count
                differences.append("""
                    Path differs at step \(step + 1) (\(place(path.first!.location))):
                      expected: \(expected.joined(separator: " → "))
                      actual:   \(entered.joined(separator: " → "))
                    """)
            }
        }
        if let said = expect.said {
            let spoken = events.compactMap { if case .say(_, let text) = $0 { text } else { nil } }
            var rest = spoken[...]
            for (position, text) in said.enumerated() {
                guard let index = rest.firstIndex(of: text.value) else {
                    differences.append("""
                        Said: "\(text.value)" was not said\(position == 0 ? "" : " after the texts before it") (\(place(text.location))); what was said:
                        \(spoken.isEmpty ? "  (nothing)" : spoken.map { "  \"\($0)\"" }.joined(separator: "\n"))
                        """)
                    break
                }
                rest = rest[(index + 1)...]
            }
        }
        var failures = events.compactMap { event -> (element: String, error: String)? in
            guard case .request(let record) = event, let error = record.error else { return nil }
            return (record.element, error)
        }
        for case .action(_, let workflow, let outcome) in reports {
            if let error = outcome.error { failures.append((workflow + "." + outcome.action, error)) }
        }
        for request in expect.requests {
            differences += compare(request, sent: sent.sent[request.element.value]?.last,
                                   failure: failures.last { $0.element == request.element.value }?.error)
        }
        var properties: [String: String] = [:]
        for case .set(_, let property, let value) in events { properties[property] = value }
        for property in expect.properties {
            let name = property.name.value
            if let value = properties[name] {
                if value != property.value {
                    differences.append("Properties: \(name) is \"\(value)\", expected \"\(property.value)\" (\(place(property.name.location)))")
                }
            } else {
                differences.append("Properties: \(name) was never set, expected \"\(property.value)\" (\(place(property.name.location)))"
                                   + (properties.isEmpty ? "" : "; set were: \(properties.keys.sorted().joined(separator: ", "))"))
            }
        }
        if let code = expect.resultCode, code.value != resultCode {
            differences.append("ResultCode is \(resultCode), expected \(code.value) (\(place(code.location)))")
        }
        if let expected = expect.workflows {
            differences += compare(expected, reports)
        }
        // What failed is often why the rest differs: every failed request, with its error.
        if !differences.isEmpty, !failures.isEmpty {
            differences.append("Requests that failed:\n" + failures.map { "  \($0.element): \($0.error)" }.joined(separator: "\n"))
        }
        return differences
    }

    /// The workflows that ran, each with how it ended, against `Expect.Workflows`.
    private func compare(_ expected: [Scenario.Variable], _ reports: [WorkflowReport]) -> [String] {
        var ran: [(workflow: String, state: String)] = []
        for case .finished(_, let workflow, let state, _) in reports { ran.append((workflow, state.rawValue)) }
        var differences: [String] = []
        for state in expected {
            let name = state.name.value
            guard let actual = ran.first(where: { $0.workflow == name }) else {
                differences.append("Workflows: \(name) did not run, expected it to end \(state.value) (\(place(state.name.location)))")
                continue
            }
            if actual.state != state.value {
                differences.append("Workflows: \(name) \(actual.state), expected \(state.value) (\(place(state.name.location)))")
            }
        }
        for actual in ran where !expected.contains(where: { $0.name.value == actual.workflow }) {
            differences.append("Workflows: \(actual.workflow) ran (\(actual.state)), but `Expect.Workflows` does not list it")
        }
        return differences
    }

    private func compare(_ expected: Scenario.RequestExpectation, sent request: PreparedRequest?, failure: String?) -> [String] {
        let element = expected.element.value
        guard let request else {
            return ["Requests: \(element) sent no request (\(place(expected.element.location)))" + (failure.map { ": \($0)" } ?? "")]
        }
        var differences: [String] = []
        if let url = expected.url, url.value != request.url {
            differences.append("""
                Requests: \(element) URL differs (\(place(url.location))):
                  expected: \(url.value)
                  actual:   \(request.url)
                """)
        }
        if let method = expected.method, method.value.uppercased() != request.method.rawValue {
            differences.append("Requests: \(element) method is \(request.method.rawValue), expected \(method.value) (\(place(method.location)))")
        }
        for header in expected.headers {
            let values = request.headers.filter { $0.name.lowercased() == header.name.value.lowercased() }.map(\.value)
            if !values.contains(header.value) {
                differences.append("Requests: \(element) header \(header.name.value) is "
                                   + (values.isEmpty ? "not sent" : values.map { "\"\($0)\"" }.joined(separator: ", "))
                                   + ", expected \"\(header.value)\" (\(place(header.name.location)))")
            }
        }
        if let body = expected.body {
            let sentText = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let matches: Bool = switch body.value {
            case .text(let text): text == sentText
            case .json(let text): (try? JSONParser.parse(Array(text.utf8)).sortedKeys) == (try? JSONParser.parse(request.body ?? []).sortedKeys)
            }
            if !matches {
                let expectedText = switch body.value { case .text(let text), .json(let text): text }
                differences.append("""
                    Requests: \(element) body differs (\(place(body.location))):
                      expected: \(expectedText)
                      actual:   \(request.body == nil ? "(no body)" : sentText)
                    """)
            }
        }
        return differences
    }

    // MARK: - Messages

    private func place(_ location: SourceLocation) -> String {
        "line \(location.line)"
    }

    private func error(at location: SourceLocation, _ message: String, notes: [String] = []) -> String {
        ([location.reference(in: scenario.file) + ": error: " + message] + notes.map { "note: " + $0 }).joined(separator: "\n")
    }

    private func elementError(_ name: Located<String>, in flow: CompiledFlow, expected: [String], kind: String) -> String {
        error(at: name.location, "\(flow.name) has no \(kind) `\(name.value)`; it has: \(expected.isEmpty ? "none" : expected.joined(separator: ", "))",
              notes: Suggestion.note(for: name.value, in: expected))
    }
}

extension JSONValue {
    /// The same value with every object's members in key order, so that two JSON texts compare
    /// equal whatever order their keys were written in.
    var sortedKeys: JSONValue {
        switch self {
        case .array(let items): .array(items.map(\.sortedKeys))
        case .object(let members): .object(members.map { (key: $0.key, value: $0.value.sortedKeys) }.sorted { $0.key < $1.key })
        default: self
        }
    }
}
