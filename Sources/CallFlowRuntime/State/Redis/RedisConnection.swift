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
    /// The Sentinel that last named a master that answered, asked first the next time.
    private var lastSentinel: RedisAddress.Endpoint?
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

        var detail: String {
            switch self {
            case .unavailable(let detail), .refused(let detail): detail
            }
        }
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
        if let context { return try exchange(commands, on: context) }
        // A new connection and the commands share one bound.
        let deadline = ContinuousClock.now + timeout
        let opened = try connect(by: deadline)
        defer { if opened == context { redisSetTimeout(opened, Self.timeval(timeout)) } }
        bound(opened, by: deadline)
        return try exchange(commands, on: opened)
    }

    /// Sends `commands` on `context` and reads their replies; a connection that fails is
    /// dropped. An error reply that `tolerated` accepts reads as `.null`.
    private func exchange(_ commands: [[String]], on context: UnsafeMutablePointer<redisContext>,
                          tolerating tolerated: (String) -> Bool = { _ in false }) throws(Failure) -> [Reply] {
        for command in commands { append(command, to: context) }
        var replies: [Reply] = []
        var refusal: String?
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw drop(context) }
            defer { freeReplyObject(raw) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            if reply.pointee.type == REDIS_REPLY_ERROR {
                let message = Self.text(reply)
                if !tolerated(message) { refusal = refusal ?? message }
                replies.append(.null)
            } else {
                replies.append(Self.copy(reply))
            }
        }
        if let refusal {
            if context == self.context, let detail = unavailability(refusal) {
                close()
                throw .unavailable(detail)
            }
            throw .refused(refusal)
        }
        return replies
    }

    /// Why the server cannot take writes now, if `refusal` says so: a master demoted by a
    /// failover (the next command connects to the new one), one without the replicas its
    /// `min-replicas-to-write` asks for, a replica cut off from its master, a server loading
    /// its data. (On Redis 6, a script's READONLY comes inside an ERR.)
    private func unavailability(_ refusal: String) -> String? {
        let shown = server.map { "\($0)" } ?? "the server"
        if refusal.contains("READONLY") { return "\(shown) is a read-only replica" }
        for code in ["NOREPLICAS", "MASTERDOWN", "LOADING"] where refusal.hasPrefix(code) { return "\(shown): \(refusal)" }
        return nil
    }

    /// Closes the connection; the next command opens a new one.
    func close() {
        redisFree(context)
        context = nil
    }

    /// A new connection, ready by `deadline`: to the fixed server, or to the master a Sentinel
    /// names.
    private func connect(by deadline: ContinuousClock.Instant) throws(Failure) -> UnsafeMutablePointer<redisContext> {
        switch address.server {
        case .fixed(let endpoint):
            return try connect(to: endpoint, checkingRole: false, by: deadline)
        case .sentinel(let name, let sentinels):
            guard !sentinels.isEmpty else { throw .unavailable("no Sentinel to ask") }
            // The Sentinel that answered last is asked first.
            let first = lastSentinel.flatMap { sentinels.firstIndex(of: $0) } ?? 0
            let order = sentinels[first...] + sentinels[..<first]
            var failures: [String] = []
            for (index, sentinel) in order.enumerated() {
                // Each gets a share of what is left, so one that never answers leaves time for
                // the others; the share covers asking it and connecting to the master it names.
                let share = (deadline - ContinuousClock.now) / (order.count - index)
                let shareEnds = ContinuousClock.now + max(share, .milliseconds(1))
                do throws(Failure) {
                    let endpoint = try master(name, askingSentinel: sentinel, by: shareEnds)
                    do throws(Failure) {
                        let opened = try connect(to: endpoint, checkingRole: true, by: shareEnds)
                        lastSentinel = sentinel
                        return opened
                    } catch {
                        failures.append("\(endpoint), which Sentinel \(sentinel) names master: \(error.detail)")
                    }
                } catch {
                    failures.append("Sentinel \(sentinel): \(error.detail)")
                }
            }
            throw .unavailable(failures.joined(separator: "; "))
        }
    }

    /// A connection to `endpoint`, authenticated, on its database and, with `checkingRole`, a
    /// master by its own word (a user without the right to ask `ROLE` takes Sentinel's).
    private func connect(to endpoint: RedisAddress.Endpoint, checkingRole: Bool,
                         by deadline: ContinuousClock.Instant) throws(Failure) -> UnsafeMutablePointer<redisContext> {
        let opened = try open(endpoint, by: deadline)
        context = opened
        server = endpoint
        var setup: [[String]] = []
        if let password = address.password { setup.append(["AUTH"] + (address.user.map { [$0] } ?? []) + [password]) }
        if address.database != 0 { setup.append(["SELECT", String(address.database)]) }
        do throws(Failure) {
            bound(opened, by: deadline)
            _ = try exchange(setup, on: opened)
            if checkingRole {
                let role = try exchange([["ROLE"]], on: opened, tolerating: { $0.hasPrefix("NOPERM") })[0]
                if role != .null, role.array.first?.string != "master" {
                    close()
                    throw .unavailable("not a master (yet)")
                }
            }
        } catch .refused(let message) {
            close()
            throw .unavailable(message)
        }
        return opened
    }

    /// A connection to `endpoint`, its commands bounded by what is left until `deadline`.
    private func open(_ endpoint: RedisAddress.Endpoint, by deadline: ContinuousClock.Instant) throws(Failure) -> UnsafeMutablePointer<redisContext> {
        guard let opened = redisConnectWithTimeout(endpoint.host, Int32(endpoint.port), Self.timeval(Self.left(until: deadline))) else {
            throw .unavailable("out of memory")
        }
        guard opened.pointee.err == 0 else { throw drop(opened) }
        redisEnableKeepAlive(opened)
        return opened
    }

    /// Where the master called `name` is, as `sentinel` says. The Sentinel is given the
    /// password, if any: one with `requirepass` asks for it, one without is content.
    private func master(_ name: String, askingSentinel sentinel: RedisAddress.Endpoint,
                        by deadline: ContinuousClock.Instant) throws(Failure) -> RedisAddress.Endpoint {
        let context = try open(sentinel, by: deadline)
        bound(context, by: deadline)
        var commands = [["SENTINEL", "get-master-addr-by-name", name]]
        if let password = address.password { commands.insert(["AUTH", password], at: 0) }
        let reply: [Reply]
        do throws(Failure) {
            // (A connection that fails is freed by `exchange`; one that answers, here.)
            reply = try exchange(commands, on: context, tolerating: { $0.contains("without any password configured") }).last!.array
        } catch .refused(let message) {
            redisFree(context)
            throw .refused(message)
        }
        redisFree(context)
        guard reply.count == 2, let host = reply[0].string, let port = reply[1].string.flatMap({ Int($0) }) else {
            throw .unavailable("knows no master named \(name)")
        }
        return RedisAddress.Endpoint(host: host, port: port)
    }

    /// Bounds every read and write on `context` by what is left until `deadline`.
    private func bound(_ context: UnsafeMutablePointer<redisContext>, by deadline: ContinuousClock.Instant) {
        redisSetTimeout(context, Self.timeval(Self.left(until: deadline)))
    }

    private static func left(until deadline: ContinuousClock.Instant) -> Duration {
        max(deadline - ContinuousClock.now, .milliseconds(1))
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
