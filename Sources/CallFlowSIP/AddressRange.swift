#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address range in CIDR form (`127.0.0.1/32`, `10.0.0.0/8`, `::1/128`; a
/// plain address is one address): whom `flows serve --allow` lets in.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    private let bytes: [UInt8]
    private let prefix: Int
    public let description: String

    /// Loopback only: what `flows serve` allows unless told otherwise.
    public static let loopback = [AddressRange("127.0.0.0/8")!, AddressRange("::1/128")!]

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.address(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            prefix = bits
        }
        self.bytes = bytes
        description = text
    }

    /// Whether `address` (an IPv4 or IPv6 address as text) is in the range; an IPv4 address
    /// written as IPv6 (`::ffff:127.0.0.1`) counts as IPv4.
    public func contains(_ address: String) -> Bool {
        guard var other = Self.address(address) else { return false }
        if other.count == 16, bytes.count == 4, other[..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            other = Array(other[12...])
        }
        guard other.count == bytes.count else { return false }
        var left = prefix
        for (mine, theirs) in zip(bytes, other) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            if mine & mask != theirs & mask { return false }
            left -= 8
        }
        return true
    }

    private static func address(_ text: String) -> [UInt8]? {
        var four = in_addr()
        if inet_pton(AF_INET, text, &four) == 1 { return withUnsafeBytes(of: &four) { Array($0) } }
        var six = in6_addr()
        if inet_pton(AF_INET6, text, &six) == 1 { return withUnsafeBytes(of: &six) { Array($0) } }
        return nil
    }
}
