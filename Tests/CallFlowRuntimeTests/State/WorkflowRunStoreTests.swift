import Synchronization
import Testing
@testable import CallFlowRuntime

/// Workflow runs in both state stores: what a run is, who owns it, and how another process
/// takes over a run whose owner died. The same tests run against SQLite and Redis.
@Suite struct WorkflowRunStoreTests {
    typealias Backend = StateStoreTests.Backend

    static func run(_ id: String, created: Double, state: WorkflowRunRecord.State = .pending) -> WorkflowRunRecord {
        var variables = CallVariables()
        _ = variables.set("phonenum", "+447700900123")
        _ = variables.set("waiting_time", "12.5")
        var contact = ContactVariables()
        _ = contact.set("tags", "vip,new")
        _ = contact.set("custom_fields.plan", "gold")
        let event = WorkflowEvent(trigger: .callEnded, variables: variables, contact: contact, flow: "DtmfMenu", resultCode: "NO_CHOICE",
                                  duration: 7, properties: ["LeadField": "gold"], digits: ["Menu": ""])
        return WorkflowRunRecord(id: id, workflow: "FollowUp", created: created, state: state, event: event)
    }

    static func outcome(_ action: String, succeeded: Bool = true) -> ActionOutcome {
        ActionOutcome(action: action, type: "APIRequest", succeeded: succeeded, status: succeeded ? 200 : 503, error: succeeded ? nil : "HTTP status 503",
                      result: succeeded ? .object([("id", .string("C-1"))]) : nil, method: "POST", url: "https://crm.example.com/x",
                      requestBody: "{\"a\":1}", responseBody: "{\"id\":\"C-1\"}", attempts: 1, milliseconds: 4, finished: 1_000)
    }

    @Test(arguments: Backend.allCases) func aRunIsKeptWholeAndOnlyItsOwnerWritesIt(_ backend: Backend) async throws {
        let fixture = try await StateStoreTests.Fixture(backend)
        let store = try fixture.another()
        var run = Self.run("r1", created: 100)
        try await store.createRun(run, owner: "a", leaseUntil: WallClock.now() + 60)
        #expect(try await store.workflowRun(id: "r1") == run)

        run.outcomes = [Self.outcome("CRM")]
        run.state = .running
        run.starts = 1
        #expect(try await store.saveRun(run, owner: "a", leaseUntil: WallClock.now() + 60))
        // Another process, not the owner, cannot write it.
        var stolen = run
        stolen.state = .succeeded
        #expect(try await fixture.another().saveRun(stolen, owner: "b", leaseUntil: WallClock.now() + 60) == false)
        #expect(try await fixture.another().renewRun(id: "r1", owner: "b", leaseUntil: WallClock.now() + 60) == false)
        let read = try await fixture.another().workflowRun(id: "r1")
        #expect(read == run)
        #expect(read?.event.variables.waiting_time == 12.5 && read?.event.contact.tags == ["vip", "new"])
        #expect(read?.done.first?.result?["id"]?.flowString == "C-1")
        #expect(try await store.workflowRun(id: "nope") == nil)
    }

    @Test(arguments: Backend.allCases) func aRunWhoseLeaseEndedIsTakenByOneProcessOnly(_ backend: Backend) async throws {
        let fixture = try await StateStoreTests.Fixture(backend)
        let store = try fixture.another()
        let now = WallClock.now()
        try await store.createRun(Self.run("live", created: 1), owner: "a", leaseUntil: now + 60)
        try await store.createRun(Self.run("dead", created: 2), owner: "gone", leaseUntil: now - 1)
        try await store.createRun(Self.run("done", created: 3), owner: "a", leaseUntil: now + 60)
        var finished = Self.run("done", created: 3, state: .succeeded)
        finished.outcomes = [Self.outcome("CRM")]
        #expect(try await store.saveRun(finished, owner: "a", leaseUntil: now + 60))

        // Two processes look at once: one takes the dead owner's run, the other finds nothing.
        async let first = fixture.another().claimExpiredRun(owner: "b", now: now, leaseUntil: now + 60)
        async let second = fixture.another().claimExpiredRun(owner: "c", now: now, leaseUntil: now + 60)
        let claims = try await [first, second].compactMap { $0?.id }
        #expect(claims == ["dead"])
        // The new owner may write it; the dead one may not.
        let taken = try #require(try await store.workflowRun(id: "dead"))
        let owner = try await store.saveRun(taken, owner: "b", leaseUntil: now + 60) ? "b" : "c"
        #expect(try await store.saveRun(taken, owner: owner, leaseUntil: now + 60))
        #expect(try await store.saveRun(taken, owner: "gone", leaseUntil: now + 60) == false)
        // A finished run is never taken, nor a live one.
        #expect(try await store.claimExpiredRun(owner: "d", now: now + 30, leaseUntil: now + 90) == nil)
        #expect(try await store.claimExpiredRun(owner: "d", now: now + 61, leaseUntil: now + 120)?.id != nil)
    }

