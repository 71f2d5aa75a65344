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

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}

/// A body value's `Format`.
public enum BodyFormat: Sendable {
    case auto, string, number, boolean
}
