import Foundation
import PackagePlugin

/// Compiles the flow files of the target it is applied to with one `flowc generate` command.
///
/// Flow files are the target's `*.yaml`/`*.yml` outside `Tests/` folders (which hold scenario
/// files). Keeping them inside the target's folder is what makes SwiftPM run the plugin again
/// when one is added or removed. Every YAML and JSON file of the target is an input of the
/// command, so editing a flow, a scenario or a `ResultSample` rebuilds, and none of them draws
/// an "unhandled file" warning.
@main
struct CallFlowPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let inputs = target.sourceFiles.map(\.url).filter { ["yaml", "yml", "json"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
        let root = target.directoryURL.path
        let flows = inputs.filter { url in
            guard url.pathExtension != "json" else { return false }
            let relative = url.path.hasPrefix(root + "/") ? String(url.path.dropFirst(root.count + 1)) : url.path
            return !relative.split(separator: "/").dropLast().contains("Tests")
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedFlows")
        let package = context.package.directoryURL.path
        let outputs = flows.map { url in
            output.appending(path: Self.outputName(forFlowFile: url.path.hasPrefix(package + "/") ? String(url.path.dropFirst(package.count + 1)) : url.path))
        } + [output.appending(path: "AllFlows.swift")]
        return [
            .buildCommand(
                displayName: "Compiling \(flows.count) flow\(flows.count == 1 ? "" : "s") of \(target.name)",
                executable: try context.tool(named: "flowc").url,
                arguments: ["generate", "--output", output.path, "--relative-to", context.package.directoryURL.path] + flows.map(\.path),
                inputFiles: inputs,
                outputFiles: outputs),
        ]
    }

    /// The name `flowc generate` gives the Swift file of a flow file (`FlowCompiler.outputName`,
    /// which a plugin cannot import): its path relative to the package, `/` as `_`, every byte
    /// but letters, digits, `.` and `-` as `%XX`. The fixture package's build test fails if the
    /// two ever differ.
    static func outputName(forFlowFile path: String) -> String {
        var name = ""
        for byte in path.utf8.drop(while: { $0 == UInt8(ascii: "/") }) {
            if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x2D {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == UInt8(ascii: "/") {
                name += "_"
            } else {
                name += String(format: "%%%02X", byte)
            }
        }
        return name + ".swift"
    }
}
