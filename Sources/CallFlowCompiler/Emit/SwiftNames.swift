/// Turns names from flow files into Swift identifiers and literals.
enum SwiftNames {
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows", "static",
        "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default", "defer", "do", "else",
        "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "Any", "as",
        "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "async", "some", "any", "Type",
        "Protocol", "consume", "copy", "borrowing", "consuming", "discard", "each",
    ]

    /// `name` as an identifier, backquoted if it is a keyword. `name` must already be a valid
    /// identifier (element and property names are, by the checks). `Self` cannot be a member
    /// even in backquotes (it would hide the type's own `Self`), so it becomes `_Self`, which
    /// no element or property can be named.
    static func escaped(_ name: String) -> String {
        if name == "Self" { return "_Self" }
        return keywords.contains(name) ? "`\(name)`" : name
    }

    /// The Swift type of a flow: its name, or `NAME_` where that would hide a type generated
    /// code needs (`reservedTypeNames`).
    static func flowTypeName(_ name: String) -> String {
        reservedTypeNames.contains(name) ? name + "_" : name
    }

    /// Text from a flow for a `//` comment: every line break (`\r`, U+2028 and the rest, which
    /// Swift also ends a comment at) a space, other control characters escaped, so the text
    /// cannot end the comment and become code.
    static func comment(_ text: String) -> String {
        PrintableText.escaped(text.split(whereSeparator: \.isNewline).joined(separator: " "))
    }

    /// A Swift string literal with the same text.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || c.value == 0x7F: out += "\\u{\(String(c.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The case of a runtime enum whose raw value is `rawValue`: `Equals` is `.equals`,
    /// `CallEnded` is `.callEnded`.
    static func enumCase(_ rawValue: String) -> String {
        rawValue.prefix(1).lowercased() + rawValue.dropFirst()
    }
}
