/// The encodings of FLOW-LANGUAGE.md §4.
public enum Encoding {
    private static let unreservedPath = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// A value inside a URL: everything but unreserved characters percent-encoded, so a value
    /// cannot add path segments, a query or a fragment.
    public static func percentEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if unreservedPath.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + hex(byte)
            }
        }
        return out
    }

    /// `application/x-www-form-urlencoded`: spaces as `+`, the rest as in a URL.
    public static func formEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") {
                out += "+"
            } else if unreservedPath.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + hex(byte)
            }
        }
        return out
    }

    /// `name=value&name=value`, form-encoded.
    public static func form(_ fields: [(String, String)]) -> String {
        fields.map { formEncoded($0.0) + "=" + formEncoded($0.1) }.joined(separator: "&")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }

    /// The JSON a body value sends with its `Format`.
    public static func bodyValue(_ pieces: [TemplatePiece], text: String, format: BodyFormat) -> JSONValue {
        switch format {
        case .string:
            return .string(text)
        case .number:
            return Double(text).map { .number($0) } ?? .string(text)
        case .boolean:
            return .bool(["true", "True", "1", "yes"].contains(text))
        case .auto:
            if pieces.count == 1, case .json(let value) = pieces[0] {
                if case .string(let string) = value { return auto(string) }
                return value
            }
            return auto(text)
        }
    }

    /// `Auto`: a number, a boolean or null where the text is exactly one, else a string.
    static func auto(_ text: String) -> JSONValue {
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default:
            if isJSONNumber(text), let number = Double(text) { return .number(number) }
            return .string(text)
        }
    }

    /// Whether `text` is written as a JSON number (so `1e5` is, `0x10`, ` 1` and `NaN` are not).
    static func isJSONNumber(_ text: String) -> Bool {
        guard !text.isEmpty, (try? JSONParser.parse(text)).map({ if case .number = $0 { true } else { false } }) == true else { return false }
        return true
    }
}

/// A body value's `Format`.
public enum BodyFormat: Sendable {
    case auto, string, number, boolean
}
