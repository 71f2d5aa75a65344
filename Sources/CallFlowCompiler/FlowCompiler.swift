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
        let run = generate(sources, readFile: readFile, reusing: nil)
        return (run.result, run.files)
    }

    /// `generate`, taking from `cache` each flow file that is unchanged since the run that made
    /// it (see `GenerationCache`): such a flow is not read or checked, its warnings come from the
    /// cache, and no Swift file is emitted for it, since the one written then is still right.
    /// Returns the cache for the next run: every flow file of this one, unless it has errors.
    public static func generate(_ sources: [Source], readFile: @escaping @Sendable (String) -> [UInt8]? = FileSystem.read,
                                reusing cache: GenerationCache?) -> (result: Result, files: [GeneratedFile], cache: GenerationCache) {
        let checked = check(sources, readFile: readFile, reusing: cache)
        let result = checked.result
        var next = GenerationCache(generator: cache?.generator ?? "", entries: checked.entries)
        guard !result.hasErrors else {
            next.entries = [:]
            return (result, [], next)
        }
        var files = result.flows.concurrentMap { flow in
            GeneratedFile(name: outputName(forFlowFile: flow.file),
                          contents: FlowEmitter(flow: flow, displayPath: flow.file).emit())
        }
        files += result.workflows.map { workflow in
            GeneratedFile(name: outputName(forFlowFile: workflow.file),
                          contents: WorkflowEmitter(workflow: workflow, flow: workflow.flow.flatMap { checked.flowsByName[$0.value] },
                                                    displayPath: workflow.file).emit())
        }
        files.append(GeneratedFile(name: RegistryEmitter.fileName,
                                   contents: RegistryEmitter.emit(flows: checked.flowNames, workflows: result.workflows.map(\.name.value))))
        return (result, files, next)
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
        check(sources, readFile: readFile, reusing: nil).result
    }

    /// What checking a set of files found, beyond `Result`.
    private struct CheckedFiles {
        var result: Result
        /// Every flow's name, in the order of the files, kept ones too.
        var flowNames: [String]
        /// The flows by name, with the kept flows that a workflow names, read again for it.
        var flowsByName: [String: Flow]
        /// What `GenerationCache` keeps of each flow file.
        var entries: [String: GenerationCache.Entry]
    }

    /// How one file came out: read and checked, or kept from the cache.
    private enum FileOutcome: Sendable {
        case checked(FlowDecoder.Decoded?, diagnostics: [Diagnostic], reads: [GenerationCache.Read])
        case kept(GenerationCache.Entry)
    }

    private static func check(_ sources: [Source], readFile: @escaping @Sendable (String) -> [UInt8]?, reusing cache: GenerationCache?) -> CheckedFiles {
        var flows: [Flow] = []
        var workflows: [Workflow] = []
        var byFile: [String: [Diagnostic]] = [:]
        var names: [(name: Located<String>, file: String, kind: String)] = []
        var entries: [String: GenerationCache.Entry] = [:]
        var keptSources: [String: Source] = [:]
        let outcomes = sources.concurrentMap { source -> FileOutcome in
            if let entry = cache?.unchangedEntry(for: source, readFile: readFile) { return .kept(entry) }
            let sink = DiagnosticSink(file: source.path)
            let log = ReadLog()
            let decoded = decode(source, sink: sink, readFile: log.recording(readFile))
            if case .flow(let flow)? = decoded { FlowChecker(flow: flow, sink: sink).run() }
            return .checked(decoded, diagnostics: sink.diagnostics, reads: log.all)
        }
        for (source, outcome) in zip(sources, outcomes) {
            switch outcome {
            case .kept(let entry):
                byFile[source.path, default: []].append(contentsOf: entry.diagnostics)
                names.append((Located(entry.name, at: entry.nameLocation), source.path, "flow"))
                entries[source.path] = entry
                if keptSources[entry.name] == nil { keptSources[entry.name] = source }
            case .checked(let decoded, let diagnostics, let reads):
                switch decoded {
                case .flow(let flow)?:
                    flows.append(flow)
                    names.append((flow.name, flow.file, "flow"))
                    entries[source.path] = GenerationCache.Entry(contents: source.contents, reads: reads, name: flow.name.value,
                                                                 nameLocation: flow.name.location, diagnostics: diagnostics)
                case .workflow(let workflow)?:
                    workflows.append(workflow)
                case nil:
                    break
                }
                byFile[source.path, default: []].append(contentsOf: diagnostics)
            }
        }
        names += workflows.map { ($0.name, $0.file, "workflow") }

        // Flows and workflows both become Swift types of one module.
        var firstByName: [String: (file: String, location: SourceLocation, kind: String)] = [:]
        for item in names where !item.name.value.isEmpty {
            if let first = firstByName[item.name.value] {
                byFile[item.file, default: []].append(Diagnostic(.duplicateName, in: item.file, at: item.name.location,
                    "another \(first.kind) is already named `\(item.name.value)`; \(first.kind == item.kind ? item.kind : "flow and workflow") names become Swift type names and must be unique",
                    notes: ["`\(item.name.value)` is first defined at \(first.location.reference(in: first.file))"]))
            } else {
                firstByName[item.name.value] = (item.file, item.name.location, item.kind)
            }
        }
        var flowsByName: [String: Flow] = [:]
        for flow in flows where flowsByName[flow.name.value] == nil { flowsByName[flow.name.value] = flow }
        // A kept flow that a workflow names is read again, for the workflow's checks and Swift.
        for name in Set(workflows.compactMap { $0.flow?.value }) where flowsByName[name] == nil {
            guard let source = keptSources[name],
                  case .flow(let flow)? = decode(source, sink: DiagnosticSink(file: source.path), readFile: readFile) else { continue }
            flowsByName[name] = flow
        }
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
        return CheckedFiles(result: Result(flows: flows, workflows: workflows, diagnostics: diagnostics),
                            flowNames: names.filter { $0.kind == "flow" }.map(\.name.value), flowsByName: flowsByName, entries: entries)
    }
}
