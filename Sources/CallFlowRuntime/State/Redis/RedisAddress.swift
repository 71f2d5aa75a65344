/// Where a Redis server is, from a `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` URL.
public struct RedisAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: Int
    /// The ACL user (Redis 6 and later); nil for the default user.
    public var user: String?
    public var password: String?

    public init(host: String, port: Int = 6379, database: Int = 0, user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
    }

    /// Reads a `redis://` URL; the error says what is wrong with it. A user or password may be
    /// percent-encoded.
    public init(url: String) throws(StateStoreError) {
        guard url.hasPrefix("redis://") else {
            let scheme = url.prefix { $0 != ":" }
            throw StateStoreError(scheme == "rediss"
                ? "\(url): TLS (rediss://) is not supported: the hiredis of this system has none; keep Redis on a private network"
                : "\(url): not a redis:// URL")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let colon = credentials.firstIndex(of: ":")
            let user = colon.map { credentials[..<$0] } ?? credentials
            if !user.isEmpty { self.user = Encoding.percentDecoded(String(user)) }
            if let colon { password = Encoding.percentDecoded(String(credentials[credentials.index(after: colon)...])) }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let number = rest[rest.index(after: slash)...]
            guard number.isEmpty || Int(number).map({ $0 >= 0 }) == true else {
                throw StateStoreError("\(url): the database after / must be a number, such as /0")
            }
            database = Int(number) ?? 0
            rest = rest[..<slash]
        }
        self.database = database
        port = 6379
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw StateStoreError("\(url): the port must be a number from 1 to 65535")
            }
            port = number
            rest = rest[..<colon]
        }
        host = rest.hasPrefix("[") && rest.hasSuffix("]") ? String(rest.dropFirst().dropLast()) : String(rest)
        guard !host.isEmpty else { throw StateStoreError("\(url): no host, as in redis://127.0.0.1:6379/0") }
    }

    /// The URL without its password.
    public var description: String {
        let credentials = user.map { $0 + (password == nil ? "@" : ":***@") } ?? (password == nil ? "" : ":***@")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(shownHost):\(port)/\(database)"
    }
}
