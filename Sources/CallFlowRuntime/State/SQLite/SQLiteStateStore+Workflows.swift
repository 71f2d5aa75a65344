/// Workflow runs: one row a run, its record as JSON, with its owner and lease beside it.
extension SQLiteStateStore {
    static let workflowSchema = """
        CREATE TABLE IF NOT EXISTS workflow_run (
            id TEXT PRIMARY KEY,
            workflow TEXT NOT NULL,
            created REAL NOT NULL,
            state TEXT NOT NULL,
            owner TEXT NOT NULL,
            lease_until REAL NOT NULL,
            document TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS workflow_run_open ON workflow_run (state, lease_until);
        CREATE INDEX IF NOT EXISTS workflow_run_by_created ON workflow_run (created);
        """

    @discardableResult
    public func createRun(_ run: WorkflowRunRecord, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool {
        try await self.run { store throws(StateStoreError) in
            try store.query("INSERT OR IGNORE INTO workflow_run (id, workflow, created, state, owner, lease_until, document) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [.text(run.id), .text(run.workflow), .real(run.created), .text(run.state.rawValue), .text(owner), .real(leaseUntil), .text(run.json)])
            return store.changes() == 1
        }
    }

    public func saveRun(_ run: WorkflowRunRecord, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool {
        try await self.run { store throws(StateStoreError) in
            let finished = run.state.isFinished
            try store.query("UPDATE workflow_run SET state = ?, owner = ?, lease_until = ?, document = ? WHERE id = ? AND owner = ?",
                            [.text(run.state.rawValue), .text(finished ? "" : owner), .real(finished ? 0 : leaseUntil), .text(run.json), .text(run.id), .text(owner)])
            return store.changes() == 1
        }
    }

    public func renewRun(id: String, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool {
        try await run { store throws(StateStoreError) in
            try store.query("UPDATE workflow_run SET lease_until = ? WHERE id = ? AND owner = ?", [.real(leaseUntil), .text(id), .text(owner)])
            return store.changes() == 1
        }
    }

    public func claimExpiredRun(owner: String, now: Double, leaseUntil: Double) async throws(StateStoreError) -> WorkflowRunRecord? {
        try await run { store throws(StateStoreError) in
            try store.transaction { store throws(StateStoreError) in
                var found: (id: String, document: String)?
                try store.query("SELECT id, document FROM workflow_run WHERE state IN ('pending', 'running') AND lease_until < ? ORDER BY created LIMIT 1",
                                [.real(now)]) { row in found = (row.text(0) ?? "", row.text(1) ?? "") }
                guard let found else { return nil }
                try store.query("UPDATE workflow_run SET owner = ?, lease_until = ? WHERE id = ?", [.text(owner), .real(leaseUntil), .text(found.id)])
                return try Self.decodeRun(found.document, store: store)
            }
        }
    }

    public func claimFailedRun(id: String, owner: String, leaseUntil: Double) async throws(StateStoreError) -> WorkflowRunRecord? {
        try await run { store throws(StateStoreError) in
            try store.transaction { store throws(StateStoreError) in
                var document: String?
                try store.query("SELECT document FROM workflow_run WHERE id = ? AND state = 'failed'", [.text(id)]) { document = $0.text(0) }
                guard let document else { return nil }
                try store.query("UPDATE workflow_run SET state = 'running', owner = ?, lease_until = ? WHERE id = ?", [.text(owner), .real(leaseUntil), .text(id)])
                return try Self.decodeRun(document, store: store)
            }
        }
    }

    public func workflowRuns(limit: Int, failedOnly: Bool) async throws(StateStoreError) -> [WorkflowRunRecord] {
        try await run { store throws(StateStoreError) in
            var documents: [String] = []
            let sql = failedOnly
                ? "SELECT document FROM workflow_run WHERE state = 'failed' ORDER BY created DESC LIMIT ?"
                : "SELECT document FROM workflow_run ORDER BY created DESC LIMIT ?"
            try store.query(sql, [.integer(limit)]) { documents.append($0.text(0) ?? "") }
            var runs: [WorkflowRunRecord] = []
            for document in documents { runs.append(try Self.decodeRun(document, store: store)) }
            return runs
        }
    }

    public func workflowRun(id: String) async throws(StateStoreError) -> WorkflowRunRecord? {
        try await run { store throws(StateStoreError) in
            var document: String?
            try store.query("SELECT document FROM workflow_run WHERE id = ?", [.text(id)]) { document = $0.text(0) }
            return try document.map { document throws(StateStoreError) in try Self.decodeRun(document, store: store) }
        }
    }

    /// Deletes the run `id`: a spooled run, once forwarded.
    func removeRun(id: String) async throws(StateStoreError) {
        try await run { store throws(StateStoreError) in
            try store.query("DELETE FROM workflow_run WHERE id = ?", [.text(id)])
        }
    }

    public func purgeRuns(createdBefore time: Double) async throws(StateStoreError) -> Int {
        try await run { store throws(StateStoreError) in
            try store.query("DELETE FROM workflow_run WHERE created < ?", [.real(time)])
            return store.changes()
        }
    }

    private static func decodeRun(_ document: String, store: SQLiteStateStore) throws(StateStoreError) -> WorkflowRunRecord {
        guard let run = WorkflowRunRecord(json: document) else {
            throw StateStoreError("state database \(store.path): a workflow run could not be read")
        }
        return run
    }
}
