#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds the flow files under the paths given on the command line.
final class FlowFileDiscovery {
    /// Paths that could not be used, as messages.
    private(set) var problems: [String] = []

    /// Files named directly, and `*.yaml`/`*.yml` files below directories, sorted within each
    /// directory. `Tests/` folders hold scenario files and hidden folders hold tool state, so
    /// both are left out of a directory search.
    func flowFiles(in paths: [String]) -> [String] {
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
                problems.append("no flow files (*.yaml, *.yml) in \(path)")
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
                if name != "Tests" { files += search(directory: path) }
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                files.append(path)
            }
        }
        return files
    }
}
