/// Writes indented Swift source line by line.
struct CodeWriter {
    private(set) var text = ""
    private var indentation = 0

    mutating func line(_ line: String = "") {
        if !line.isEmpty {
            text += String(repeating: "    ", count: indentation)
            text += line
        }
        text += "\n"
    }

    /// A line flush with the margin (`#sourceLocation` directives).
    mutating func directive(_ line: String) {
        text += line + "\n"
    }

    /// `opening {`, the body indented, then `}`.
    mutating func block(_ opening: String, _ body: (inout CodeWriter) -> Void) {
        enclosed(opening + " {", "}", body)
    }

    /// `opening [`, the items indented, then `]` and `suffix`: an array literal.
    mutating func list(_ opening: String, suffix: String = "", _ body: (inout CodeWriter) -> Void) {
        enclosed(opening.hasSuffix("(") ? opening + "[" : opening + " [", "]" + suffix, body)
    }

    /// `opening`, the body indented, then `closing`.
    mutating func enclosed(_ opening: String, _ closing: String, _ body: (inout CodeWriter) -> Void) {
        line(opening)
        indentation += 1
        body(&self)
        indentation -= 1
        line(closing)
    }

    /// `opening` (`CompiledFlow(`), one argument a line with commas between, then `closing`.
    mutating func arguments(_ opening: String, _ arguments: [String], closing: String = ")") {
        enclosed(opening, closing) { writer in
            for (index, argument) in arguments.enumerated() { writer.line(argument + (index == arguments.count - 1 ? "" : ",")) }
        }
    }
}
