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
        // The same names `flowc generate` gives its files: NAME.swift for NAME.yaml.
        let outputs = flows.map { output.appending(path: $0.deletingPathExtension().lastPathComponent + ".swift") }
            + [output.appending(path: "AllFlows.swift")]
        return [
            .buildCommand(
                displayName: "Compiling \(flows.count) flow\(flows.count == 1 ? "" : "s") of \(target.name)",
                executable: try context.tool(named: "flowc").url,
                arguments: ["generate", "--output", output.path, "--relative-to", context.package.directoryURL.path] + flows.map(\.path),
                inputFiles: inputs,
                outputFiles: outputs),
        ]
    }
}
