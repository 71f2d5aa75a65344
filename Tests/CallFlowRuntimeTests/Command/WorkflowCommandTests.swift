import Foundation
import Testing
@testable import CallFlowRuntime

/// `flows run` with the example workflow MissedChoiceFollowUp, and `flows workflows`, as a user
/// runs them, against a server answering as CloudTalk and Slack on 127.0.0.1.
@Suite struct WorkflowCommandTests {
    let server: TestServer
    let state = TemporaryFolder()

    init() async throws {
        server = try await TestServer.start(script: TestServer.providerScript)
    }

    var environment: [String: String] {
        ["FLOW_STATE_DB": state.path + "/state.sqlite", "FLOW_SMS_CLOUDTALK_URL": server.base + "/cloudtalk", "FLOW_SLACK_URL": server.base + "/slack",
         "FLOW_SECRET_SMS_KEY_ID": "ct-key-id", "FLOW_SECRET_SMS_KEY_SECRET": "ct-key-secret", "FLOW_SECRET_SLACK_TOKEN": "xoxb-test"]
    }

    /// Runs `flows` to its end: its status and its output lines (standard output and error together).
    func flows(_ arguments: [String]) async throws -> (status: Int32, lines: [String]) {
        let environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let run = try await offThePool {
            try FixturePackageTests.runBlocking(FlowsRunTests.flows.path, arguments, in: TestServer.packageRoot, environment: environment)
        }
        return (run.status, run.output.split(separator: "\n").map(String.init))
    }

    @Test func aCallWithoutAChoiceRunsTheWorkflowAndTheRunIsKept() async throws {
        let run = try await flows(["run", "DtmfMenu", "--call", "phonenum=+447700900123", "--call", "name=Ann", "--trace", "json"])
        #expect(run.status == 0)
        let events = run.lines.map { $0.replacing(/"ms":\d+/, with: "\"ms\":0").replacing(/"run":"[0-9a-f-]+"/, with: "\"run\":\"ID\"") }
        #expect(Array(events.suffix(5)) == [
            #"{"event":"workflow","workflow":"MissedChoiceFollowUp","run":"ID","trigger":"CallEnded"}"#,
            #"{"event":"action","workflow":"MissedChoiceFollowUp","run":"ID","action":"Text","type":"SMS","method":"POST","url":"\#(server.base)/cloudtalk/sms/send.json","status":200,"attempts":1,"ms":0,"error":null}"#,
            #"{"event":"action","workflow":"MissedChoiceFollowUp","run":"ID","action":"Tell","type":"Slack","method":"POST","url":"\#(server.base)/slack/chat.postMessage","status":200,"attempts":1,"ms":0,"error":null}"#,
            #"{"event":"workflowEnd","workflow":"MissedChoiceFollowUp","run":"ID","state":"succeeded","error":null}"#,
            #"{"event":"end","resultCode":"NO_CHOICE"}"#,
        ])
        let sent = try await WorkflowActionTests.seen(server)
        #expect(sent.map { $0["body"] ?? "" } == [
            #"{"recipient":"+447700900123","sender":"+442071234567","message":"Sorry we missed you. Reply or call back any time."}"#,
            ##"{"channel":"#support","text":"*Missed choice* from Ann (+447700900123), texted back (SMS status 200)","icon_emoji":":telephone_receiver:","mrkdwn":true}"##,
        ])

        let listed = try await flows(["workflows"])
        #expect(listed.lines.first == "MissedChoiceFollowUp: on CallEnded of DtmfMenu: Text a caller who made no choice, and tell the team")
        #expect(listed.lines.contains { $0.contains("MissedChoiceFollowUp  CallEnded  succeeded") && $0.hasSuffix("2 actions done") })
        let id = try #require(run.lines.first { $0.contains("\"workflowEnd\"") }?.firstMatch(of: /"run":"([0-9a-f-]+)"/)?.1)
        let shown = try await flows(["workflows", "show", String(id)])
        #expect(shown.status == 0)
        #expect(shown.lines.contains { $0.wholeMatch(of: /1\. Text \(SMS\): done at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, 1 attempt, \d+ ms/) != nil })
        #expect(shown.lines.contains("   POST \(server.base)/cloudtalk/sms/send.json"))
        #expect(shown.lines.contains(#"   response body: {"responseData": {"status": 200, "data": {"id": 5001}}}"#))
        #expect(!shown.lines.joined().contains("ct-key-secret") && !shown.lines.joined().contains("xoxb-test"))
    }

    @Test func aFailedRunIsListedRetriedAndPurged() async throws {
        let run = try await flows(["run", "DtmfMenu", "--call", "phonenum=anonymous"])
        #expect(run.status == 0)
        #expect(run.lines.contains("Workflow MissedChoiceFollowUp failed: Text: Recipient `anonymous` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent"))
        let failed = try await flows(["workflows", "runs", "--failed"])
        #expect(failed.lines.count == 1)
        let id = String(try #require(failed.lines.first?.split(separator: " ").first))
        // The recipient is the call's: a retry fails the same way, and says so.
        let retried = try await flows(["workflows", "retry", id])
        #expect(retried.status == 1)
        #expect(retried.lines.last?.hasPrefix("\(id)  MissedChoiceFollowUp  CallEnded  failed") == true)
        let unknown = try await flows(["workflows", "retry", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.lines == ["flows: error: no failed workflow run nope in \(state.path)/state.sqlite; `flows workflows runs --failed` lists them"])
        let purged = try await flows(["workflows", "purge", "--older-than", "0"])
        #expect(purged.lines == ["Deleted 1 workflow run (\(state.path)/state.sqlite)."])
        #expect(try await flows(["workflows", "runs"]).lines == ["No runs (\(state.path)/state.sqlite)."])
    }
}
