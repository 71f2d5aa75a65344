import ArgumentParser
import CallFlowCompiler

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `flowc graph PATH --format mermaid|dot|svg`: one flow as a graph, on standard output.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a flow or a workflow as a graph: elements (or actions) as nodes, exits as labelled edges.",
        discussion: """
            mermaid renders in Markdown (GitHub, GitLab, many wikis); dot is Graphviz's language; \
            svg runs Graphviz's `dot` command, which must be installed (apt install graphviz). \
            Transfer and Hangup elements, where the call ends, have a double border (dot) or \
            round ends (mermaid). A flow with errors is not drawn: its errors are printed instead.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case mermaid, dot, svg
    }

    @Argument(help: "The flow or workflow file.")
    var path: String

    @Option(name: .long, help: "mermaid, dot or svg.")
    var format: Format = .mermaid

    func run() throws {
        guard let bytes = FileSystem.read(path) else {
            printError("flowc: error: cannot read \(path)")
            throw ExitCode(1)
        }
        // A workflow is checked with the flows beside it, one of which it may name.
        var sources = [FlowCompiler.Source(path: path, contents: bytes)]
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        for file in FlowFileDiscovery().flowFiles(in: [folder]) where file != path {
            if let contents = FileSystem.read(file) { sources.append(FlowCompiler.Source(path: file, contents: contents)) }
        }
        let result = FlowCompiler.check(sources)
        let own = result.diagnostics.filter { $0.file == path }
        let writer: FlowGraphWriter
        if let workflow = result.workflows.first(where: { $0.file == path }), !own.contains(where: { $0.severity == .error }) {
            writer = FlowGraphWriter(workflow: workflow)
        } else if let flow = result.flows.first(where: { $0.file == path }), !own.contains(where: { $0.severity == .error }) {
            writer = FlowGraphWriter(flow: flow)
        } else {
            printError(DiagnosticFormat.text.render(own), terminator: "")
            printError("flowc: error: \(path) has errors; fix them to draw its graph")
            throw ExitCode(1)
        }
        switch format {
        case .mermaid: print(writer.render(.mermaid), terminator: "")
        case .dot: print(writer.render(.dot), terminator: "")
        case .svg: try Self.svg(fromDot: writer.render(.dot))
        }
    }

    /// Runs `dot -Tsvg` on the graph, its output going straight to ours.
    private static func svg(fromDot text: String) throws {
        var template = Array("/tmp/flowc-graph-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            printError("flowc: error: cannot create a temporary file for dot")
            throw ExitCode(1)
        }
        let file = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(file) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else {
            printError("flowc: error: cannot write the temporary file \(file)")
            throw ExitCode(1)
        }
        let arguments = ["dot", "-Tsvg", file]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, "dot", nil, nil, &argv, environ)
        guard spawned == 0 else {
            if spawned == ENOENT {
                printError("flowc: error: --format svg needs Graphviz's `dot` command, which is not installed; install it (apt install graphviz), or print --format dot or mermaid instead")
            } else {
                printError("flowc: error: cannot run dot: \(String(cString: strerror(spawned)))")
            }
            throw ExitCode(1)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0
        guard exited, (status >> 8) & 0xff == 0 else {
            printError("flowc: error: dot failed")
            throw ExitCode(1)
        }
    }
}
