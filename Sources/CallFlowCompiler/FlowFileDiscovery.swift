#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds the flow files (or the scenario files) under the paths given on a command line.
public final class FlowFileDiscovery {
    /// Paths that could not be used, as messages.
    public private(set) var problems: [String] = []
    private let skipsTestFolders: Bool

    /// - Parameter skipsTestFolders: leave out folders named `Tests` (which hold scenario
    ///   files) when searching for flows; false when searching for scenarios.
    public init(skipsTestFolders: Bool = true) {
        self.skipsTestFolders = skipsTestFolders
    }

    /// Files named directly, and `*.yaml`/`*.yml` files below directories, sorted within each
    /// directory. Hidden folders hold tool state and are left out of a directory search.
    public func flowFiles(in paths: [String]) -> [String] {
        var files: [String] = []
        var seen = Set<String>()
        for path in paths {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append("no such file or directory: \(path)")
                continue
            }
            let found = isDirectory ? search(directory: path) : [path]
            if isDirectory, found.isEmpty {
                problems.append("no \(skipsTestFolders ? "flow" : "scenario") files (*.yaml, *.yml) in \(path)")
            }
            for file in found where seen.insert(file).inserted { files.append(file) }
        }
        return files
    }

    private func search(directory: String) -> [String] {
        let base = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else {
            problems.append("cannot read the directory \(base)")
            return []
        }
        var files: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = base + "/" + name
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory {
                if !(skipsTestFolders && name == "Tests") { files += search(directory: path) }
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                files.append(path)
            }
        }
        return files
    }
}
