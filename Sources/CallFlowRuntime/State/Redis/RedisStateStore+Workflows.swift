/// Workflow runs in Redis: a hash a run (`run:ID`: its record as JSON, state, owner, lease),
/// a sorted set of every run by creation time (`runs`) and one of unfinished runs by the end
/// of their lease (`runs:open`). Every change of owner is one Lua script, so two processes
/// never take one run. Writes a call waits for go on the decision connection and are bounded
/// like a rate-limit decision; reads for `flows workflows` on the log connection.
extension RedisStateStore {
    private var runsKey: String { namespace + "runs" }
    private var openRunsKey: String { namespace + "runs:open" }
    private func runKey(_ id: String) -> String { namespace + "run:" + id }

    @discardableResult
    public func createRun(_ run: WorkflowRunRecord, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool {
        try await decide(["EVAL", Self.createRunScript, "3", runKey(run.id), runsKey, openRunsKey,
                          run.id, run.json, run.state.rawValue, owner, String(leaseUntil), String(run.created)]).integer == 1
    }

    public func saveRun(_ run: WorkflowRunRecord, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool {
        try await decide(["EVAL", Self.saveRunScript, "2", runKey(run.id), openRunsKey,
                          run.id, owner, run.json, run.state.rawValue, String(leaseUntil), run.state.isFinished ? "1" : "0"]).integer == 1
    }

    public func renewRun(id: String, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool {
        try await decide(["EVAL", Self.renewRunScript, "2", runKey(id), openRunsKey, id, owner, String(leaseUntil)]).integer == 1
    }

    public func claimExpiredRun(owner: String, now: Double, leaseUntil: Double) async throws(StateStoreError) -> WorkflowRunRecord? {
        let reply = try await decide(["EVAL", Self.claimExpiredScript, "1", openRunsKey, String(now), owner, String(leaseUntil), namespace + "run:"])
        return try reply.string.map { text throws(StateStoreError) in try decodeRun(text) }
    }

    public func claimFailedRun(id: String, owner: String, leaseUntil: Double) async throws(StateStoreError) -> WorkflowRunRecord? {
        let reply = try await decide(["EVAL", Self.claimFailedScript, "2", runKey(id), openRunsKey, id, owner, String(leaseUntil)])
        return try reply.string.map { text throws(StateStoreError) in try decodeRun(text) }
    }

    public func workflowRuns(limit: Int, failedOnly: Bool) async throws(StateStoreError) -> [WorkflowRunRecord] {
        try await onLogQueue { store throws(StateStoreError) in
            var runs: [WorkflowRunRecord] = []
            var offset = 0
            let page = 200
            // Newest first, a page at a time, until `limit` runs are found.
            while runs.count < limit {
                let ids = try store.send([["ZREVRANGE", store.runsKey, String(offset), String(offset + page - 1)]], on: store.logConnection)[0]
                    .array.compactMap(\.string)
                if ids.isEmpty { break }
                offset += ids.count
                let replies = try store.send(ids.map { ["HMGET", store.runKey($0), "state", "document"] }, on: store.logConnection)
                for reply in replies where runs.count < limit {
                    let fields = reply.array.map(\.string)
                    guard fields.count == 2, let document = fields[1] else { continue }
                    if failedOnly, fields[0] != WorkflowRunRecord.State.failed.rawValue { continue }
                    runs.append(try store.decodeRun(document))
                }
            }
            return runs
        }
    }

    public func workflowRun(id: String) async throws(StateStoreError) -> WorkflowRunRecord? {
        try await onLogQueue { store throws(StateStoreError) in
            let reply = try store.send([["HGET", store.runKey(id), "document"]], on: store.logConnection)[0]
            return try reply.string.map { text throws(StateStoreError) in try store.decodeRun(text) }
        }
    }

    public func purgeRuns(createdBefore time: Double) async throws(StateStoreError) -> Int {
        try await onLogQueue { store throws(StateStoreError) in
            let reply = try store.send([["EVAL", Self.purgeScript, "2", store.runsKey, store.openRunsKey, "(" + String(time), store.namespace + "run:"]],
                                       on: store.logConnection)[0]
            return reply.integer ?? 0
        }
    }

    private func decodeRun(_ text: String) throws(StateStoreError) -> WorkflowRunRecord {
        guard let run = WorkflowRunRecord(json: text) else { throw StateStoreError("state store \(location): a workflow run could not be read") }
        return run
    }

    // KEYS: run, runs, open runs; ARGV: id, document, state, owner, lease, created.
    static let createRunScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'document', ARGV[2], 'state', ARGV[3], 'owner', ARGV[4], 'lease', ARGV[5])
        redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
        redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
        return 1
        """

    // KEYS: run, open runs; ARGV: id, owner, document, state, lease, finished.
    static let saveRunScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], 'document', ARGV[3], 'state', ARGV[4], 'lease', ARGV[5])
        if ARGV[6] == '1' then
          redis.call('HSET', KEYS[1], 'owner', '')
          redis.call('ZREM', KEYS[2], ARGV[1])
        else
          redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
        end
        return 1
        """

    // KEYS: run, open runs; ARGV: id, owner, lease.
    static let renewRunScript = """
        if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
        redis.call('HSET', KEYS[1], 'lease', ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        return 1
        """

    // KEYS: open runs; ARGV: now, owner, lease, run key prefix. The run's document, or nil.
    static let claimExpiredScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1)
        if #ids == 0 then return false end
        local key = ARGV[4] .. ids[1]
        redis.call('HSET', key, 'owner', ARGV[2], 'lease', ARGV[3])
        redis.call('ZADD', KEYS[1], ARGV[3], ids[1])
        return redis.call('HGET', key, 'document')
        """

    // KEYS: run, open runs; ARGV: id, owner, lease. The run's document, or nil.
    static let claimFailedScript = """
        if redis.call('HGET', KEYS[1], 'state') ~= 'failed' then return false end
        redis.call('HSET', KEYS[1], 'state', 'running', 'owner', ARGV[2], 'lease', ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        return redis.call('HGET', KEYS[1], 'document')
        """

    // KEYS: runs, open runs; ARGV: '(' .. time, run key prefix. How many were deleted.
    static let purgeScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        for _, id in ipairs(ids) do
          redis.call('DEL', ARGV[2] .. id)
          redis.call('ZREM', KEYS[1], id)
          redis.call('ZREM', KEYS[2], id)
        end
        return #ids
        """
}
