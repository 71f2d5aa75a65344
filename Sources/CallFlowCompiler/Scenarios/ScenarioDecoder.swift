/// Reads the scenarios of one scenario file: each YAML document is a scenario. Problems are
/// reported as diagnostics with the file, line and column, like a flow file's; a scenario
/// with an error is left out.
public enum ScenarioDecoder {
    public struct Result: Sendable {
        public var scenarios: [Scenario]
        public var diagnostics: [Diagnostic]
        /// Documents left out for their errors (the whole file when it is not valid YAML).
        public var rejected: Int
    }

    public static func decode(_ bytes: [UInt8], file: String) -> Result {
        let yaml = YAMLLoader.load(bytes, file: file)
        guard yaml.diagnostics.isEmpty else { return Result(scenarios: [], diagnostics: yaml.diagnostics, rejected: 1) }
        let sink = DiagnosticSink(file: file)
        let reader = FlowDecoder(file: file, sink: sink, readFile: { _ in nil })
        if yaml.documents.isEmpty {
            sink.report(.missingKey, at: SourceLocation(line: 1, column: 1), "the file is empty; a scenario is a mapping with `Scenario`, `Flow` and `Expect`")
        }
        var scenarios: [Scenario] = []
        var rejected = yaml.documents.isEmpty ? 1 : 0
        // The nodes read the tree that `yaml` holds.
        withExtendedLifetime(yaml) {
            for document in yaml.documents {
                let before = sink.diagnostics.count
                if let scenario = scenario(document, file: file, reader), sink.diagnostics.count == before {
                    scenarios.append(scenario)
                } else {
                    rejected += 1
                }
            }
        }
        return Result(scenarios: scenarios, diagnostics: sink.diagnostics, rejected: rejected)
    }

    private static func scenario(_ node: YAMLNode, file: String, _ reader: FlowDecoder) -> Scenario? {
        guard node.pairs != nil else {
            reader.sink.report(.invalidValue, at: node.location, "a scenario is a mapping with `Scenario`, `Flow` and `Expect`; found \(node.kindDescription)")
            return nil
        }
        let entries = reader.mapping(node, keys: ScenarioKeys.scenario, owner: "a scenario")
        guard let name = entries["Scenario"].flatMap({ reader.text($0) }),
              let flowEntry = entries["Flow"], let flow = reader.text(flowEntry) else { return nil }
        var scenario = Scenario(
            name: name, file: file, location: node.location, flow: Located(flow, at: flowEntry.value.location),
            call: entries["Call"].map { variables($0, reader) } ?? [],
            contact: entries["Contact"].map { variables($0, reader, listsAllowed: true) } ?? [],
            inputs: entries["Inputs"].map { texts($0, reader).map(\.value) } ?? [],
            secrets: entries["Secrets"].map { variables($0, reader) } ?? [], responses: [], expect: Scenario.Expectations())
        if let responses = entries["Responses"] {
            scenario.responses = pairs(responses, reader).map { pair in
                let answers = pair.value.itemsOrSelf
                if answers.isEmpty {
                    reader.sink.report(.invalidValue, at: pair.value.location, "`\(pair.key.value)` needs at least one response")
                }
                return Scenario.MockedElement(element: pair.key, answers: answers.compactMap { response($0, reader) })
            }
        }
        if let expect = entries["Expect"] {
            scenario.expect = expectations(expect, reader)
        }
        if let recording = entries["Recording"], let path = reader.text(recording) {
            scenario.recording = Located(path, at: recording.value.location)
        }
        return scenario
    }

    private static func response(_ node: YAMLNode, _ reader: FlowDecoder) -> MockResponse? {
        guard node.pairs != nil else {
            reader.sink.report(.invalidValue, at: node.location, "a mocked response is a mapping such as `{Status: 200, Body: {Value: gold}}`; found \(node.kindDescription)")
            return nil
        }
        let entries = reader.mapping(node, keys: ScenarioKeys.response, owner: "a mocked response")
        var response = MockResponse(location: node.location)
        if let entry = entries["Status"] {
            guard let text = reader.text(entry), let status = Int(text), (100...599).contains(status) else {
                reader.sink.report(.invalidValue, at: entry.value.location, "`Status` is an HTTP status code from 100 to 599")
                return nil
            }
            response.status = status
        }
        if let entry = entries["Headers"] {
            response.headers = variables(entry, reader).map { ($0.name.value, $0.value) }
        }
        if let entry = entries["Body"] {
            (response.body, response.bodyIsJSON) = YAMLJSON.textOrJSON(entry.value)
        }
        if let entry = entries["Delay"] {
            guard let text = reader.text(entry), let delay = Double(text), delay >= 0, delay <= 3600 else {
                reader.sink.report(.invalidValue, at: entry.value.location, "`Delay` is a number of seconds, such as 0.5")
                return nil
            }
            response.delay = delay
        }
        if let entry = entries["Fail"] {
            guard let text = reader.text(entry), let failure = MockResponse.Failure(rawValue: text) else {
                let names = MockResponse.Failure.allCases.map(\.rawValue)
                reader.sink.report(.invalidValue, at: entry.value.location, "`Fail` is one of \(names.joined(separator: ", "))",
                                   notes: entry.value.text.map { Suggestion.note(for: $0, in: names) } ?? [])
                return nil
            }
            response.failure = failure
        }
        return response
    }

