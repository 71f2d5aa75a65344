import Dispatch
import Synchronization

/// The state of a fleet of `flows` processes, in one Redis server (hiredis, no TLS: keep Redis
/// on a private network).
///
/// Decisions a call waits for (rate limits, the alert throttle) are single Lua scripts, so
/// every process sees one exact window, on their own connection, each bounded by
/// `decisionTimeout`: a Redis that is down or slow costs a call at most that, and the call is
/// told `state store unavailable`. Log entries are written in batches on a second connection,
/// behind the calls. Both connect anew by themselves when Redis returns.
public final class RedisStateStore: StateStore, @unchecked Sendable {
    public let address: RedisAddress
    public var location: String { address.description }

    /// The longest a call waits for a rate-limit or alert decision, unless told otherwise.
    public static let decisionTimeout = Duration.milliseconds(200)
    /// The longest a log write or a read of the log waits.
    static let logTimeout = Duration.seconds(2)

    // Each connection is used only on its queue.
    private let decisions: RedisConnection
    private let decisionQueue = DispatchQueue(label: "callflow.redis.decisions")
    let logConnection: RedisConnection
    private let logQueue = DispatchQueue(label: "callflow.redis.log")
    private let pendingLog = PendingRequestLog()
    /// Every key starts with it.
    let namespace: String
    /// While Redis is unavailable, the alert throttle of this process alone: one mail an
    /// element an hour per process rather than none, or one a failure.
    private let localAlerts = Mutex<[String: Double]>([:])
    private let unwritten = Atomic<Int>(0)

    /// - Parameters:
    ///   - namespace: the prefix of every key, so that several deployments can share a server.
    ///   - decisionTimeout: the longest a call waits for a decision.
    ///   - report: hears, once an outage, that Redis became unavailable (and why), and that it
    ///     is reachable again.
    public init(_ address: RedisAddress, namespace: String = "callflow:", decisionTimeout: Duration = RedisStateStore.decisionTimeout,
                report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.address = address
        self.namespace = namespace
        let availability = Availability(name: address.description, report: report)
        decisions = RedisConnection(address, timeout: decisionTimeout, report: availability.change)
        logConnection = RedisConnection(address, timeout: Self.logTimeout, report: availability.change)
    }

    /// Whether Redis answers, as the last connection to try it found: either connection may
    /// notice first, and each change is told once.
    private final class Availability: Sendable {
        private let available = Atomic(true)
        private let name: String
        private let report: @Sendable (String) -> Void

        init(name: String, report: @escaping @Sendable (String) -> Void) {
            self.name = name
            self.report = report
        }

        func change(_ detail: String?) {
            guard available.exchange(detail == nil, ordering: .relaxed) != (detail == nil) else { return }
            report(detail.map { "state store \(name) unavailable: \($0)" } ?? "state store \(name) reachable again")
        }
    }

    /// Log entries that could not be written since the process started (each was also
    /// reported to its call).
    public var unwrittenLogEntries: Int { unwritten.load(ordering: .relaxed) }

    // MARK: - Decisions

    public func admit(_ key: String, under limit: RateLimit, at now: Double?) async throws(StateStoreError) -> Bool {
        let member = "\(now ?? 0)-\(UInt64.random(in: 0...UInt64.max))"
        let reply = try await decide([
            "EVAL", Self.admitScript, "1", namespace + "rate:" + key,
            now.map { String($0) } ?? "", String(limit.seconds), String(limit.count), member,
        ])
        return reply.integer == 1
    }

    public func reserveAlert(flow: String, element: String, interval: Double, at now: Double?) async throws(StateStoreError) -> AlertReservation {
        let field = alertField(flow, element)
        let reply: RedisConnection.Reply
        do {
            reply = try await decide(["EVAL", Self.reserveAlertScript, "1", alertsKey, now.map { String($0) } ?? "", field, String(interval)])
        } catch where error.isUnavailable {
            let now = now ?? WallClock.now()
            return localAlerts.withLock { sent in
                if let last = sent[field], now - last < interval { return .alreadySent(at: last) }
                defer { sent[field] = now }
                return .reserved(previous: sent[field])
            }
        }
        let parts = reply.array.map { $0.string ?? "" }
        guard parts.count == 2 else { throw StateStoreError("state store \(location): unexpected answer to the alert throttle") }
        let previous = Double(parts[1])
        return parts[0] == "1" ? .reserved(previous: previous) : .alreadySent(at: previous ?? 0)
    }

    public func release(_ reservation: AlertReservation, flow: String, element: String) async throws(StateStoreError) {
        guard case .reserved(let previous) = reservation else { return }
        let field = alertField(flow, element)
        // The reservation may have been this process's own, taken while Redis was away.
        localAlerts.withLock { $0[field] = previous }
        _ = try await decide(previous.map { ["HSET", alertsKey, field, String($0)] } ?? ["HDEL", alertsKey, field])
    }

    public func alertsSent() async throws(StateStoreError) -> [SentAlert] {
        let pairs = try await decide(["HGETALL", alertsKey]).array.map { $0.string ?? "" }
        return stride(from: 0, to: pairs.count - 1, by: 2).compactMap { index -> SentAlert? in
            guard let dot = pairs[index].firstIndex(of: "."), let at = Double(pairs[index + 1]) else { return nil }
            return SentAlert(flow: String(pairs[index][..<dot]), element: String(pairs[index][pairs[index].index(after: dot)...]), at: at)
        }.sorted { $0.at < $1.at }
    }

