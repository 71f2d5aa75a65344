#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiler's only file access: reading a file it was asked to read.
public enum FileSystem {
    /// The bytes of the file at `path`, or nil if it cannot be read.
    ///
    /// Read with POSIX calls straight into the array: going through `Data` would copy a large
    /// flow file twice.
    @Sendable public static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT != S_IFDIR else { return nil }
        // The size is a hint: what a file has beyond it (it grew, or is not a regular file) is
        // read in chunks until the end.
        var bytes: [UInt8] = []
        var chunk = max(Int(status.st_size), 0) + 1
        while true {
            var count = 0
            let more = [UInt8](unsafeUninitializedCapacity: chunk) { buffer, initialized in
                repeat {
                    count = readBytes(descriptor, buffer.baseAddress, chunk)
                } while count < 0 && errno == EINTR
                initialized = max(count, 0)
            }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            if bytes.isEmpty { bytes = more } else { bytes += more }
            chunk = 64 << 10
        }
    }

    private static func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }
}
