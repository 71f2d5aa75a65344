import CallFlowCompiler

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered output on the standard streams. Every line `flows` prints goes through here, so a
/// trace read through a pipe sees each event as it happens and in order.
enum Terminal {
    static func out(_ text: String, terminator: String = "\n") { write(text + terminator, to: 1) }
    static func error(_ text: String) { write(text + "\n", to: 2) }
    /// Text without a newline on standard error (a prompt, a spinner frame).
    static func errorInline(_ text: String) { write(text, to: 2) }

    /// `text` with control characters escaped (`PrintableText`); with `keepingLines`, line
    /// feeds stay.
    static func printable(_ text: String, keepingLines: Bool = false) -> String {
        PrintableText.escaped(text, keepingLines: keepingLines)
    }

    static var outputIsTerminal: Bool { isatty(1) == 1 }
    static var errorIsTerminal: Bool { isatty(2) == 1 }
    static var inputIsTerminal: Bool { isatty(0) == 1 }

    private static func write(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                #if canImport(Darwin)
                Darwin.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                #else
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                #endif
            }
            if result <= 0 { return }
            written += result
        }
    }
}
