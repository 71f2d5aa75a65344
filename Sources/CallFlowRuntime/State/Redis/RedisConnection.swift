import CHiredis

#if canImport(Glibc)
import Glibc
#endif

/// One blocking hiredis connection to a Redis server, used from one serial queue at a time.
///
/// Every command is bounded by `timeout`: an answer that does not come in time, like a
/// connection that breaks, leaves the connection unusable (hiredis cannot tell which reply a
/// late answer belongs to), and a later command connects anew. For `retryDelay` (at least the
/// timeout) after a failure, commands fail at once rather than each waiting out the timeout
/// of a server that is away.
final class RedisConnection: @unchecked Sendable {  // used on one serial queue only
    let address: RedisAddress
    let timeout: Duration
    private var context: UnsafeMutablePointer<redisContext>?
    /// The server `context` is connected to.
    private var server: RedisAddress.Endpoint?
    /// Why the server is unavailable and when to try it again; nil while it answers.
    private var outage: (detail: String, retry: ContinuousClock.Instant)?
    private let report: @Sendable (String?) -> Void

    static let retryDelay = Duration.milliseconds(500)

    /// - Parameter report: hears why the server became unavailable, and nil once it answers
    ///   again; once an outage.
    init(_ address: RedisAddress, timeout: Duration, report: @escaping @Sendable (String?) -> Void) {
        self.address = address
        self.timeout = timeout
        self.report = report
    }

    deinit { redisFree(context) }

    /// A reply, copied out of hiredis's.
    enum Reply: Equatable {
        case string(String), integer(Int), array([Reply]), null, status(String)

        var integer: Int? { if case .integer(let value) = self { value } else { nil } }
        var string: String? { if case .string(let value) = self { value } else { nil } }
        var array: [Reply] { if case .array(let items) = self { items } else { [] } }
    }

    /// Why a command failed.
    enum Failure: Error {
        /// The server could not be reached or did not answer in time; the detail says which.
        case unavailable(String)
        /// The server answered with an error.
        case refused(String)
    }

    /// Sends `commands` at once and reads their replies in order. An error reply of one
    /// command is thrown after all replies are read.
    func pipeline(_ commands: [[String]]) throws(Failure) -> [Reply] {
        if let outage, ContinuousClock.now < outage.retry { throw .unavailable(outage.detail) }
        do {
            let replies = try send(commands)
            if outage != nil {
                outage = nil
                report(nil)
            }
            return replies
        } catch .unavailable(let detail) {
            if outage == nil { report(detail) }
            outage = (detail, ContinuousClock.now + max(Self.retryDelay, timeout))
            throw .unavailable(detail)
        }
    }

    private func send(_ commands: [[String]]) throws(Failure) -> [Reply] {
        try exchange(commands, on: try connected())
    }

