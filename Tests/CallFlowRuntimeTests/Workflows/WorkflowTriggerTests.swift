import FaultFlows
import Testing
@testable import CallFlowRuntime

/// The triggers of a call as `flows run` fires them: CallStarted before the flow, RequestFailed
/// for the flow's failed request (with the element, status and error), CallEnded after it.
@Suite struct WorkflowTriggerTests {
    static func posting(_ name: String, on trigger: WorkflowTrigger, to server: TestServer,
                        _ fields: @escaping @Sendable (WorkflowContext) -> [(String, String)]) -> CompiledWorkflow {
        CompiledWorkflow(name: name, trigger: trigger, flow: "Faults", actions: [WorkflowActionInfo("Post", "APIRequest")]) { _, run in
            var plan = RequestPlan(method: .post, url: [.text(server.base + "/echo")])
            plan.body = .json(fields(run).map { (path: [$0.0], value: [.value($0.1)], format: .string) })
            return .request(plan, result: nil)
        }
    }

    @Test func aCallFiresStartedRequestFailedAndEnded() async throws {
        let server = try await TestServer.start(script: TestServer.echoScript)
        let folder = TemporaryFolder()
        let store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
        let workflows = [
            Self.posting("OnStart", on: .callStarted, to: server) { [("flow", $0.flow), ("code", $0.resultCode ?? "none")] },
            Self.posting("OnFailure", on: .requestFailed, to: server) {
                [("element", $0.requestElement ?? ""), ("status", FlowText.text($0.requestStatus)), ("error", $0.requestError ?? "")]
            },
            Self.posting("OnEnd", on: .callEnded, to: server) { [("code", $0.resultCode ?? ""), ("said", $0.property("Nothing") ?? "unset")] },
        ]
        let runner = WorkflowRunner(workflows: workflows, store: store, http: HTTPClient()) { _ in }
        var variables = CallVariables()
        _ = variables.set("referenceid", "shape")
        let triggers = CallTriggers(runner: runner, flow: "Faults", variables: variables, contact: ContactVariables())
        let faults = GeneratedFlows.all.first { $0.name == "Faults" }!
        let call = Call(flow: "Faults", variables: variables, contact: ContactVariables(), secrets: ["PORT": String(server.port), "TOKEN": "t0ken-value"],
                        caller: ScriptedDigits([]), http: HTTPClient(), store: store, mailer: AlertMailer(serverURL: nil), sendsAlerts: false,
                        observer: { triggers.observe($0) })
        triggers.callStarted()
        let resultCode = await faults.run(on: call)
        await triggers.callEnded(resultCode)
        await call.end(resultCode)
        await triggers.recorded()
        await runner.waitForRuns()
        #expect(resultCode == "FAILED")

        // Each trigger is recorded by a task of its own: the runs are in any order.
        let runs = try await store.workflowRuns(limit: 10, failedOnly: false).sorted { $0.workflow > $1.workflow }
        #expect(runs.map(\.workflow) == ["OnStart", "OnFailure", "OnEnd"])
        #expect(runs.allSatisfy { $0.state == .succeeded })
        let bodies = runs.map { $0.done.first?.requestBody ?? "" }
        #expect(bodies[0] == #"{"flow":"Faults","code":"none"}"#)
        #expect(bodies[1] == #"{"element":"Fetch","status":"200","error":"Response structure changed: `Value` is a number, expected text"}"#)
        #expect(bodies[2] == #"{"code":"FAILED","said":"unset"}"#)
    }
}
