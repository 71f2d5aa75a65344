/// Emits the Swift file for one checked flow: an enum named after the flow with the flow as a
/// `CompiledFlow` value, the call's typed state, and one function per element that runs it and returns
/// where the call goes next.
///
/// The shape is chosen for build time. Every build of the `flows` module type-checks the
/// declarations of all its files to emit the module, whichever file changed, but a function's
/// body only where that file is compiled. So a flow declares few types and members: it conforms
/// to no protocol, what `flows` reads of it is built in a function body, its tables are filled
/// by calling a function, its state is a few tuples, a declared `Result` is
/// JSON checked against the shape (`ResultShape.decoded`) rather than a struct, and the next
/// element is a number. With 200 flows of 30 elements this took the module's emission from
/// 19 s to about 2.5 s (bench/RESULTS.md).
struct FlowEmitter {
    let flow: Flow
    /// The path shown in the header, as the user knows the file.
    let displayPath: String
    /// The path `#sourceLocation` names, so Swift errors and crashes point at the YAML.
    let sourcePath: String
    let indexOf: [String: Int]
    let graph: ElementGraph
    let propertyTypes: [String: ValueType]
    let values: ValueExpressions

    init(flow: Flow, displayPath: String, sourcePath: String) {
        self.flow = flow
        self.displayPath = displayPath
        self.sourcePath = sourcePath
        var indexOf: [String: Int] = [:]
        for element in flow.elements where indexOf[element.name] == nil { indexOf[element.name] = element.index }
        self.indexOf = indexOf
        self.graph = ElementGraph(flow: flow, indexOf: indexOf)
        var properties = PropertyTypes(flow: flow)
        properties.infer(flow: flow, indexOf: indexOf, sink: DiagnosticSink(file: flow.file))
        self.propertyTypes = properties.types
        self.values = ValueExpressions(flow: flow, indexOf: indexOf, propertyTypes: properties.types,
                                       layout: StateLayout(flow: flow, propertyTypes: properties.types))
    }

    func emit() -> String {
        var writer = CodeWriter()
        writer.fileStart(from: displayPath, kind: "flow", description: flow.description)
        writer.block("public enum \(SwiftNames.flowTypeName(flow.name.value))") { writer in
            emitCompiled(&writer)
            if hasRequests {
                writer.line()
                writer.line("static let requests: [RequestElementInfo] = requestTable()")
            }
            emitState(&writer)
            emitRun(&writer)
            emitTrial(&writer)
            emitTables(&writer)
            for element in flow.elements {
                writer.line()
                emitElement(element, &writer)
            }
        }
        return writer.text
    }

    /// The call and contact variables some fillpoint of the flow reads without a `??`
    /// fallback, sorted: `flows run` warns of each one a run does not give.
    private func variablesRead() -> (call: [String], contact: [String]) {
        var call: Set<String> = [], contact: Set<String> = []
        var uses: [TemplateUse] = []
        for element in flow.elements { TemplateUse.append(of: element, to: &uses) }
        for use in uses {
            for fillpoint in use.template.fillpoints where fillpoint.path.count >= 2 && fillpoint.fallback == nil {
                guard case .name(let root) = fillpoint.path[0], let name = fillpoint.path[1].key else { continue }
                if root == "call" { call.insert(name) }
                if root == "contact" {
                    contact.insert(name == "custom_fields" ? fillpoint.path.dropFirst().prefix(2).compactMap(\.key).joined(separator: ".") : name)
                }
            }
        }
        return (call.sorted(), contact.sorted())
    }

    /// The audio files named by constants, and the voices and languages asked for, each sorted.
    private func speechUsed() -> (files: [String], voices: [String], languages: [String]) {
        var files: Set<String> = [], voices: Set<String> = [], languages: Set<String> = []
        for element in flow.elements {
            let phrase: [Template]
            switch element.kind {
            case .play(let play)?: phrase = play.phrase
            case .collectInput(let input)?: phrase = input.phrase
            case .apiRequest(let request)?: phrase = request.phrase
            case .tts(let tts)?:
                phrase = []
                if let voice = tts.voice { voices.insert(voice) }
                if let language = tts.language { languages.insert(language) }
            default: phrase = []
            }
            files.formUnion(phrase.compactMap(\.constant))
        }
        return (files.sorted(), voices.sorted(), languages.sorted())
    }

