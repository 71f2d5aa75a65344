/// The name rules of the language.
enum Identifier {
    /// Fillpoint roots that no element or property may shadow.
    /// Three names: a list compares quicker than a set hashes.
    static let reservedRoots = ["call", "contact", "secrets"]
    /// The namespaces only a workflow reads (`<<recording.file>>`, `<<request.error>>`).
    static let workflowRoots = ["recording", "request"]

    /// `[A-Z][A-Za-z0-9]*`: a flow name, which becomes a Swift type name.
    static func isTypeName(_ text: String) -> Bool {
        guard let first = text.utf8.first, isUpper(first) else { return false }
        return text.utf8.allSatisfy { isLetter($0) || isDigit($0) }
    }

    /// `[A-Za-z][A-Za-z0-9_]*`: an element or property name.
    static func isElementName(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLetter(first) else { return false }
        return text.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`: a secret, read from `FLOW_SECRET_<NAME>`.
    static func isSecretName(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return text.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// A valid element name close to `text` (spaces and dashes become `_`), if there is one.
    static func elementNameSuggestion(for text: String) -> String? {
        let mapped = String(text.map { $0 == " " || $0 == "-" || $0 == "." ? "_" : $0 })
        return isElementName(mapped) ? mapped : nil
    }

    /// A valid flow name close to `text` (words joined in UpperCamelCase), if there is one.
    static func typeNameSuggestion(for text: String) -> String? {
        let words = text.split { !($0.isLetter || $0.isNumber) }
        let joined = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return isTypeName(joined) ? joined : nil
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
