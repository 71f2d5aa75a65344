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

    /// A Swift identifier for a JSON key: other characters become `_`, a leading digit gets a
    /// `_` before it, and names already `taken` get a number after them.
    static func identifier(forKey key: String, taken: inout Set<String>) -> String {
        var name = String(key.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_") ? Character(scalar) : "_"
        })
        // `_` alone binds nothing, and `Self` cannot be a member.
        if name.isEmpty || name.first!.isNumber || name == "Self" || name == "_" { name = "_" + name }
        var candidate = name
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(name)_\(suffix)"
            suffix += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// The identifiers of an object's fields, in order. Field code and the code that reads
    /// fields both come from here, so they agree.
    static func fieldIdentifiers(_ fields: [ValueType.Field]) -> [String] {
        var taken: Set<String> = ["json"]
        return fields.map { escaped(identifier(forKey: $0.name, taken: &taken)) }
    }

    /// `customer_info` → `Customer_info`: a type name from a key. Never a keyword or a type
    /// generated code needs (a key `String` holding an object would hide `Swift.String`).
    static func typeName(forKey key: String, taken: inout Set<String>) -> String {
        var scratch = Set<String>()
        let base = identifier(forKey: key, taken: &scratch)
        let upper = base.prefix(1).uppercased() + base.dropFirst()
        var candidate = upper
        var suffix = 2
        while taken.contains(candidate) || keywords.contains(candidate) || reservedTypeNames.contains(candidate) {
            candidate = "\(upper)\(suffix)"
            suffix += 1
        }
        taken.insert(candidate)
        return candidate
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
}
