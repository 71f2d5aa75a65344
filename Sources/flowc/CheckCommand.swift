import ArgumentParser
import CallFlowCompiler

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `flowc check [PATH …]`: prints the diagnostics of every flow file; exits 1 on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check flow files and print their diagnostics.",
        discussion: """
            Directories are searched for *.yaml and *.yml files, leaving out Tests/ folders \
            (they hold scenario files). Exits 1 if any error was found, else 0.
            """
    )

    @Option(name: .long, help: "Output format: text (on standard error), json (one object a line) or sarif (SARIF 2.1.0).")
    var format: DiagnosticFormat = .text

    @Argument(help: "Flow files or directories.")
    var paths: [String] = ["Flows"]

    func run() throws {
        let discovery = FlowFileDiscovery()
        let files = discovery.flowFiles(in: paths)
        for problem in discovery.problems {
            printError("flowc: error: \(problem)")
        }
        var sources: [FlowCompiler.Source] = []
        for file in files {
            guard let bytes = FileSystem.read(file) else {
                printError("flowc: error: cannot read \(file)")
                throw ExitCode(1)
            }
            sources.append(FlowCompiler.Source(path: file, contents: bytes))
        }
        let result = FlowCompiler.check(sources)
        let output = format.render(result.diagnostics)
        switch format {
        case .text:
            printError(output, terminator: "")
            // A path that could not be read is an error too, though no flow file holds it.
            let warnings = result.diagnostics.filter { $0.severity == .warning }.count
            let errors = result.diagnostics.count - warnings + discovery.problems.count
            let counts = errors + warnings == 0 ? "no problems" : [
                errors > 0 ? "\(errors) error\(errors == 1 ? "" : "s")" : nil,
                warnings > 0 ? "\(warnings) warning\(warnings == 1 ? "" : "s")" : nil,
            ].compactMap { $0 }.joined(separator: ", ")
            printError("flowc: checked \(files.count) flow file\(files.count == 1 ? "" : "s"): \(counts)")
        case .json, .sarif:
            print(output, terminator: "")
        }
        // Exit here, with the result still alive: freeing the trees and the model of a large
        // flow costs more than the operating system's reclaiming the whole process at once.
        let failed = result.hasErrors || !discovery.problems.isEmpty
        withExtendedLifetime(result) { terminate(failed ? 1 : 0) }
    }
}

extension DiagnosticFormat: ExpressibleByArgument {}

/// Ends the process at once, without unwinding (`exit` inside a command means ArgumentParser's).
func terminate(_ status: Int32) -> Never {
    exit(status)
}

/// Writes to standard error, where diagnostics go so that build logs show them.
func printError(_ text: String, terminator: String = "\n") {
    _ = writeAll(Array((text + terminator).utf8), to: 2)
}