    var hasRequests: Bool { flow.elements.contains { $0.type == .apiRequest } }

    /// `compiled`: the flow as the value `GeneratedFlows.all` lists. What `flows` commands read
    /// of a flow is built in its body, so it costs the build nothing when other files change.
    private func emitCompiled(_ writer: inout CodeWriter) {
        func strings(_ values: [String]) -> String { "[" + values.map(SwiftNames.literal).joined(separator: ", ") + "]" }
        let (call, contact) = variablesRead()
        let speech = speechUsed()
        var arguments = ["name: \(SwiftNames.literal(flow.name.value))"]
        if let description = flow.description { arguments.append("summary: \(SwiftNames.literal(description))") }
        if !flow.secrets.isEmpty { arguments.append("secrets: \(strings(flow.secrets.map(\.value)))") }
        arguments.append("elements: elementTable()")
        for (label, values) in [("callVariables", call), ("contactVariables", contact), ("audioFiles", speech.files),
                                ("voices", speech.voices), ("languages", speech.languages)] where !values.isEmpty {
            arguments.append("\(label): \(strings(values))")
        }
        if hasRequests { arguments += ["requests: requests", "tryRequest: tryRequest"] }
        arguments.append("run: run(on:)")
        writer.line("/// The flow, for `GeneratedFlows.all`.")
        writer.block("public static var compiled: CompiledFlow") { writer in
            writer.arguments("CompiledFlow(", arguments)
        }
    }

    private func emitState(_ writer: inout CodeWriter) {
        values.layout.emit(into: &writer)
    }

    /// The run loop calls elements through a table indexed by step: one `await` in one small
    /// function, however many elements the flow has. (A `switch` with an `await` per element makes
    /// the Swift compiler's time and memory grow far faster than the flow.)
    private func emitRun(_ writer: inout CodeWriter) {
        writer.line()
        writer.line("static let steps: [@Sendable (Call, inout State) async -> Int?] = stepTable()")
        writer.line()
        writer.block("static func run(on call: Call) async -> String") { writer in
            writer.line("var state = initialState()")
            let start = graph.start ?? 0
            writer.line("var step: Int? = \(start)  // \(flow.elements[start].name)")
            writer.block("while let current = step") { writer in
                writer.line("if let stop = call.step() { return stop }")
                writer.line("step = await steps[current](call, &state)")
            }
            writer.line("return state.resultCode")
        }
    }

    /// The functions that fill the tables of elements, `steps` and `requests`.
    private func emitTables(_ writer: inout CodeWriter) {
        writer.line()
        // A literal of plain tuples: quick to type-check however long it grows.
        writer.block("private static func elementTable() -> [FlowElement]") { writer in
            writer.list("FlowElement.table(", suffix: ")") { writer in
                for element in flow.elements {
                    writer.line("(\(SwiftNames.literal(element.name)), \(SwiftNames.literal(element.type!.rawValue)), \(element.agentsCanSee), \(element.supervisorCanSee)),")
                }
            }
        }
        writer.line()
        writer.block("private static func stepTable() -> [@Sendable (Call, inout State) async -> Int?]") { writer in
            writer.enclosed("[", "]") { writer in
                for element in flow.elements { writer.line("\(Self.functionName(element)),") }
            }
        }
        emitRequestTable(&writer)
    }

    static func functionName(_ element: Element) -> String { "element_\(element.name)" }

    /// `return 4  // Target` or `return nil` for an exit.
    func exit(_ target: Int?) -> String {
        target.map { "return \($0)  // \(flow.elements[$0].name)" } ?? "return nil"
    }

    var plans: RequestPlanEmitter { RequestPlanEmitter(values: values, sourcePath: sourcePath) }

    func sourceLine(_ line: Int, _ writer: inout CodeWriter) {
        plans.sourceLine(line, &writer)
    }
}
