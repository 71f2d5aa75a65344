#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The compiler's only file access: reading a file it was asked to read.
public enum FileSystem {
    /// The bytes of the file at `path`, or nil if it cannot be read.
    @Sendable public static func read(_ path: String) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }
}
