/// Runs a process's workflows: records each run a trigger starts in the state store before
/// anything else, then performs its actions in order, off the call's path, marking each done
/// as it goes. A run belongs to this process while it renews the run's lease; a run whose
/// owner died is taken up by `resumeExpired` in any process, from the first action not done.
public actor WorkflowRunner {
    public nonisolated let workflows: [CompiledWorkflow]
    /// This process's name as an owner of runs: host, process id and a random part.
    public nonisolated let owner: String
    /// Seconds a run stays with its owner without a renewal.
    public nonisolated let leaseSeconds: Double
    private let store: any StateStore
    private let http: any HTTPTransport
    private let secrets: @Sendable (CompiledWorkflow) -> [String: String]
    private let endpoints: ProviderEndpoints
    private let recognizer: (any SpeechRecognizer)?
    /// Where runs go that the store could not record in time; nil when there is no such place.
    private let spool: SQLiteStateStore?
    private let report: @Sendable (WorkflowReport) -> Void
    private var running: [String: Task<Void, Never>] = [:]

    /// The lease unless `FLOW_WORKFLOW_LEASE` gives other seconds.
    public static let defaultLeaseSeconds: Double = 30

    /// - Parameters:
    ///   - secrets: the values of a workflow's secrets; by default `FLOW_SECRET_<NAME>`.
    ///   - report: hears of every run recorded, action done and run finished, and of problems.
    public init(workflows: [CompiledWorkflow], store: any StateStore, http: any HTTPTransport,
                leaseSeconds: Double = WorkflowRunner.configuredLeaseSeconds, endpoints: ProviderEndpoints = .fromEnvironment,
                recognizer: (any SpeechRecognizer)? = nil, spool: SQLiteStateStore? = nil,
                secrets: @escaping @Sendable (CompiledWorkflow) -> [String: String] = WorkflowRunner.environmentSecrets,
                report: @escaping @Sendable (WorkflowReport) -> Void) {
        self.workflows = workflows
        self.store = store
        self.http = http
        self.leaseSeconds = leaseSeconds
        self.secrets = secrets
        self.endpoints = endpoints
        self.recognizer = recognizer
        self.spool = spool
        self.report = report
        owner = "\(ProcessEnvironment.value("HOSTNAME") ?? "host"):\(ProcessEnvironment.processID):\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// `FLOW_WORKFLOW_LEASE` seconds, else 30.
    public static var configuredLeaseSeconds: Double {
        ProcessEnvironment.value("FLOW_WORKFLOW_LEASE").flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? defaultLeaseSeconds
    }

    /// The spool for a store: a SQLite file of this machine when the store is Redis (whose
    /// outage must not lose a run), else none; nil after telling `report` why it cannot open.
    public static func spool(for store: any StateStore, report: (String) -> Void) -> SQLiteStateStore? {
        guard store is RedisStateStore else { return nil }
        do {
            return try SQLiteStateStore(path: StateLocation.spoolPath)
        } catch {
            report("runs cannot be spooled while Redis is away: \(error)")
            return nil
        }
    }

    /// A workflow's secrets from `FLOW_SECRET_<NAME>`.
    public static func environmentSecrets(_ workflow: CompiledWorkflow) -> [String: String] {
        var found: [String: String] = [:]
        for name in workflow.secrets { found[name] = ProcessEnvironment.value("FLOW_SECRET_" + name) }
        return found
    }

    /// Whether some workflow may start on `trigger`: when none can, the caller need not build
    /// events at all.
    public nonisolated func listens(to trigger: WorkflowTrigger) -> Bool {
        workflows.contains { $0.trigger == trigger }
    }

    /// Records a run of every workflow `event` matches and starts it; returns once every run
    /// is recorded (or reported as lost), so a caller that reports the call's end after this
    /// has every run in the store.
    public func fire(_ event: WorkflowEvent) async {
        for workflow in workflows where workflow.matches(event) {
            let run = WorkflowRunRecord(id: Self.newID(), workflow: workflow.name, created: WallClock.now(), event: event, starts: 1)
            do {
                try await store.createRun(run, owner: owner, leaseUntil: WallClock.now() + leaseSeconds)
            } catch {
                // Kept on this machine, with no owner, until the store takes it (`forwardSpool`).
                var waiting = run
                waiting.starts = 0
                if let spool, (try? await spool.createRun(waiting, owner: "", leaseUntil: 0)) != nil {
                    RuntimeMetrics.workflowRun(workflow: workflow.name, state: "spooled")
                    report(.spooled(run: run.id, workflow: workflow.name, reason: error.description))
                } else {
                    RuntimeMetrics.workflowRun(workflow: workflow.name, state: "lost")
                    report(.warning("the run of \(workflow.name) on \(event.trigger.rawValue) could not be recorded, so it was not run: \(error)"))
                }
                continue
            }
            report(.recorded(run: run.id, workflow: workflow.name, trigger: event.trigger, call: event.callID))
            start(run, workflow)
        }
    }

    /// Waits until every run this process has started is finished (or given up).
    public func waitForRuns() async {
        while let (id, task) = running.first {
            await task.value
            running[id] = nil
        }
    }

    /// Takes up runs whose owner stopped renewing them, one at a time, until none is left;
    /// returns how many it took.
    @discardableResult
    public func resumeExpired() async -> Int {
        var taken = 0
        while true {
            let claimed: WorkflowRunRecord?
            do {
                claimed = try await store.claimExpiredRun(owner: owner, now: WallClock.now(), leaseUntil: WallClock.now() + leaseSeconds)
            } catch {
                report(.warning("runs left by other processes could not be looked for: \(error)"))
                return taken
            }
            guard let run = claimed else { return taken }
            taken += 1
            report(.resumed(run: run.id, workflow: run.workflow, from: run.done.count))
            await take(run)
        }
    }

    /// Moves the runs waiting in the spool to the store and starts them, one at a time, until
    /// the spool is empty or the store does not answer; returns how many it moved. A run is
    /// taken from the spool before it is moved (so two processes never move one), and moving
    /// it twice (a process that died between the two steps) records it once.
    @discardableResult
    public func forwardSpool() async -> Int {
        guard let spool else { return 0 }
        var moved = 0
        while let run = try? await spool.claimExpiredRun(owner: owner, now: WallClock.now(), leaseUntil: WallClock.now() + leaseSeconds) {
            let created: Bool
            do {
                created = try await store.createRun(run, owner: owner, leaseUntil: WallClock.now() + leaseSeconds)
            } catch {
                // Back to waiting, for this process or another to move later.
                _ = try? await spool.saveRun(run, owner: owner, leaseUntil: 0)
                return moved
            }
            try? await spool.removeRun(id: run.id)
            // Not created: a process that died after moving it had moved it already.
            guard created else { continue }
            moved += 1
            report(.recorded(run: run.id, workflow: run.workflow, trigger: run.event.trigger, call: run.event.callID))
            await take(run)
        }
        return moved
    }

    /// Runs the remaining actions of the failed run `id` again; nil when there is no failed
    /// run of that id.
    public func retry(_ id: String) async throws(StateStoreError) -> WorkflowRunRecord? {
        guard let run = try await store.claimFailedRun(id: id, owner: owner, leaseUntil: WallClock.now() + leaseSeconds) else { return nil }
        await take(run)
        await waitForRuns()
        return try await store.workflowRun(id: id)
    }

    private func take(_ claimed: WorkflowRunRecord) async {
        var run = claimed
        run.starts += 1
        guard let workflow = workflows.first(where: { $0.name == run.workflow }) else {
            var failed = run
            failed.state = .failed
            failed.error = "the workflow \(run.workflow) is not in this build of flows"
            _ = try? await store.saveRun(failed, owner: owner, leaseUntil: 0)
            report(.finished(run: run.id, workflow: run.workflow, state: .failed, error: failed.error))
            return
        }
        start(run, workflow)
    }

    /// Runs it in a task of its own, kept until it ends (a server runs for months).
    private func start(_ run: WorkflowRunRecord, _ workflow: CompiledWorkflow) {
        running[run.id] = Task {
            await self.execute(run, workflow)
            self.ended(run.id)
        }
    }

    private func ended(_ id: String) {
        running[id] = nil
    }

    /// Performs the actions not done yet, saving the run after each; stops at a failed action,
    /// or when the run is no longer this process's.
    private func execute(_ started: WorkflowRunRecord, _ workflow: CompiledWorkflow) async {
        RuntimeMetrics.workflowRunsPending(1)
        defer { RuntimeMetrics.workflowRunsPending(-1) }
        var run = started
        run.outcomes = run.done
        run.error = nil
        let performer = ActionPerformer(workflow: workflow.name, http: http, secrets: secrets(workflow), endpoints: endpoints, recognizer: recognizer)
        let renewal = Task { [store, owner, leaseSeconds, id = run.id] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(leaseSeconds * 1000 / 3)))
                if Task.isCancelled { break }
                _ = try? await store.renewRun(id: id, owner: owner, leaseUntil: WallClock.now() + leaseSeconds)
            }
        }
        defer { renewal.cancel() }
        for index in run.outcomes.count..<workflow.actions.count {
            let info = workflow.actions[index]
            let action = workflow.action(at: index, in: WorkflowContext(event: run.event, outcomes: run.outcomes))
            let outcome = await performer.perform(action, info)
            RuntimeMetrics.workflowAction(workflow: workflow.name, action: info.name, succeeded: outcome.succeeded)
            report(.action(run: run.id, workflow: workflow.name, outcome))
            run.outcomes.append(outcome)
            if !outcome.succeeded {
                run.state = .failed
                run.error = "\(info.name): \(outcome.error ?? "failed")"
            } else {
                run.state = index == workflow.actions.count - 1 ? .succeeded : .running
            }
            guard await save(run) else { return }
            if run.state.isFinished { break }
        }
        if run.outcomes.count == workflow.actions.count, run.state == .running || run.state == .pending {
            // Every action was already done when the run was taken up.
            run.state = .succeeded
            guard await save(run) else { return }
        }
        RuntimeMetrics.workflowRun(workflow: workflow.name, state: run.state.rawValue)
        report(.finished(run: run.id, workflow: workflow.name, state: run.state, error: run.error))
    }

    /// Saves `run`; false when this process may not go on with it (it is no longer the owner,
    /// or the store failed: the lease then runs out and the run is resumed from its last
    /// saved action, which may send the unsaved one again).
    private func save(_ run: WorkflowRunRecord) async -> Bool {
        do {
            if try await store.saveRun(run, owner: owner, leaseUntil: WallClock.now() + leaseSeconds) { return true }
            report(.warning("the run \(run.id) of \(run.workflow) was taken over by another process; this one stopped it"))
        } catch {
            RuntimeMetrics.stateStoreError("workflow")
            report(.warning("the run \(run.id) of \(run.workflow) could not be saved (\(error)); it will be resumed when its lease ends"))
        }
        return false
    }

    /// A run id: the time in milliseconds and a random part, in hexadecimal, so ids sort by age.
    static func newID() -> String {
        let millis = UInt64(WallClock.now() * 1000)
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return String(millis, radix: 16) + "-" + String(repeating: "0", count: 8 - random.count) + random
    }
}
