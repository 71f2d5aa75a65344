#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import CallFlowCompiler

/// Writes generated Swift files so that the Swift driver sees every change.
///
/// A file is written only when its content changes, so an unchanged flow costs no recompile.
/// The driver (swift-driver in Swift 6.3 on Linux, as measured here) decides that a file is
/// unchanged when its modification time equals the one of the previous build *in whole
/// seconds*: a flow edited and rebuilt within the second of the previous generation would keep
/// its stale object file, and would go on doing so until the file changed again. So when a
/// file is rewritten in the same second as its previous version, the writer waits for the next
/// second first.
struct GeneratedFileWriter {
    struct WriteError: Error {
        var path: String
    }

    /// Writes each file whose content differs from what is at its path.
    static func writeChanges(_ files: [(path: String, bytes: [UInt8])]) throws {
        let changed = files.filter { FileSystem.read($0.path) != $0.bytes }
        waitForANewSecond(unlike: Set(changed.compactMap { modificationSecond(of: $0.path) }))
        for file in changed {
            let previous = modificationSecond(of: file.path)
            try writeReplacing(file.path, file.bytes)
            // A clock that the file system does not follow (a network file system) could still
            // give the same second; then the time is set to the next second, which has begun.
            if let previous, modificationSecond(of: file.path) == previous {
                var times = [timespec(tv_sec: previous + 1, tv_nsec: 0), timespec(tv_sec: previous + 1, tv_nsec: 0)]
                _ = utimensat(AT_FDCWD, file.path, &times, 0)
            }
        }
    }

    /// The whole second of the file's modification time, or nil if there is no such file.
    static func modificationSecond(of path: String) -> Int? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        #if canImport(Darwin)
        return status.st_mtimespec.tv_sec
        #else
        return status.st_mtim.tv_sec
        #endif
    }

    /// Sleeps while the clock that file times come from is in one of `seconds`. Times in the
    /// future (a skewed clock) cause no wait: a write now gets an earlier second.
    private static func waitForANewSecond(unlike seconds: Set<Int>) {
        while true {
            let now = fileClock()
            guard seconds.contains(now.tv_sec) else { return }
            var rest = timespec(tv_sec: 0, tv_nsec: max(1_000_000_000 - now.tv_nsec, 1_000_000))
            nanosleep(&rest, nil)
        }
    }

    private static func fileClock() -> timespec {
        var now = timespec()
        // Linux stamps files from the coarse clock, which can lag the precise one by a tick.
        #if os(Linux)
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        #else
        clock_gettime(CLOCK_REALTIME, &now)
        #endif
        return now
    }

    /// Writes to a temporary file beside `path` and renames it over `path`, so that a build
    /// never reads half a file.
    private static func writeReplacing(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = path + ".flowc-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: path) }
        guard writeAll(bytes, to: descriptor) else {
            close(descriptor)
            unlink(temporary)
            throw WriteError(path: path)
        }
        guard close(descriptor) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw WriteError(path: path)
        }
    }
}
