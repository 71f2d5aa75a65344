/// Where a Redis server is: one fixed server, from a
/// `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` URL, or whichever server Redis Sentinel names
/// master at the time of connecting, from a
/// `redis-sentinel://[[USER]:PASSWORD@]HOST[:PORT][,HOST[:PORT]…][/DB]#MASTER` URL.
public struct RedisAddress: Sendable, Equatable, CustomStringConvertible {
    /// A host and port.
    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
    }

    /// How the server is found.
    public enum Server: Sendable, Equatable {
        /// Always the one at `endpoint`.
        case fixed(Endpoint)
        /// The one a Sentinel of `sentinels` names as the master called `master`, asked again on
        /// every new connection (so after a failover, the promoted one).
        case sentinel(master: String, sentinels: [Endpoint])
    }

    public var server: Server
    public var database: Int
    /// The ACL user (Redis 6 and later); nil for the default user.
    public var user: String?
    /// The Redis server's password. Sentinels are given it too, without the user: one with
    /// `requirepass` asks for it, one without takes no notice.
    public var password: String?

    public init(server: Server, database: Int = 0, user: String? = nil, password: String? = nil) {
        self.server = server
        self.database = database
        self.user = user
        self.password = password
    }

    public init(host: String, port: Int = 6379, database: Int = 0, user: String? = nil, password: String? = nil) {
        self.init(server: .fixed(Endpoint(host: host, port: port)), database: database, user: user, password: password)
    }

    static let sentinelScheme = "redis-sentinel://"

    /// Reads a `redis://` or `redis-sentinel://` URL; the error says what is wrong with it. A
    /// user or password may be percent-encoded.
    public init(url given: String) throws(StateStoreError) {
        // Errors show the URL with its password as `***`.
        let url = Self.masked(given)
        let sentinel = given.hasPrefix(Self.sentinelScheme)
        guard given.hasPrefix("redis://") || sentinel else {
            let scheme = url.prefix { $0 != ":" }
            throw StateStoreError(scheme == "rediss"
                ? "\(url): TLS (rediss://) is not supported: the hiredis of this system has none; keep Redis on a private network"
                : "\(url): not a redis:// or redis-sentinel:// URL")
        }
        var rest = Substring(given.dropFirst(sentinel ? Self.sentinelScheme.count : "redis://".count))
        var master: Substring?
        if sentinel {
            guard let hash = rest.lastIndex(of: "#"), rest.index(after: hash) < rest.endIndex else {
                throw StateStoreError("\(url): no master name after #, as in redis-sentinel://10.0.0.2:26379,10.0.0.3:26379/0#callflow")
            }
            master = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
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
        if let master {
            let sentinels = try rest.split(separator: ",", omittingEmptySubsequences: false).map { (host) throws(StateStoreError) in
                try Self.endpoint(host, defaultPort: 26379, in: url, example: "redis-sentinel://10.0.0.2:26379/0#callflow")
            }
            server = .sentinel(master: String(master), sentinels: sentinels)
        } else {
            server = .fixed(try Self.endpoint(rest, defaultPort: 6379, in: url, example: "redis://127.0.0.1:6379/0"))
        }
    }

    /// `HOST[:PORT]`, the host in brackets if it is an IPv6 address.
    private static func endpoint(_ text: Substring, defaultPort: Int, in url: String, example: String) throws(StateStoreError) -> Endpoint {
        var rest = text
        var port = defaultPort
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw StateStoreError("\(url): the port must be a number from 1 to 65535")
            }
            port = number
            rest = rest[..<colon]
        }
        let bracketed = rest.hasPrefix("[") && rest.hasSuffix("]")
        let host = bracketed ? String(rest.dropFirst().dropLast()) : String(rest)
        guard !host.isEmpty else { throw StateStoreError("\(url): no host, as in \(example)") }
        guard bracketed || !host.contains(":") else {
            throw StateStoreError("\(url): an IPv6 address goes in brackets, as in [fd00::2]:\(defaultPort)")
        }
        return Endpoint(host: host, port: port)
    }

    /// `url` with the password between `:` and `@` as `***`.
    private static func masked(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@"),
              let colon = url[schemeEnd.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }

    /// The URL without its password.
    public var description: String {
        let credentials = user.map { $0 + (password == nil ? "@" : ":***@") } ?? (password == nil ? "" : ":***@")
        switch server {
        case .fixed(let endpoint):
            return "redis://\(credentials)\(endpoint)/\(database)"
        case .sentinel(let master, let sentinels):
            return Self.sentinelScheme + credentials + sentinels.map(\.description).joined(separator: ",") + "/\(database)#\(master)"
        }
    }
}
