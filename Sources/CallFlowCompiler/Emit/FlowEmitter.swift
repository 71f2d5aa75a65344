/// Emits the Swift file for one checked flow: an enum named after the flow with the flow as a
/// `CompiledFlow` value, and one function that runs a call: the call's typed state, and a local
/// function per element that runs it and returns where the call goes next.
///
/// The shape is chosen for build time. Every build of the `flows` module parses all its files
/// and type-checks their declarations to emit the module, whichever file changed, but a
/// function's body only where that file is compiled; and Swift parses a body only when it is
/// compiled, unless the body holds a `#` directive. So a flow declares two members, both
/// functions; everything else, its tables, its state (a few tuples), its elements, is inside
/// their bodies, and the YAML lines code comes from are comments, not `#sourceLocation`
/// directives. A declared `Result` is JSON checked against its shape (`ResultShape.decoded`),
/// and the next element is a number. With 200 flows of 30 elements, editing one rebuilt in
/// 21 s with a struct per `Result` and state, 4–5.5 s with members per element and
/// directives, and 1.5–2.4 s now, linked by lld (bench/RESULTS.md).
struct FlowEmitter {
    let flow: Flow
    /// The path shown in the header, as the user knows the file.
    let displayPath: String
    let indexOf: [String: Int]
    let graph: ElementGraph
    let propertyTypes: [String: ValueType]
    let values: ValueExpressions

    init(flow: Flow, displayPath: String) {
        self.flow = flow
        self.displayPath = displayPath
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
            writer.line()
            emitRun(&writer)
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

    /// `compiled`: the flow as the value `GeneratedFlows.all` lists, built in its body.
    private func emitCompiled(_ writer: inout CodeWriter) {
        func strings(_ values: [String]) -> String { "[" + values.map(SwiftNames.literal).joined(separator: ", ") + "]" }
        let (call, contact) = variablesRead()
        let speech = speechUsed()
        writer.line("/// The flow, for `GeneratedFlows.all`.")
        writer.block("public static var compiled: CompiledFlow") { writer in
            // The tables are filled a statement a row: Swift type-checks one array literal as one
            // expression, which for hundreds of rows takes seconds, and longer than linearly.
            writer.line("var elements: [FlowElement] = []")
            for element in flow.elements {
                var arguments = ["name: \(SwiftNames.literal(element.name))", "type: \(SwiftNames.literal(element.type!.rawValue))"]
                if element.agentsCanSee { arguments.append("agentsCanSee: true") }
                if element.supervisorCanSee { arguments.append("supervisorCanSee: true") }
                writer.line("elements.append(FlowElement(\(arguments.joined(separator: ", "))))")
            }
            emitRequestTable(&writer)
            writer.enclosed("return CompiledFlow(", ")") { writer in
                writer.line("name: \(SwiftNames.literal(flow.name.value)),")
                if let description = flow.description { writer.line("summary: \(SwiftNames.literal(description)),") }
                if !flow.secrets.isEmpty { writer.line("secrets: \(strings(flow.secrets.map(\.value))),") }
                writer.line("elements: elements,")
                for (label, values) in [("callVariables", call), ("contactVariables", contact), ("audioFiles", speech.files),
                                        ("voices", speech.voices), ("languages", speech.languages)] where !values.isEmpty {
                    writer.line("\(label): \(strings(values)),")
                }
                if hasRequests {
                    writer.line("requests: requests,")
                    writer.line("run: { call, entry in await run(call, requests, entry) }")
                } else {
                    writer.line("run: { call, _ in await run(call) }")
                }
            }
        }
    }

    /// `run`: the call's state, a local function per element, and the loop that calls them
    /// through a table indexed by step: one `await` in one small loop, however many elements the
    /// flow has. (A `switch` with an `await` per element makes the Swift compiler's time and
    /// memory grow far faster than the flow.)
    private func emitRun(_ writer: inout CodeWriter) {
        let signature = hasRequests ? "_ call: Call, _ requests: [RequestElementInfo], _ entry: FlowEntry" : "_ call: Call"
        writer.line(hasRequests ? "/// Runs a call from `Start`, or one APIRequest element for `flows try`." : "/// Runs a call from `Start`.")
        writer.block("private static func run(\(signature)) async -> String") { writer in
            values.layout.emit(into: &writer)
            for element in flow.elements {
                writer.line()
                emitElement(element, &writer)
            }
            writer.line()
            writer.list("let steps: [() async -> Int?] =") { writer in
                for element in flow.elements { writer.line("\(Self.functionName(element)),") }
            }
            writer.line()
            emitTrial(&writer)
            let start = graph.start ?? 0
            writer.line("var step: Int? = \(start)  // \(flow.elements[start].name)")
            writer.block("while let current = step") { writer in
                writer.line("if let stop = call.step() { return stop }")
                writer.line("step = await steps[current]()")
            }
            writer.line("return resultCode")
        }
    }

    static func functionName(_ element: Element) -> String { "element_\(element.name)" }

    /// `return 4  // Target` or `return nil` for an exit.
    func exit(_ target: Int?) -> String {
        target.map { "return \($0)  // \(flow.elements[$0].name)" } ?? "return nil"
    }

    var plans: RequestPlanEmitter { RequestPlanEmitter(values: values) }

    func sourceLine(_ line: Int, _ writer: inout CodeWriter) {
        plans.sourceLine(line, &writer)
    }
}
