import Foundation
import Testing
@testable import CallFlowRuntime

/// A process killed with SIGKILL loses no workflow run: `flows serve`, running beside it, takes
/// the run up once its lease ends, from the first action not recorded as done. On each store:
/// a machine's SQLite file, and Redis for a fleet.
@Suite(.serialized) struct WorkflowRecoveryTests {
    @Test(arguments: StateStoreTests.Backend.allCases)
    func runsOfAKilledProcessAreFinishedByAnotherWithoutRepeatingDoneActions(_ backend: StateStoreTests.Backend) async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let state = TemporaryFolder()
        let redis = backend == .redis ? try await RedisServer() : nil
        let environment = [
            (redis == nil ? "FLOW_STATE_DB" : "FLOW_STATE_URL"): redis?.url ?? state.path + "/state.sqlite", "FLOW_WORKFLOW_LEASE": "2",
            "FLOW_WORKFLOW_SPOOL": state.path + "/spool.sqlite",
            "FLOW_SMS_CLOUDTALK_URL": server.base + "/cloudtalk", "FLOW_SLACK_URL": server.base + "/slack",
            "FLOW_SECRET_SMS_KEY_ID": "ct-key-id", "FLOW_SECRET_SMS_KEY_SECRET": "ct-key-secret", "FLOW_SECRET_SLACK_TOKEN": "xoxb-test",
        ]
        // The second process: a server that takes up runs whose lease has ended.
        let serve = try await ServeTests.serve([], port: ServeTests.freePorts(1), environment: environment)

        // Killed mid-request of the first action (the SMS is held by the server), then killed
        // between actions (the SMS done and recorded, the Slack message held).
        let midRequest = try ServeTests.Running(FlowsRunTests.flows.path, ["run", "DtmfMenu", "--call", "phonenum=+15550000009", "--call", "name=Ann"],
                                                environment: environment)
        #expect(await eventually { try await Self.requests(server).filter { $0 == "sms" }.count == 1 })
        kill(midRequest.process.processIdentifier, SIGKILL)
        let betweenActions = try ServeTests.Running(FlowsRunTests.flows.path, ["run", "DtmfMenu", "--call", "phonenum=+447700900123", "--call", "name=HOLD"],
                                                    environment: environment)
        #expect(await eventually { try await Self.requests(server).filter { $0 == "slack" }.count == 1 })
        kill(betweenActions.process.processIdentifier, SIGKILL)

        let store: any StateStore = try redis.map { RedisStateStore($0.address, decisionTimeout: .seconds(5)) } ?? SQLiteStateStore(path: state.path + "/state.sqlite")
        #expect(await eventually(within: 30) {
            let runs = try await store.workflowRuns(limit: 10, failedOnly: false)
            return runs.count == 2 && runs.allSatisfy { $0.state == .succeeded }
        }, "\(serve.output)")
        let runs = try await store.workflowRuns(limit: 10, failedOnly: false)
        // Each run was taken up once, by the server.
        #expect(runs.map(\.starts) == [2, 2])
        #expect(runs.allSatisfy { $0.outcomes.map(\.action) == ["Text", "Tell"] })
        // What was in flight was sent again (at least once); the SMS recorded as done was not.
        let sent = try await Self.requests(server)
        #expect(sent.filter { $0 == "sms" }.count == 3)
        #expect(sent.filter { $0 == "slack" }.count == 3)
        #expect(serve.output.contains { $0.contains("MissedChoiceFollowUp resumed at action 1") })
        #expect(serve.output.contains { $0.contains("MissedChoiceFollowUp resumed at action 2") })
    }

    /// `sms` or `slack` for each request the provider server has had, in order.
    static func requests(_ server: TestServer) async throws -> [String] {
        try await WorkflowActionTests.seen(server).map { $0["path"]?.hasPrefix("/cloudtalk") == true ? "sms" : "slack" }
    }
}