    /// Sends `commands` on `context` and reads their replies; a connection that fails is
    /// dropped.
    private func exchange(_ commands: [[String]], on context: UnsafeMutablePointer<redisContext>) throws(Failure) -> [Reply] {
        for command in commands { append(command, to: context) }
        var replies: [Reply] = []
        var refusal: String?
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw drop(context) }
            defer { freeReplyObject(raw) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            if reply.pointee.type == REDIS_REPLY_ERROR {
                refusal = refusal ?? Self.text(reply)
                replies.append(.null)
            } else {
                replies.append(Self.copy(reply))
            }
        }
        if let refusal {
            // A master demoted by a failover: the next command connects to the new one.
            if refusal.hasPrefix("READONLY"), context == self.context {
                let detail = "\(server.map { "\($0) " } ?? "")is a read-only replica"
                close()
                throw .unavailable(detail)
            }
            throw .refused(refusal)
        }
        return replies
    }

    /// Closes the connection; the next command opens a new one.
    func close() {
        redisFree(context)
        context = nil
    }

    /// The open connection, or a new one: to the fixed server, or to the master a Sentinel
    /// names, checked to be one. Making it takes at most `timeout` in all.
    private func connected() throws(Failure) -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        let deadline = ContinuousClock.now + timeout
        let endpoint: RedisAddress.Endpoint
        var setup: [[String]] = []
        if let password = address.password { setup.append(["AUTH"] + (address.user.map { [$0] } ?? []) + [password]) }
        if address.database != 0 { setup.append(["SELECT", String(address.database)]) }
        switch address.server {
        case .fixed(let fixed):
            endpoint = fixed
        case .sentinel(let master, let sentinels):
            endpoint = try self.master(master, askingEachOf: sentinels, by: deadline)
            setup.append(["ROLE"])
        }
        let opened = try open(endpoint, by: deadline)
        context = opened
        server = endpoint
        do throws(Failure) {
            let replies = try exchange(setup, on: opened)
            if case .sentinel = address.server, replies.last?.array.first?.string != "master" {
                close()
                throw .unavailable("\(endpoint), named master by Sentinel, is not one (yet)")
            }
        } catch .refused(let message) {
            close()
            throw .unavailable(message)
        }
        redisSetTimeout(opened, Self.timeval(timeout))
        return opened
    }

    /// A connection to `endpoint`, its commands bounded by what is left until `deadline`.
    private func open(_ endpoint: RedisAddress.Endpoint, by deadline: ContinuousClock.Instant) throws(Failure) -> UnsafeMutablePointer<redisContext> {
        let left = Self.timeval(max(deadline - ContinuousClock.now, .milliseconds(1)))
        guard let opened = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), left) else {
            throw .unavailable("out of memory")
        }
        guard opened.pointee.err == 0 else { throw drop(opened) }
        redisSetTimeout(opened, left)
        redisEnableKeepAlive(opened)
        return opened
    }

    /// Where the master called `name` is, as the first of `sentinels` that knows says.
    private func master(_ name: String, askingEachOf sentinels: [RedisAddress.Endpoint],
                        by deadline: ContinuousClock.Instant) throws(Failure) -> RedisAddress.Endpoint {
        var failures: [String] = []
        for sentinel in sentinels {
            do throws(Failure) {
                let context = try open(sentinel, by: deadline)
                // (A connection that fails is freed by `exchange`; one that is answered, here.)
                let reply: [Reply]
                do throws(Failure) {
                    reply = try exchange([["SENTINEL", "get-master-addr-by-name", name]], on: context)[0].array
                } catch .refused(let message) {
                    redisFree(context)
                    throw .refused(message)
                }
                redisFree(context)
                if reply.count == 2, let host = reply[0].string, let port = reply[1].string.flatMap({ Int($0) }) {
                    return RedisAddress.Endpoint(host: host, port: port)
                }
                failures.append("Sentinel \(sentinel) knows no master named \(name)")
            } catch {
                switch error {
                case .unavailable(let detail), .refused(let detail): failures.append("Sentinel \(sentinel): \(detail)")
                }
            }
        }
        throw .unavailable(failures.joined(separator: "; "))
    }

    private func append(_ command: [String], to context: UnsafeMutablePointer<redisContext>) {
        // hiredis copies the arguments into its output buffer before returning.
        var lengths = command.map { $0.utf8.count }
        var pointers = command.map { strdup($0).map { UnsafePointer($0) } }
        defer { for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) } }
        redisAppendCommandArgv(context, Int32(command.count), &pointers, &lengths)
    }

    /// Frees a connection that failed, returning why.
    private func drop(_ failed: UnsafeMutablePointer<redisContext>) -> Failure {
        let code = failed.pointee.err
        var message = withUnsafeBytes(of: failed.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if code == REDIS_ERR_IO, message.contains("Resource temporarily unavailable") || message.isEmpty {
            message = "no answer within \(timeout.milliseconds) ms"
        }
        if failed == context { context = nil }
        redisFree(failed)
        return .unavailable(message.isEmpty ? "connection lost" : message)
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> Reply {
        switch reply.pointee.type {
        case REDIS_REPLY_STRING: .string(text(reply))
        case REDIS_REPLY_STATUS: .status(text(reply))
        case REDIS_REPLY_INTEGER: .integer(Int(reply.pointee.integer))
        case REDIS_REPLY_ARRAY:
            .array((0..<reply.pointee.elements).map { copy(reply.pointee.element[$0]!) })
        default: .null
        }
    }

    private static func text(_ reply: UnsafeMutablePointer<redisReply>) -> String {
        guard let bytes = reply.pointee.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: reply.pointee.len), as: UTF8.self)
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let microseconds = duration.milliseconds * 1000
        return Glibc.timeval(tv_sec: microseconds / 1_000_000, tv_usec: microseconds % 1_000_000)
    }
}