    private static func expectations(_ entry: FlowDecoder.Entry, _ reader: FlowDecoder) -> Scenario.Expectations {
        var expect = Scenario.Expectations()
        guard entry.value.pairs != nil else {
            reader.sink.report(.invalidValue, at: entry.value.location, "`Expect` is a mapping of Path, Said, Requests, Properties, ResultCode and Workflows; found \(entry.value.kindDescription)")
            return expect
        }
        let entries = reader.mapping(entry.value, keys: ScenarioKeys.expect, owner: "`Expect`")
        expect.path = entries["Path"].map { texts($0, reader) }
        expect.said = entries["Said"].map { texts($0, reader) }
        expect.properties = entries["Properties"].map { variables($0, reader) } ?? []
        if let workflows = entries["Workflows"] {
            expect.workflows = variables(workflows, reader)
            for state in expect.workflows! where state.value != "succeeded" && state.value != "failed" {
                reader.sink.report(.invalidValue, at: state.name.location, "how `\(state.name.value)` ends is `succeeded` or `failed`; found `\(state.value)`",
                                   notes: Suggestion.note(for: state.value, in: ["succeeded", "failed"]))
            }
        }
        if let code = entries["ResultCode"], let text = reader.text(code) {
            expect.resultCode = Located(text, at: code.value.location)
        }
        if let requests = entries["Requests"] {
            for pair in pairs(requests, reader) {
                guard pair.value.pairs != nil else {
                    reader.sink.report(.invalidValue, at: pair.value.location, "what `\(pair.key.value)` sent is a mapping of URL, Method, Headers and Body; found \(pair.value.kindDescription)")
                    continue
                }
                let keys = reader.mapping(pair.value, keys: ScenarioKeys.request, owner: "an expected request")
                var request = Scenario.RequestExpectation(element: pair.key)
                if let url = keys["URL"], let text = reader.text(url) { request.url = Located(text, at: url.value.location) }
                if let method = keys["Method"], let text = reader.text(method) { request.method = Located(text, at: method.value.location) }
                request.headers = keys["Headers"].map { variables($0, reader) } ?? []
                if let body = keys["Body"] {
                    let (text, isJSON) = YAMLJSON.textOrJSON(body.value)
                    request.body = Located(isJSON ? .json(text) : .text(text), at: body.value.location)
                }
                expect.requests.append(request)
            }
        }
        return expect
    }

    // MARK: - Shapes

    /// The pairs of a mapping whose keys are names.
    private static func pairs(_ entry: FlowDecoder.Entry, _ reader: FlowDecoder) -> [(key: Located<String>, value: YAMLNode)] {
        guard let pairs = entry.value.pairs else {
            if !entry.value.isNull {
                reader.sink.report(.invalidValue, at: entry.value.location, "`\(entry.name)` is a mapping; found \(entry.value.kindDescription)")
            }
            return []
        }
        return pairs.compactMap { pair in
            guard let name = pair.key.text else {
                reader.sink.report(.invalidValue, at: pair.key.location, "a key of `\(entry.name)` must be text; found \(pair.key.kindDescription)")
                return nil
            }
            return (Located(name, at: pair.key.location), pair.value)
        }
    }

    /// A mapping of names to text; with `listsAllowed`, a list value becomes its items joined by commas.
    private static func variables(_ entry: FlowDecoder.Entry, _ reader: FlowDecoder, listsAllowed: Bool = false) -> [Scenario.Variable] {
        pairs(entry, reader).compactMap { pair in
            if listsAllowed, let items = pair.value.items {
                let texts = items.compactMap(\.text)
                if texts.count == items.count { return Scenario.Variable(name: pair.key, value: texts.joined(separator: ",")) }
            }
            guard let text = pair.value.text else {
                reader.sink.report(.invalidValue, at: pair.value.location, "`\(pair.key.value)` in `\(entry.name)` needs text; found \(pair.value.kindDescription)")
                return nil
            }
            return Scenario.Variable(name: pair.key, value: pair.value.isNull ? "" : text)
        }
    }

    /// A list of texts (a single text counts as a list of one).
    private static func texts(_ entry: FlowDecoder.Entry, _ reader: FlowDecoder) -> [Located<String>] {
        let items = entry.value.itemsOrSelf
        return items.compactMap { item in
            guard let text = item.text else {
                reader.sink.report(.invalidValue, at: item.location, "`\(entry.name)` is a list of texts; found \(item.kindDescription)")
                return nil
            }
            return Located(text, at: item.location)
        }
    }
}
