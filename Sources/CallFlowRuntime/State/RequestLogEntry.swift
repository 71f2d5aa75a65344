import Dispatch

/// One APIRequest as it went, secrets already redacted: what `flows logs` shows.
public struct RequestLogEntry: Sendable, Equatable {
    public var flow: String
    public var element: String
    /// When the request started, in seconds since 1970 (UTC).
    public var started: Double
    public var method: String
    public var url: String
    /// The URL of each redirect followed, in order.
    public var redirects: [String] = []
    public var requestHeaders: [HTTPHeader]
    public var requestBody: String?
    /// 0 when no response came.
    public var status: Int
    public var responseHeaders: [HTTPHeader]
    public var responseBody: String?
    public var attempts: Int
    public var milliseconds: Int
    public var error: String?
    /// What became of the `AlertEmail` mail, when the request failed and the element has one.
    public var alert: String?

    /// How many entries are kept for each element; older ones are deleted.
    public static let keptPerElement = 20
}

/// An entry waiting in `StateStore.log`'s queue.
struct QueuedLogEntry: Sendable {
    let entry: RequestLogEntry
    let onFailure: @Sendable (StateStoreError) -> Void
}

extension StateStore {
    /// Adds `entry` and deletes what falls beyond the last `keptPerElement` of its element.
    public func record(_ entry: RequestLogEntry) async throws(StateStoreError) {
        try await run { store throws(StateStoreError) in try store.write([entry]) }
    }

    /// Queues `entry` for the log and returns at once, so that a call never waits for the
    /// disk; `onFailure` hears of an entry that could not be written. Queued entries are
    /// written together, in one transaction, `logDelay` after the first of them (at once when
    /// many are waiting), so that a busy process wakes the writer once a batch rather than once
    /// a request. Reads of this store see every entry queued before them; `flush()` waits until
    /// all are on disk.
    public func log(_ entry: RequestLogEntry, onFailure: @escaping @Sendable (StateStoreError) -> Void) {
        let count = logQueue.withLock { queue in
            queue.append(QueuedLogEntry(entry: entry, onFailure: onFailure))
            return queue.count
        }
        if count == 1 {
            queue.asyncAfter(deadline: .now() + Self.logDelay) { self.writeQueuedLog() }
        } else if count == Self.logBatchLimit {
            queue.async { self.writeQueuedLog() }
        }
    }

    /// How long a queued entry waits for others to be written with it.
    static let logDelay = DispatchTimeInterval.milliseconds(20)
    /// The number of waiting entries that starts a write at once.
    static let logBatchLimit = 256

    /// Waits until every entry queued by `log` has been written (or reported as failed).
    public func flush() async {
        _ = try? await run { _ in }
    }

    /// Writes what `log` queued; runs on the store's queue, first thing in every `run`.
    func writeQueuedLog() {
        let batch = logQueue.withLock { queue in defer { queue.removeAll() }; return queue }
        guard !batch.isEmpty else { return }
        do throws(StateStoreError) {
            try write(batch.map(\.entry))
        } catch {
            for queued in batch { queued.onFailure(error) }
        }
    }

    /// Adds `entries` in one transaction, then trims each element they belong to once.
    private func write(_ entries: [RequestLogEntry]) throws(StateStoreError) {
        try transaction { store throws(StateStoreError) in
            var elements: Set<[String]> = []
            for entry in entries {
                try store.insert(entry)
                elements.insert([entry.flow, entry.element])
            }
            for element in elements { try store.trimLog(flow: element[0], element: element[1]) }
        }
    }

    private func insert(_ entry: RequestLogEntry) throws(StateStoreError) {
        try query("""
            INSERT INTO request_log (flow, element, started, method, url, request_headers, request_body, status,
                                     response_headers, response_body, attempts, milliseconds, error, alert, redirects)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                .text(entry.flow), .text(entry.element), .real(entry.started), .text(entry.method), .text(entry.url),
                .text(HTTPHeader.lines(entry.requestHeaders)), .optional(entry.requestBody), .integer(entry.status),
                .text(HTTPHeader.lines(entry.responseHeaders)), .optional(entry.responseBody), .integer(entry.attempts),
                .integer(entry.milliseconds), .optional(entry.error), .optional(entry.alert),
                .text(entry.redirects.joined(separator: "\n")),
            ])
    }

    /// Records what became of the alert of the entry that started at `started`.
    public func setAlert(_ alert: String, flow: String, element: String, started: Double) async throws(StateStoreError) {
        try await run { store throws(StateStoreError) in
            try store.query("UPDATE request_log SET alert = ? WHERE flow = ? AND element = ? AND started = ?",
                            [.text(alert), .text(flow), .text(element), .real(started)])
        }
    }

    /// Deletes what falls beyond the last `keptPerElement` entries of an element.
    private func trimLog(flow: String, element: String) throws(StateStoreError) {
        try query("""
            DELETE FROM request_log WHERE flow = ?1 AND element = ?2 AND id <= (
                SELECT id FROM request_log WHERE flow = ?1 AND element = ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3)
            """, [.text(flow), .text(element), .integer(RequestLogEntry.keptPerElement)])
    }

    /// The kept entries of one element, newest first.
    public func requestLog(flow: String, element: String) async throws(StateStoreError) -> [RequestLogEntry] {
        try await run { store throws(StateStoreError) in
            var entries: [RequestLogEntry] = []
            try store.query("""
                SELECT started, method, url, request_headers, request_body, status, response_headers, response_body,
                       attempts, milliseconds, error, alert, redirects
                FROM request_log WHERE flow = ? AND element = ? ORDER BY id DESC
                """, [.text(flow), .text(element)]) { row in
                entries.append(RequestLogEntry(
                    flow: flow, element: element, started: row.real(0), method: row.text(1) ?? "", url: row.text(2) ?? "",
                    requestHeaders: HTTPHeader.parseLines(row.text(3) ?? ""), requestBody: row.text(4), status: row.integer(5),
                    responseHeaders: HTTPHeader.parseLines(row.text(6) ?? ""), responseBody: row.text(7),
                    attempts: row.integer(8), milliseconds: row.integer(9), error: row.text(10), alert: row.text(11)))
                entries[entries.count - 1].redirects = (row.text(12) ?? "").split(separator: "\n").map(String.init)
            }
            return entries
        }
    }
}
