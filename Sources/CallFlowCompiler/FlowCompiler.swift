/// The compiler's entry point: flow files in, the checked flows and their diagnostics out.
///
/// It reads no file it is not given, except a `ResultSample` that a flow names (through
/// `readFile`), so that tests and tools can check sources held in memory.
public enum FlowCompiler {
    /// A flow file to check: its path as the user named it, and its bytes.
    public struct Source: Sendable {
        public var path: String
        public var contents: [UInt8]

        public init(path: String, contents: [UInt8]) {
            self.path = path
            self.contents = contents
        }

        public init(path: String, text: String) {
            self.init(path: path, contents: Array(text.utf8))
        }
    }

    public struct Result: Sendable {
        /// The flows that could be read, in the order of their files.
        public var flows: [Flow]
        /// The workflows (files whose top key is `Workflow`), in the order of their files.
        public var workflows: [Workflow] = []
        /// Every diagnostic of every file, in file order and then by position.
        public var diagnostics: [Diagnostic]

        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// A Swift file written by `generate`.
    public struct GeneratedFile: Sendable, Equatable {
        public var name: String
        public var contents: String
    }

    /// The Swift file name for a flow file, made from its whole path (as given, relative to
    /// the package), so that `a/Menu.yaml` and `b/Menu.yaml`, or `x.yaml` and `x.yml`, never
    /// share one: letters, digits, `.` and `-` stay, `/` becomes `_`, and every other byte is
    /// `%XX`. `Flows/Lead.yaml` gives `Flows_Lead.yaml.swift`. The build plugin names its
    /// outputs the same way; `AllFlows.swift` cannot be such a name.
    public static func outputName(forFlowFile path: String) -> String {
        var name = ""
        for byte in path.utf8.drop(while: { $0 == UInt8(ascii: "/") }) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "-"):
                name.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/"):
                name += "_"
            default:
                name += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return name + ".swift"
    }

    /// Checks `sources` and, if there is no error, emits one Swift file per flow file (named by
    /// `outputName(forFlowFile:)`) and `AllFlows.swift`, the list of all flows.
    public static func generate(_ sources: [Source],
                                readFile: @escaping @Sendable (String) -> [UInt8]? = FileSystem.read) -> (result: Result, files: [GeneratedFile]) {
        let result = check(sources, readFile: readFile)
        guard !result.hasErrors else { return (result, []) }
        var files = result.flows.concurrentMap { flow in
            GeneratedFile(name: outputName(forFlowFile: flow.file),
                          contents: FlowEmitter(flow: flow, displayPath: flow.file).emit())
        }
        let flowsByName = Dictionary(result.flows.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        files += result.workflows.map { workflow in
            GeneratedFile(name: outputName(forFlowFile: workflow.file),
                          contents: WorkflowEmitter(workflow: workflow, flow: workflow.flow.flatMap { flowsByName[$0.value] },
                                                    displayPath: workflow.file).emit())
        }
        files.append(GeneratedFile(name: RegistryEmitter.fileName, contents: RegistryEmitter.emit(result.flows, workflows: result.workflows)))
        return (result, files)
    }

    /// Reads one file's YAML and decodes its flow or workflow. The YAML tree is freed on return,
    /// so that its memory is given back before the checks take more.
    private static func decode(_ source: Source, sink: DiagnosticSink, readFile: @escaping @Sendable (String) -> [UInt8]?) -> FlowDecoder.Decoded? {
        let yaml = YAMLLoader.load(source.contents, file: source.path)
        sink.append(contentsOf: yaml.diagnostics)
        guard yaml.diagnostics.isEmpty else { return nil }
        // The nodes read the tree that `yaml` holds: it must live until decoding is done.
        return withExtendedLifetime(yaml) { FlowDecoder(file: source.path, sink: sink, readFile: readFile).decodeFile(yaml.documents) }
    }

    /// Parses, decodes and checks `sources` as one set: flow and workflow names are unique
    /// across files, and a workflow's `Flow` names a flow of the set.
    public static func check(_ sources: [Source], readFile: @escaping @Sendable (String) -> [UInt8]? = FileSystem.read) -> Result {
        var flows: [Flow] = []
        var workflows: [Workflow] = []
        var byFile: [String: [Diagnostic]] = [:]
        let decoded = sources.concurrentMap { source -> (FlowDecoder.Decoded?, [Diagnostic]) in
            let sink = DiagnosticSink(file: source.path)
            let decoded = decode(source, sink: sink, readFile: readFile)
            if case .flow(let flow)? = decoded { FlowChecker(flow: flow, sink: sink).run() }
            return (decoded, sink.diagnostics)
        }
        for (source, (file, diagnostics)) in zip(sources, decoded) {
            switch file {
            case .flow(let flow)?: flows.append(flow)
            case .workflow(let workflow)?: workflows.append(workflow)
            case nil: break
            }
            byFile[source.path, default: []].append(contentsOf: diagnostics)
        }

        // Flows and workflows both become Swift types of one module.
        var firstByName: [String: (file: String, location: SourceLocation, kind: String)] = [:]
        var flowsByName: [String: Flow] = [:]
        let named = flows.map { (name: $0.name, file: $0.file, kind: "flow") } + workflows.map { (name: $0.name, file: $0.file, kind: "workflow") }
        for item in named where !item.name.value.isEmpty {
            if let first = firstByName[item.name.value] {
                byFile[item.file, default: []].append(Diagnostic(.duplicateName, in: item.file, at: item.name.location,
                    "another \(first.kind) is already named `\(item.name.value)`; \(first.kind == item.kind ? item.kind : "flow and workflow") names become Swift type names and must be unique",
                    notes: ["`\(item.name.value)` is first defined at \(first.location.reference(in: first.file))"]))
            } else {
                firstByName[item.name.value] = (item.file, item.name.location, item.kind)
            }
        }
        for flow in flows where flowsByName[flow.name.value] == nil { flowsByName[flow.name.value] = flow }
        for workflow in workflows {
            let sink = DiagnosticSink(file: workflow.file)
            WorkflowChecker(workflow: workflow, flows: flowsByName, sink: sink).run()
            byFile[workflow.file, default: []].append(contentsOf: sink.diagnostics)
        }

        var diagnostics: [Diagnostic] = []
        var seenFiles = Set<String>()
        for source in sources where seenFiles.insert(source.path).inserted {
            // Stable: diagnostics at one position keep the order they were found in.
            let sorted = (byFile[source.path] ?? []).enumerated().sorted {
                ($0.element.location.line, $0.element.location.column, $0.offset) < ($1.element.location.line, $1.element.location.column, $1.offset)
            }
            diagnostics += sorted.map(\.element)
        }
        return Result(flows: flows, workflows: workflows, diagnostics: diagnostics)
    }
}
