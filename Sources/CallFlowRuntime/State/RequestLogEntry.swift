/// One APIRequest as it went, secrets already redacted: what `flows logs` shows.
public struct RequestLogEntry: Sendable, Equatable {
    public var flow: String
    public var element: String
    /// When the request started, in seconds since 1970 (UTC).
    public var started: Double
    public var method: String
    public var url: String
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

extension StateStore {
    /// Adds `entry` and deletes what falls beyond the last `keptPerElement` of its element.
    public func record(_ entry: RequestLogEntry) async throws(StateStoreError) {
        try await run { store throws(StateStoreError) in
            try store.transaction { store throws(StateStoreError) in
                try store.query("""
                    INSERT INTO request_log (flow, element, started, method, url, request_headers, request_body, status,
                                             response_headers, response_body, attempts, milliseconds, error, alert)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [
                        .text(entry.flow), .text(entry.element), .real(entry.started), .text(entry.method), .text(entry.url),
                        .text(HTTPHeader.lines(entry.requestHeaders)), .optional(entry.requestBody), .integer(entry.status),
                        .text(HTTPHeader.lines(entry.responseHeaders)), .optional(entry.responseBody), .integer(entry.attempts),
                        .integer(entry.milliseconds), .optional(entry.error), .optional(entry.alert),
                    ])
                try store.query("""
                    DELETE FROM request_log WHERE flow = ?1 AND element = ?2 AND id <= (
                        SELECT id FROM request_log WHERE flow = ?1 AND element = ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3)
                    """, [.text(entry.flow), .text(entry.element), .integer(RequestLogEntry.keptPerElement)])
            }
        }
    }

    /// The kept entries of one element, newest first.
    public func requestLog(flow: String, element: String) async throws(StateStoreError) -> [RequestLogEntry] {
        try await run { store throws(StateStoreError) in
            var entries: [RequestLogEntry] = []
            try store.query("""
                SELECT started, method, url, request_headers, request_body, status, response_headers, response_body,
                       attempts, milliseconds, error, alert
                FROM request_log WHERE flow = ? AND element = ? ORDER BY id DESC
                """, [.text(flow), .text(element)]) { row in
                entries.append(RequestLogEntry(
                    flow: flow, element: element, started: row.real(0), method: row.text(1) ?? "", url: row.text(2) ?? "",
                    requestHeaders: HTTPHeader.parseLines(row.text(3) ?? ""), requestBody: row.text(4), status: row.integer(5),
                    responseHeaders: HTTPHeader.parseLines(row.text(6) ?? ""), responseBody: row.text(7),
                    attempts: row.integer(8), milliseconds: row.integer(9), error: row.text(10), alert: row.text(11)))
            }
            return entries
        }
    }
}
