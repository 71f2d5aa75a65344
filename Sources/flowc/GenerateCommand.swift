import ArgumentParser
import CallFlowCompiler

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `flowc generate --output DIR PATH …`: one Swift file per flow, what the build plugin runs.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Check flow files and write one Swift file per flow.",
        discussion: """
            Writes one Swift file for each flow file, named from its path (Flows/Lead.yaml gives \
            Flows_Lead.yaml.swift), and AllFlows.swift, the list of all flows. A file \
            is written only when its content changes, so an unchanged flow causes no recompile. \
            Nothing is written if a flow has an error; the diagnostics are printed and the exit \
            status is 1.
            """
    )

    @Option(name: .long, help: "The folder to write the Swift files to.")
    var output: String

    @Option(name: .long, help: "Show paths relative to this folder in diagnostics and file headers (the build plugin passes the package folder).")
    var relativeTo: String?

    /// None is fine: a target whose flows are still to be written gets an empty `GeneratedFlows.all`.
    @Argument(help: "Flow files or folders.")
    var paths: [String] = []

    func run() throws {
        let discovery = FlowFileDiscovery()
        let files = discovery.flowFiles(in: paths)
        for problem in discovery.problems { printError("flowc: error: \(problem)") }
        guard discovery.problems.isEmpty else { throw ExitCode(1) }

        let root = relativeTo.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        func display(_ path: String) -> String {
            guard let root, path.hasPrefix(root + "/") else { return path }
            return String(path.dropFirst(root.count + 1))
        }
        var byOutput: [String: String] = [:]
        var sources: [FlowCompiler.Source] = []
        for file in files {
            let shown = display(file)
            let name = FlowCompiler.outputName(forFlowFile: shown)
            if let other = byOutput[name] {
                printError("flowc: error: \(shown) and \(other) would both generate \(name); give flow files different names")
                throw ExitCode(1)
            }
            byOutput[name] = shown
            guard let bytes = FileSystem.read(file) else {
                printError("flowc: error: cannot read \(file)")
                throw ExitCode(1)
            }
            sources.append(FlowCompiler.Source(path: shown, contents: bytes))
        }

        let cachePath = output + "/" + GenerationCache.fileName
        let generator = Self.generatorIdentity()
        let (result, generated, cache) = FlowCompiler.generate(
            sources,
            readFile: { path in FileSystem.read(path.hasPrefix("/") || root == nil ? path : root! + "/" + path) },
            reusing: generator.map { loadCache(at: cachePath, generator: $0) ?? GenerationCache(generator: $0) })
        printError(DiagnosticFormat.text.render(result.diagnostics), terminator: "")
        guard !result.hasErrors else {
            try? FileManager.default.removeItem(atPath: cachePath)
            throw ExitCode(1)
        }

        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        do {
            try GeneratedFileWriter.writeChanges(generated.map { (output + "/" + $0.name, Array($0.contents.utf8)) })
        } catch let error as GeneratedFileWriter.WriteError {
            printError("flowc: error: cannot write \(error.path)")
            throw ExitCode(1)
        }
        removeStaleFiles(keeping: Set(generated.map(\.name) + cache.entries.keys.map(FlowCompiler.outputName(forFlowFile:))))
        if generator != nil, let data = try? JSONEncoder().encode(cache) {
            // Written whole and renamed, so a run stopped halfway leaves the last cache or none.
            try? data.write(to: URL(fileURLWithPath: cachePath), options: .atomic)
        }
    }

    /// The cache of the last run, if this flowc wrote it; only the entries whose Swift file is
    /// still there (one deleted by hand is written again).
    private func loadCache(at path: String, generator: String) -> GenerationCache? {
        guard let data = FileManager.default.contents(atPath: path),
              var cache = try? JSONDecoder().decode(GenerationCache.self, from: data), cache.generator == generator else { return nil }
        cache.entries = cache.entries.filter { FileManager.default.fileExists(atPath: output + "/" + FlowCompiler.outputName(forFlowFile: $0.key)) }
        return cache
    }

    /// This flowc's executable, its size and modification time: a rebuilt flowc does not take
    /// another's cache. nil where the executable cannot be found.
    private static func generatorIdentity() -> String? {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size], let modified = attributes[.modificationDate] as? Date else { return nil }
        return "\(path) \(size) \(modified.timeIntervalSince1970)"
    }

    /// Files this command wrote for flows that are gone; anything else in the folder stays.
    private func removeStaleFiles(keeping names: Set<String>) {
        guard let existing = try? FileManager.default.contentsOfDirectory(atPath: output) else { return }
        for name in existing where name.hasSuffix(".swift") && !names.contains(name) {
            let path = output + "/" + name
            if let bytes = FileSystem.read(path), bytes.starts(with: Array("// DO NOT EDIT. Generated by flowc".utf8)) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}