    public func clearAlert(flow: String, element: String) async throws(StateStoreError) -> Bool {
        let field = alertField(flow, element)
        localAlerts.withLock { _ = $0.removeValue(forKey: field) }
        return try await decide(["HDEL", alertsKey, field]).integer == 1
    }

    /// The hash of every element's last alert, by `alertField`.
    private var alertsKey: String { namespace + "alerts" }

    /// `Flow.Element`: flow names hold no dot, so the first one splits it back.
    private func alertField(_ flow: String, _ element: String) -> String { flow + "." + element }

    func decide(_ command: [String]) async throws(StateStoreError) -> RedisConnection.Reply {
        try await decisionQueue.perform { () throws(StateStoreError) in try self.send([command], on: self.decisions)[0] }
    }

    /// Sends `commands` at once on `connection`, from its queue.
    func send(_ commands: [[String]], on connection: RedisConnection) throws(StateStoreError) -> [RedisConnection.Reply] {
        do throws(RedisConnection.Failure) {
            return try connection.pipeline(commands)
        } catch {
            throw error.stateStoreError(location)
        }
    }

    // MARK: - Request log

    public func log(_ entry: RequestLogEntry, onFailure: @escaping @Sendable (StateStoreError) -> Void) {
        pendingLog.add(entry, onFailure: onFailure, writeOn: logQueue) { self.writePendingLog() }
    }

    public func record(_ entry: RequestLogEntry) async throws(StateStoreError) {
        try await onLogQueue { store throws(StateStoreError) in try store.write([entry]) }
    }

    public func setAlert(_ alert: String, flow: String, element: String, started: Double) async throws(StateStoreError) {
        try await onLogQueue { store throws(StateStoreError) in
            _ = try store.send([["EVAL", Self.setAlertScript, "1", store.logKey(flow, element), String(started), alert]], on: store.logConnection)
        }
    }

    public func requestLog(flow: String, element: String) async throws(StateStoreError) -> [RequestLogEntry] {
        try await onLogQueue { store throws(StateStoreError) in
            let items = try store.send([["LRANGE", store.logKey(flow, element), "0", String(RequestLogEntry.keptPerElement - 1)]],
                                       on: store.logConnection)
            return items[0].array.compactMap { $0.string.flatMap { RequestLogEntry(json: $0, flow: flow, element: element) } }
        }
    }

    public func flush() async {
        _ = try? await onLogQueue { _ in }
    }

    private func logKey(_ flow: String, _ element: String) -> String {
        namespace + "log:" + flow + "." + element
    }

    /// Runs `body` on the log's queue after writing what is pending, so that it sees it.
    func onLogQueue<T: Sendable>(_ body: @escaping @Sendable (RedisStateStore) throws(StateStoreError) -> T) async throws(StateStoreError) -> T {
        try await logQueue.perform { () throws(StateStoreError) in
            self.writePendingLog()
            return try body(self)
        }
    }

    private func writePendingLog() {
        let failed = pendingLog.write { entries throws(StateStoreError) in try write(entries) }
        if failed > 0 { unwritten.add(failed, ordering: .relaxed) }
    }

    /// Adds `entries` and trims each element they belong to once, in one round trip.
    private func write(_ entries: [RequestLogEntry]) throws(StateStoreError) {
        var commands = entries.map { ["LPUSH", logKey($0.flow, $0.element), $0.json] }
        var trimmed: Set<String> = []
        for entry in entries where trimmed.insert(logKey(entry.flow, entry.element)).inserted {
            commands.append(["LTRIM", logKey(entry.flow, entry.element), "0", String(RequestLogEntry.keptPerElement - 1)])
        }
        _ = try send(commands, on: logConnection)
    }

    // MARK: - Scripts

    // Each runs atomically on the server. The time is the caller's when given (ARGV[1]), else
    // the server's, so that processes on machines whose clocks differ share one window.
    private static let now = """
        local nowText = ARGV[1]
        if nowText == '' then
          local time = redis.call('TIME')
          nowText = time[1] .. '.' .. string.format('%06d', tonumber(time[2]))
        end
        local now = tonumber(nowText)
        """

    /// KEYS[1] a sorted set of the requests in the window; ARGV: now, seconds, count, member.
    static let admitScript = now + """

        local window = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
        redis.call('ZADD', KEYS[1], nowText, ARGV[4])
        redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
        return 1
        """

    /// KEYS[1] the hash of last alerts; ARGV: now, Flow.Element, interval. Returns
    /// {'1' or '0', the previous time or ''}.
    static let reserveAlertScript = now + """

        local last = redis.call('HGET', KEYS[1], ARGV[2])
        if last and now - tonumber(last) < tonumber(ARGV[3]) then return {'0', last} end
        redis.call('HSET', KEYS[1], ARGV[2], nowText)
        return {'1', last or ''}
        """

    /// KEYS[1] an element's log; ARGV: the entry's `started`, the alert's outcome.
    static let setAlertScript = """
        local items = redis.call('LRANGE', KEYS[1], 0, -1)
        for index, item in ipairs(items) do
          local entry = cjson.decode(item)
          if entry.started == ARGV[1] then
            entry.alert = ARGV[2]
            redis.call('LSET', KEYS[1], index - 1, cjson.encode(entry))
            return 1
          end
        end
        return 0
        """
}

extension RedisConnection.Failure {
    var isUnavailable: Bool { if case .unavailable = self { true } else { false } }

    func stateStoreError(_ location: String) -> StateStoreError {
        switch self {
        case .unavailable: .unavailable
        case .refused(let message): StateStoreError("state store \(location): \(message)")
        }
    }
}

extension StateStoreError {
    var isUnavailable: Bool { description == StateStoreError.unavailable.description }
}
