/// YAML values as JSON text, as YAML's core schema reads them: a plain `42` is a number,
/// `true` a boolean, `~` null, and anything quoted or tagged is a string.
enum YAMLJSON {
    static func text(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let scalar):
            return nonString(node, scalar) ?? JSONText.string(scalar.value)
        case .sequence(let items):
            return JSONText.array(items.map(text))
        case .mapping(let pairs):
            return JSONText.object(pairs.map { ($0.key.text ?? "", text($0.value)) })
        }
    }

    /// A value written in a scenario as it is meant: text where YAML reads a string (`gold`,
    /// `'{"a": 1}'`), JSON text for a number, boolean, null, list or mapping.
    static func textOrJSON(_ node: YAMLNode) -> (text: String, isJSON: Bool) {
        if let scalar = node.scalar, nonString(node, scalar) == nil { return (scalar.value, false) }
        return (text(node), true)
    }

    /// The JSON of a scalar that YAML reads as a number, a boolean or null; nil for a string.
    private static func nonString(_ node: YAMLNode, _ scalar: YAMLScalar) -> String? {
        if scalar.style != .plain || node.tag != nil { return nil }
        if node.isNull { return "null" }
        switch scalar.value {
        case "true", "True", "TRUE": return "true"
        case "false", "False", "FALSE": return "false"
        default: return isNumber(scalar.value) ? scalar.value : nil
        }
    }

    /// A JSON number: `-?digits[.digits][e[+-]digits]`, no leading zeros.
    private static func isNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            let count = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        let first = bytes.first
        let integer = digits()
        guard integer > 0, !(first == UInt8(ascii: "0") && integer > 1) else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
