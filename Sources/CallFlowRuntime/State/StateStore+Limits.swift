extension StateStore {
    /// Counts one request against `limit` for `key` in a sliding window; false, and nothing
    /// counted, when `limit.count` requests were already made in the last `limit.seconds`.
    /// Processes sharing the database share the window.
    public func admit(_ key: String, under limit: RateLimit, at now: Double = StateStore.now()) async throws(StateStoreError) -> Bool {
        try await run { store throws(StateStoreError) in
            try store.transaction { store throws(StateStoreError) in
                let windowStart = now - Double(limit.seconds)
                try store.query("DELETE FROM rate_limit WHERE key = ? AND at <= ?", [.text(key), .real(windowStart)])
                var made = 0
                try store.query("SELECT count(*) FROM rate_limit WHERE key = ?", [.text(key)]) { made = $0.integer(0) }
                guard made < limit.count else { return false }
                try store.query("INSERT INTO rate_limit (key, at) VALUES (?, ?)", [.text(key), .real(now)])
                return true
            }
        }
    }

    /// Takes the right to send the failure alert of one element: true at most once within
    /// `interval` seconds, across processes. `release` gives it back when the mail failed.
    public func reserveAlert(flow: String, element: String, interval: Double = 3600, at now: Double = StateStore.now()) async throws(StateStoreError) -> AlertReservation {
        try await run { store throws(StateStoreError) in
            try store.transaction { store throws(StateStoreError) in
                var last: Double?
                try store.query("SELECT at FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)]) { last = $0.real(0) }
                if let last, now - last < interval { return .alreadySent(at: last) }
                try store.query("INSERT OR REPLACE INTO alert_sent (flow, element, at) VALUES (?, ?, ?)", [.text(flow), .text(element), .real(now)])
                return .reserved(previous: last)
            }
        }
    }

    /// Undoes a reservation whose mail could not be sent, so that the next failure tries again.
    public func release(_ reservation: AlertReservation, flow: String, element: String) async throws(StateStoreError) {
        guard case .reserved(let previous) = reservation else { return }
        try await run { store throws(StateStoreError) in
            if let previous {
                try store.query("UPDATE alert_sent SET at = ? WHERE flow = ? AND element = ?", [.real(previous), .text(flow), .text(element)])
            } else {
                try store.query("DELETE FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)])
            }
        }
    }
}

extension StateStore {
    /// The last alert mailed for each element, oldest first.
    public func alertsSent() async throws(StateStoreError) -> [(flow: String, element: String, at: Double)] {
        try await run { store throws(StateStoreError) in
            var sent: [(flow: String, element: String, at: Double)] = []
            try store.query("SELECT flow, element, at FROM alert_sent ORDER BY at") { row in
                sent.append((row.text(0) ?? "", row.text(1) ?? "", row.real(2)))
            }
            return sent
        }
    }

    /// Forgets the last alert of an element, so that its next failure is mailed; false when
    /// there was none to forget.
    public func clearAlert(flow: String, element: String) async throws(StateStoreError) -> Bool {
        try await run { store throws(StateStoreError) in
            var found = false
            try store.query("SELECT 1 FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)]) { _ in found = true }
            try store.query("DELETE FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)])
            return found
        }
    }
}

/// Whether a failure alert may go out now.
public enum AlertReservation: Sendable, Equatable {
    /// It may; `previous` is when the last one went, if ever.
    case reserved(previous: Double?)
    /// One already went at this time, within the interval.
    case alreadySent(at: Double)
}

/// `RateLimit`: at most `count` requests in any `seconds`.
public struct RateLimit: Sendable, Equatable {
    public var count: Int
    public var seconds: Int

    public init(count: Int, seconds: Int) {
        self.count = count
        self.seconds = seconds
    }
}
