extension SQLiteStateStore {
    public func admit(_ key: String, under limit: RateLimit, at now: Double?) async throws(StateStoreError) -> Bool {
        let now = now ?? WallClock.now()
        return try await run { store throws(StateStoreError) in
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

    public func reserveAlert(flow: String, element: String, interval: Double, at now: Double?) async throws(StateStoreError) -> AlertReservation {
        let now = now ?? WallClock.now()
        return try await run { store throws(StateStoreError) in
            try store.transaction { store throws(StateStoreError) in
                var last: Double?
                try store.query("SELECT at FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)]) { last = $0.real(0) }
                if let last, now - last < interval { return .alreadySent(at: last) }
                try store.query("INSERT OR REPLACE INTO alert_sent (flow, element, at) VALUES (?, ?, ?)", [.text(flow), .text(element), .real(now)])
                return .reserved(previous: last)
            }
        }
    }

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

extension SQLiteStateStore {
    public func alertsSent() async throws(StateStoreError) -> [SentAlert] {
        try await run { store throws(StateStoreError) in
            var sent: [SentAlert] = []
            try store.query("SELECT flow, element, at FROM alert_sent ORDER BY at") { row in
                sent.append(SentAlert(flow: row.text(0) ?? "", element: row.text(1) ?? "", at: row.real(2)))
            }
            return sent
        }
    }

    public func clearAlert(flow: String, element: String) async throws(StateStoreError) -> Bool {
        try await run { store throws(StateStoreError) in
            var found = false
            try store.query("SELECT 1 FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)]) { _ in found = true }
            try store.query("DELETE FROM alert_sent WHERE flow = ? AND element = ?", [.text(flow), .text(element)])
            return found
        }
    }
}
