#if canImport(Glibc)
import Glibc
#endif

/// The process's environment.
public enum ProcessEnvironment {
    /// The variable `name`, or nil when it is unset or empty.
    public static func value(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    public static var processID: Int32 { getpid() }
}