    @Test(arguments: Backend.allCases) func failedRunsAreListedRetriedAndPurged(_ backend: Backend) async throws {
        let fixture = try await StateStoreTests.Fixture(backend)
        let store = try fixture.another()
        for (index, id) in ["old", "mid", "new"].enumerated() {
            try await store.createRun(Self.run(id, created: Double(100 + index)), owner: "a", leaseUntil: WallClock.now() + 60)
        }
        var failed = Self.run("mid", created: 101, state: .failed)
        failed.outcomes = [Self.outcome("CRM"), Self.outcome("Text", succeeded: false)]
        failed.error = "Text: HTTP status 503"
        #expect(try await store.saveRun(failed, owner: "a", leaseUntil: 0))

        #expect(try await store.workflowRuns(limit: 10, failedOnly: false).map(\.id) == ["new", "mid", "old"])
        #expect(try await store.workflowRuns(limit: 2, failedOnly: false).map(\.id) == ["new", "mid"])
        #expect(try await store.workflowRuns(limit: 10, failedOnly: true).map(\.id) == ["mid"])

        // Only a failed run is taken for a retry.
        #expect(try await store.claimFailedRun(id: "new", owner: "b", leaseUntil: WallClock.now() + 60) == nil)
        let retried = try #require(try await store.claimFailedRun(id: "mid", owner: "b", leaseUntil: WallClock.now() + 60))
        #expect(retried.done.map(\.action) == ["CRM"])
        #expect(try await store.claimFailedRun(id: "mid", owner: "c", leaseUntil: WallClock.now() + 60) == nil)
        #expect(try await store.saveRun(retried, owner: "b", leaseUntil: WallClock.now() + 60))

        #expect(try await store.purgeRuns(createdBefore: 101.5) == 2)
        #expect(try await store.workflowRuns(limit: 10, failedOnly: false).map(\.id) == ["new"])
        #expect(try await store.purgeRuns(createdBefore: .infinity) == 1)
        #expect(try await store.workflowRuns(limit: 10, failedOnly: false).isEmpty)
        #expect(try await store.claimExpiredRun(owner: "d", now: WallClock.now() + 3600, leaseUntil: WallClock.now() + 3660) == nil)
    }
}

/// A run that Redis cannot record in time waits in a SQLite spool on the machine, and is moved
/// to Redis, and run, when Redis answers again; moved twice, it is recorded once. (A paused
/// Redis may still apply the write it did not answer in time once it goes on: then the run is
/// there already, with a lease that runs out, and is taken up as a dead owner's would be.)
@Suite struct WorkflowSpoolTests {
    @Test func runsWaitInTheSpoolWhileRedisIsAwayAndRunWhenItIsBack() async throws {
        let redis = try await RedisServer()
        let server = try await TestServer.start(script: TestServer.echoScript)
        let folder = TemporaryFolder()
        let store = RedisStateStore(redis.address, decisionTimeout: .seconds(1))
        let spool = try SQLiteStateStore(path: folder.path + "/spool.sqlite")
        let workflow = CompiledWorkflow(name: "Notify", trigger: .callEnded, actions: [WorkflowActionInfo("Post", "APIRequest")]) { _, run in
            var plan = RequestPlan(method: .post, url: [.text(server.base + "/echo")])
            plan.body = .json([(path: ["phone"], value: [.value(run.variables.phonenum)], format: .string)])
            return .request(plan, result: nil)
        }
        let reports = Mutex<[String]>([])
        let runner = WorkflowRunner(workflows: [workflow], store: store, http: HTTPClient(), leaseSeconds: 1, spool: spool) { report in
            switch report {
            case .spooled(_, let name, _): reports.withLock { $0.append("spooled \(name)") }
            case .finished(_, let name, let state, _): reports.withLock { $0.append("\(name) \(state.rawValue)") }
            default: break
            }
        }
        var variables = CallVariables()
        _ = variables.set("phonenum", "+447700900123")
        let event = WorkflowEvent(trigger: .callEnded, variables: variables, contact: ContactVariables(), flow: "Menu", resultCode: "INBOUND")

        redis.pause()
        await runner.fire(event)
        await runner.waitForRuns()
        #expect(reports.withLock { $0 } == ["spooled Notify"])
        let waiting = try await spool.workflowRuns(limit: 10, failedOnly: false)
        #expect(waiting.count == 1 && waiting.first?.event == event)
        #expect(await runner.forwardSpool() == 0, "nothing moves while Redis is away")

        redis.resume()
        // What flows serve does every half lease, until the run is done and the spool empty
        // (a run Redis took late may be resumed before its spooled copy is cleared).
        for _ in 0..<100 {
            let spooled = try await spool.workflowRuns(limit: 10, failedOnly: false)
            if reports.withLock({ $0.contains("Notify succeeded") }) && spooled.isEmpty { break }
            await runner.forwardSpool()
            await runner.resumeExpired()
            await runner.waitForRuns()
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(reports.withLock { $0 } == ["spooled Notify", "Notify succeeded"])
        #expect(try await spool.workflowRuns(limit: 10, failedOnly: false).isEmpty)
        let recorded = try await store.workflowRuns(limit: 10, failedOnly: false)
        #expect(recorded.map(\.id) == waiting.map(\.id) && recorded.first?.state == .succeeded)
        #expect(recorded.first?.done.first?.requestBody == #"{"phone":"+447700900123"}"#)
        // Moved again (a process that died before it cleared the spool): recorded once.
        #expect(try await store.createRun(waiting[0], owner: "other", leaseUntil: WallClock.now() + 60) == false)
    }
}
