import Foundation
import Testing

/// The triggers of a real call through `flows serve`: a SIPp caller to DtmfMenu presses nothing,
/// the call ends NO_CHOICE, and `--record` writes its recording. MissedChoiceFollowUp
/// (CallEnded) texts the caller and posts to Slack; RecordingTranscript (RecordingUploaded)
/// transcribes the recording with pocketsphinx and posts the text. The providers are a server
/// on 127.0.0.1 answering as theirs do.
@Suite struct ServeWorkflowTests {
    @Test func aServedCallFiresCallEndedAndRecordingUploaded() async throws {
        let providers = try await TestServer.start(script: TestServer.providerScript)
        let recordings = TemporaryFolder()
        let state = TemporaryFolder()
        let port = ServeTests.freePorts(1)
        let metricsPort = ServeTests.freePorts(1)
        let server = try await ServeTests.serve(["--trace", "json", "--record", recordings.path, "--metrics", "127.0.0.1:\(metricsPort)"], port: port, environment: [
            "FLOW_STATE_DB": state.path + "/state.sqlite",
            "FLOW_SMS_CLOUDTALK_URL": providers.base + "/cloudtalk", "FLOW_SLACK_URL": providers.base + "/slack",
            "FLOW_SECRET_SMS_KEY_ID": "ct-key-id", "FLOW_SECRET_SMS_KEY_SECRET": "ct-key-secret", "FLOW_SECRET_SLACK_TOKEN": "xoxb-test",
        ])
        let caller = try await ServeTests.sipp(calling: "DtmfMenu", port: port, headers: ["P-Asserted-Identity: <sip:+447700900123@127.0.0.1>"],
                                               in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        // pocketsphinx takes a few seconds for the recording (4.2 s here), longer on busy cores.
        #expect(await server.waitFor(90) { $0.contains(#""event":"workflowEnd","workflow":"RecordingTranscript""#) }, "\(server.output)")
        #expect(await server.waitFor(20) { $0.contains(#""event":"workflowEnd","workflow":"MissedChoiceFollowUp""#) }, "\(server.output)")
        #expect(server.output.contains { $0.contains(#""workflow":"MissedChoiceFollowUp","run":"#) && $0.contains(#""state":"succeeded""#) })
        // A run's first line carries the call's Call-ID, as the call's own lines do.
        let answer = try #require(server.output.first { $0.contains(#""event":"answer""#) })
        let callID = try #require(answer.firstMatch(of: /^\{"call":"([^"]+)"/)?.1)
        #expect(server.output.contains { $0.hasPrefix(#"{"call":"\#(callID)","event":"workflow","workflow":"MissedChoiceFollowUp""#) }, "\(server.output)")
        #expect(server.output.contains { $0.contains(#""workflow":"RecordingTranscript","run":"#) && $0.contains(#""state":"succeeded""#) })
        // What a team graphs: runs by state, actions by outcome, runs in progress.
        let metrics = await ServeTests.get("http://127.0.0.1:\(metricsPort)/metrics")?.body ?? ""
        let lines = metrics.split(separator: "\n").map(String.init)
        #expect(lines.contains(#"callflow_workflow_runs_total{workflow="MissedChoiceFollowUp",state="succeeded"} 1"#), "\(metrics)")
        #expect(lines.contains(#"callflow_workflow_runs_total{workflow="RecordingTranscript",state="succeeded"} 1"#), "\(metrics)")
        #expect(lines.contains(#"callflow_workflow_actions_total{workflow="MissedChoiceFollowUp",action="Text",outcome="ok"} 1"#), "\(metrics)")
        #expect(lines.contains("callflow_workflow_runs_pending 0.0") || lines.contains("callflow_workflow_runs_pending 0"), "\(metrics)")

        let sent = try await WorkflowActionTests.seen(providers)
        let sms = sent.filter { $0["path"] == "/cloudtalk/sms/send.json" }.compactMap { $0["body"] }
        #expect(sms == [#"{"recipient":"+447700900123","sender":"+442071234567","message":"Sorry we missed you. Reply or call back any time."}"#])
        let posts = sent.filter { $0["path"] == "/slack/chat.postMessage" }.compactMap { $0["body"] }
        #expect(posts.count == 2)
        let recording = try ServeTests.recording(in: recordings)
        let notice = try #require(posts.first { $0.contains("#recordings") })
        // "A 17 s call from +447700900123 ended NO_CHOICE; its recording (17.3 s) is /…/1-….wav. Caller: … Flow: …"
        let match = try #require(notice.firstMatch(of: /A (\d+) s call from \+447700900123 ended NO_CHOICE; its recording \(([\d.]+) s\) is ([^ ]+\.wav)\. ([^"]*)"/))
        #expect(String(match.output.3) == recordings.path + "/" + recording.name)
        let seconds = Double(recording.caller.count) / 8000
        #expect(abs((Double(match.output.2) ?? 0) - seconds) < 0.1, "\(notice) for \(seconds) s of audio")
        #expect(Int(match.output.1)! >= 10)

        // pocketsphinx on 8 kHz call audio: the caller's side (SIPp echoes what it hears) and
        // the flow's, each the menu twice and the goodbye. Measured: about 6 words in 10 right;
        // these it gets every time.
        let transcript = String(match.output.4)
        let sides = transcript.split(separator: "Flow: ")
        #expect(sides.count == 2 && sides[0].hasPrefix("Caller: "), "\(transcript)")
        for side in sides {
            for words in ["for support", "sorry we did not get", "goodbye"] {
                #expect(side.contains(words), "\(words) not in \(side)")
            }
        }
    }
}
