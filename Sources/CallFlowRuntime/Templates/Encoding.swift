/// The encodings of FLOW-LANGUAGE.md §4.
public enum Encoding {
    private static let unreservedPath = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// A value inside a URL: everything but unreserved characters percent-encoded, so a value
    /// cannot add path segments, a query or a fragment.
    public static func percentEncoded(_ value: String) -> String {
        encoded(value, keeping: unreservedPath)
    }

    private static let hostCharacters = unreservedPath.union(":[]".utf8)

    /// A value in a URL's host or port: what a host name, an IP address or a port is written
    /// with stays, everything else (`@`, `/`, `?`, `#`, …) is percent-encoded, so a value cannot
    /// change which server the URL names beyond its own place.
    public static func hostEncoded(_ value: String) -> String {
        encoded(value, keeping: hostCharacters)
    }

    private static let sipUserCharacters = unreservedPath.union("!*'()&=+$,;?/".utf8)

    /// A value as the user part of a SIP URI (RFC 3261 `user`: unreserved and
    /// user-unreserved characters stay), for a transfer's target.
    public static func sipUserEncoded(_ value: String) -> String {
        encoded(value, keeping: sipUserCharacters)
    }

    /// `value` with every byte but those `kept` percent-encoded.
    private static func encoded(_ value: String, keeping kept: Set<UInt8>) -> String {
        var out = ""
        for byte in value.utf8 {
            if kept.contains(byte) {
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

    /// `value` with each `%XX` turned back into its byte; a `%` not followed by two hex digits
    /// stays as it is.
    public static func percentDecoded(_ value: String) -> String {
        var bytes: [UInt8] = []
        var rest = value.utf8[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2, let decoded = UInt8(String(decoding: rest.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(decoded)
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}

/// A body value's `Format`.
public enum BodyFormat: Sendable {
    case auto, string, number, boolean
}
