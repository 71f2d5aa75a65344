extension SQLiteStateStore {
    public func record(_ entry: RequestLogEntry) async throws(StateStoreError) {
        try await run { store throws(StateStoreError) in try store.write([entry]) }
    }

    /// Queued entries are written together, in one transaction.
    public func log(_ entry: RequestLogEntry, onFailure: @escaping @Sendable (StateStoreError) -> Void) {
        pendingLog.add(entry, onFailure: onFailure, writeOn: queue) { self.writeQueuedLog() }
    }

    public func flush() async {
        _ = try? await run { _ in }
    }

    /// Writes what `log` queued; runs on the store's queue, first thing in every `run`.
    func writeQueuedLog() {
        pendingLog.write { entries throws(StateStoreError) in try write(entries) }
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
