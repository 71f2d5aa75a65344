#if canImport(Glibc)
import Glibc
#endif

/// The process's environment.
enum Environment {
    /// The variable `name`, or nil when it is unset or empty.
    static func value(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    static var processID: Int32 { getpid() }
}
