/// A JSON request body as it is built from an element's `Body`: members placed by their dotted
/// keys, and numbers kept as the flow's text wrote them (a 17-digit ID stays those digits,
/// which a `Double` would round).
indirect enum JSONBody {
    case value(JSONValue)
    /// A number, as its JSON text.
    case number(String)
    case object([(key: String, value: JSONBody)])

    /// The JSON a body value sends with its `Format`; nil when `Number` is given text that is
    /// not a number.
    static func value(_ pieces: [TemplatePiece], text: String, format: BodyFormat) -> JSONBody? {
        switch format {
        case .string:
            return .value(.string(text))
        case .number:
            return numberText(text).map { .number($0) }
        case .boolean:
            return .value(.bool(["true", "True", "1", "yes"].contains(text)))
        case .auto:
            if pieces.count == 1, case .json(let value) = pieces[0] {
                if case .string(let string) = value { return auto(string) }
                return .value(value)
            }
            return auto(text)
        }
    }

    /// `Auto`: a number, a boolean or null where the text is exactly one, else a string. A
    /// number is written as JSON writes one, so `007` (a code, not a number) stays text.
    static func auto(_ text: String) -> JSONBody {
        switch text {
        case "true": return .value(.bool(true))
        case "false": return .value(.bool(false))
        case "null": return .value(.null)
        default:
            let integer = text.drop { $0 == "-" }.prefix { $0 != "." }
            if isNumber(text), integer == "0" || !integer.hasPrefix("0") {
                return .number(text)
            }
            return .value(.string(text))
        }
    }

    /// What `Format: Number` sends for `text`: an integer or a decimal with a dot, with an
    /// optional minus; leading zeros dropped, since JSON has none. Not `1e3`, `nan`, `0x10`.
    static func numberText(_ text: String) -> String? {
        guard isNumber(text) else { return nil }
        let negative = text.hasPrefix("-")
        var digits = Substring(text.dropFirst(negative ? 1 : 0))
        while digits.count > 1, digits.first == "0", digits.dropFirst().first != "." { digits = digits.dropFirst() }
        return (negative ? "-" : "") + digits
    }

    /// `-?[0-9]+(\.[0-9]+)?`
    static func isNumber(_ text: String) -> Bool {
        let unsigned = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        let parts = unsigned.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }

    /// Sets `value` at a dotted path inside an object, creating objects on the way.
    func inserting(_ value: JSONBody, at path: ArraySlice<String>) -> JSONBody {
        guard let key = path.first, case .object(var members) = self else { return value }
        let rest = path.dropFirst()
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = rest.isEmpty ? value : members[index].value.inserting(value, at: rest)
        } else {
            members.append((key, rest.isEmpty ? value : JSONBody.object([]).inserting(value, at: rest)))
        }
        return .object(members)
    }

    /// Compact JSON text.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .value(let value): value.write(to: &out)
        case .number(let text): out += text
        case .object(let members):
            JSONValue.writeObject(members, to: &out) { $0.write(to: &$1) }
        }
    }
}
