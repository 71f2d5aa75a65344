import Foundation
import Testing
@testable import CallFlowRuntime

/// Workflow actions against a real HTTP server on 127.0.0.1 that answers as CloudTalk, Twilio
/// and Slack document: their successes, their errors, a 429, and a server that never answers.
@Suite struct WorkflowActionTests {
    /// A runner of `workflow` on a fresh SQLite store, sending to `server`.
    final class Harness: Sendable {
        let folder = TemporaryFolder()
        let store: SQLiteStateStore
        let runner: WorkflowRunner

        init(_ workflows: [CompiledWorkflow], server: TestServer, secrets: [String: String] = [:], lease: Double = 30) throws {
            store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
            let endpoints = ProviderEndpoints(cloudTalk: server.base + "/cloudtalk", twilio: server.base + "/twilio/", slack: server.base + "/slack")
            runner = WorkflowRunner(workflows: workflows, store: store, http: HTTPClient(), leaseSeconds: lease, endpoints: endpoints,
                                    secrets: { _ in secrets }) { _ in }
        }

        /// Fires `trigger` for a call from `phonenum` and waits for the runs.
        func fire(_ trigger: WorkflowTrigger = .callEnded, phonenum: String = "+447700900123", name: String = "") async -> [WorkflowRunRecord] {
            var variables = CallVariables()
            _ = variables.set("phonenum", phonenum)
            _ = variables.set("name", name)
            await runner.fire(WorkflowEvent(trigger: trigger, variables: variables, contact: ContactVariables(), flow: "Menu", resultCode: "NO_CHOICE"))
            await runner.waitForRuns()
            return (try? await store.workflowRuns(limit: 100, failedOnly: false)) ?? []
        }
    }

    static func sms(_ provider: SMSMessage.Provider = .cloudTalk, sender: String = "+442071234567") -> CompiledWorkflow {
        CompiledWorkflow(name: "Texts", trigger: .callEnded, secrets: ["ID", "SECRET", "SID"], actions: [WorkflowActionInfo("Text", "SMS")]) { _, run in
            .sms(SMSMessage(provider: provider, sender: [.text(sender)], recipient: [.value(run.variables.phonenum)],
                            text: [.text("Sorry we missed you, "), .value(run.variables.name)], keyId: [.secret("ID")], keySecret: [.secret("SECRET")],
                            accountSid: [.secret("SID")]))
        }
    }

    /// Every request the server has had: method, path, authorization, contentType, body.
    static func seen(_ server: TestServer) async throws -> [[String: String]] {
        let response = try await HTTPClient().send(PreparedRequest(method: .get, url: server.base + "/seen", headers: [], body: nil), timeoutMilliseconds: 5_000).get()
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
    }

    @Test func cloudTalkSendsJSONWithBasicCredentialsAndItsSuccessFalseIsAFailure() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let harness = try Harness([Self.sms()], server: server, secrets: ["ID": "ct-key-id", "SECRET": "ct-key-secret"])
        let sent = await harness.fire(name: "Ann")
        #expect(sent.map(\.state) == [.succeeded])
        #expect(sent[0].outcomes.map(\.status) == [200])
        let request = try #require(try await Self.seen(server).last)
        #expect(request["path"] == "/cloudtalk/sms/send.json")
        #expect(request["authorization"] == "Basic Y3Qta2V5LWlkOmN0LWtleS1zZWNyZXQ=")
        #expect(request["contentType"] == "application/json")
        #expect(request["body"] == #"{"recipient":"+447700900123","sender":"+442071234567","message":"Sorry we missed you, Ann"}"#)
        // The credentials never reach the run's record.
        #expect(sent[0].json.contains("Y3Qta2V5LWlkOmN0LWtleS1zZWNyZXQ=") == false && sent[0].json.contains("ct-key-secret") == false)

        for (number, reason) in [("+15550000000", "Recipient is on the blocklist"), ("+15550000001", "Invalid sender")] {
            let runs = await harness.fire(phonenum: number)
            #expect(runs[0].state == .failed)
            #expect(runs[0].error == "Text: CloudTalk refused the SMS: \(reason)")
            #expect(runs[0].outcomes.map(\.status) == [200])
        }
        let wrongKey = try Harness([Self.sms()], server: server, secrets: ["ID": "ct-key-id", "SECRET": "wrong-secret"])
        let refused = await wrongKey.fire()
        #expect(refused.first?.error == "Text: CloudTalk refused the SMS (status 401): Unauthorized")
    }

    @Test func aRecipientThatIsNotANumberFailsBeforeAnyRequest() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let harness = try Harness([Self.sms()], server: server, secrets: ["ID": "ct-key-id", "SECRET": "ct-key-secret"])
        let runs = await harness.fire(phonenum: "anonymous")
        #expect(runs[0].state == .failed)
        #expect(runs[0].error == "Text: Recipient `anonymous` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent")
        #expect(try await Self.seen(server).isEmpty)
        let missing = try Harness([Self.sms()], server: server, secrets: ["ID": "ct-key-id"])
        let unsent = await missing.fire()
        #expect(unsent.first?.error == "Text: Missing secret SECRET: set the environment variable FLOW_SECRET_SECRET")
        #expect(try await Self.seen(server).isEmpty)
    }

    @Test func twilioSendsAFormAndItsErrorsAreRead() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let harness = try Harness([Self.sms(.twilio, sender: "ACME")], server: server, secrets: ["ID": "SK1", "SECRET": "tw-secret", "SID": "AC123"])
        let runs = await harness.fire(name: "Ann & Bo")
        #expect(runs[0].state == .succeeded)
        #expect(runs[0].outcomes[0].status == 201)
        let request = try #require(try await Self.seen(server).last)
        #expect(request["path"] == "/twilio/2010-04-01/Accounts/AC123/Messages.json")
        #expect(request["contentType"] == "application/x-www-form-urlencoded")
        #expect(request["body"] == "To=%2B447700900123&From=ACME&Body=Sorry+we+missed+you%2C+Ann+%26+Bo")
        // The account SID is a secret: it is *** in the URL the run keeps.
        #expect(runs[0].outcomes[0].url.hasSuffix("/twilio/2010-04-01/Accounts/***/Messages.json"))

        let failed = await harness.fire(phonenum: "+15005550001")
        #expect(failed[0].error == "Text: HTTP status 400: Twilio error 21211: The 'To' number +15005550001 is not a valid phone number.")
    }

    static func slack(_ channel: String) -> CompiledWorkflow {
        CompiledWorkflow(name: "Tell", trigger: .callEnded, secrets: ["TOKEN"], actions: [WorkflowActionInfo("Post", "Slack")]) { _, run in
            .slack(SlackMessage(token: [.secret("TOKEN")], channel: [.text(channel)], text: [.text("*Missed* <https://x.example|call> from "), .value(run.variables.name)],
                                iconEmoji: [.text(":phone:")]))
        }
    }

    @Test func slackOkFalseIsAFailureA429IsWaitedForAndValuesAreEscaped() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let nowhere = try Harness([Self.slack("#nowhere")], server: server, secrets: ["TOKEN": "xoxb-test"])
        let failed = await nowhere.fire()
        #expect(failed[0].state == .failed)
        #expect(failed[0].error == "Post: Slack refused the message: channel_not_found")
        #expect(failed[0].outcomes[0].status == 200)

        let busy = try Harness([Self.slack("#busy")], server: server, secrets: ["TOKEN": "xoxb-test"])
        let clock = ContinuousClock()
        let started = clock.now
        let runs = await busy.fire(name: "<!channel> & <@U1>")
        #expect(runs[0].state == .succeeded)
        #expect(runs[0].outcomes[0].attempts == 2)
        #expect(clock.now - started >= .seconds(1))
        let request = try #require(try await Self.seen(server).last)
        #expect(request["authorization"] == "Bearer xoxb-test")
        #expect(request["body"] == ##"{"channel":"#busy","text":"*Missed* <https://x.example|call> from &lt;!channel&gt; &amp; &lt;@U1&gt;","icon_emoji":":phone:","mrkdwn":true}"##)
    }

    @Test func anActionWhoseServerNeverAnswersFailsWithinItsTimeout() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let workflow = CompiledWorkflow(name: "Hangs", trigger: .callEnded, actions: [WorkflowActionInfo("Post", "APIRequest")]) { _, _ in
            var plan = RequestPlan(method: .post, url: [.text(server.base + "/hang")])
            plan.timeout = 1
            return .request(plan, result: nil)
        }
        let harness = try Harness([workflow], server: server)
        let runs = await harness.fire()
        #expect(runs[0].state == .failed)
        #expect(runs[0].error?.hasPrefix("Post: Timed out") == true)
        #expect(runs[0].outcomes[0].status == 0)
    }
}

/// Transcription actions: Google's Speech-to-Text v1 as a server on 127.0.0.1 answers it, and
/// the recording's audio as sent.
@Suite struct TranscriptionActionTests {
    /// A stereo 8 kHz WAV of `seconds` (a tone on the left, silence on the right), as
    /// `flows serve --record` writes.
    static func recording(seconds: Double, in folder: TemporaryFolder) throws -> String {
        let frames = Int(seconds * 8000)
        var bytes = Array("RIFF".utf8) + le32(36 + frames * 4) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(2) + le32(8000) + le32(32000) + le16(4) + le16(16)
        bytes += Array("data".utf8) + le32(frames * 4)
        for index in 0..<frames {
            let sample = Int16(sin(Double(index) / 8000 * 2 * .pi * 440) * 8000)
            bytes += le16(Int(UInt16(bitPattern: sample))) + le16(0)
        }
        let path = folder.path + "/call.wav"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16(value >> 16) }

    static func workflow(_ transcription: @escaping @Sendable (String) -> SpeechTranscription) -> CompiledWorkflow {
        CompiledWorkflow(name: "Transcripts", trigger: .recordingUploaded, secrets: ["STT"], actions: [WorkflowActionInfo("Transcribe", "Transcription")]) { _, run in
            .transcription(transcription(run.recordingFile ?? ""))
        }
    }

    func run(_ seconds: Double, key: String = "stt-key", server: TestServer) async throws -> WorkflowRunRecord {
        let folder = TemporaryFolder()
        let file = try Self.recording(seconds: seconds, in: folder)
        let workflow = Self.workflow { SpeechTranscription(recording: $0, model: "phone_call", enhanced: true, key: [.secret("STT")]) }
        let store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
        let runner = WorkflowRunner(workflows: [workflow], store: store, http: HTTPClient(), endpoints: ProviderEndpoints(speech: server.base + "/speech"),
                                    secrets: { _ in ["STT": key] }) { _ in }
        var event = WorkflowEvent(trigger: .recordingUploaded, variables: CallVariables(), contact: ContactVariables(), flow: "Menu")
        event.recordingFile = file
        event.recordingDuration = seconds
        await runner.fire(event)
        await runner.waitForRuns()
        return try #require(try await store.workflowRuns(limit: 1, failedOnly: false).first)
    }

    @Test func aShortRecordingIsRecognizedAtOnceWithItsTwoChannelsApart() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let run = try await run(3, server: server)
        #expect(run.state == .succeeded, "\(run.error ?? "")")
        let result = try #require(run.done.first?.result)
        #expect(result["Text"]?.flowString == "Caller: I want to cancel my order Flow: press one for sales")
        #expect(abs((result["Confidence"]?.flowNumber ?? 0) - 0.8) < 1e-9)
        let request = try #require(try await WorkflowActionTests.seen(server).last)
        #expect(request["path"] == "/speech/v1/speech:recognize")
        #expect(request["authorization"] == "stt-key")
        #expect(request["body"] == #"{"config": {"encoding": "LINEAR16", "sampleRateHertz": 8000, "languageCode": "en-US", "model": "phone_call", "audioChannelCount": 2, "enableSeparateRecognitionPerChannel": true, "useEnhanced": true}, "audioBytes": 96000}"#)
        // The audio is not kept with the run, nor the key.
        #expect(run.done.first?.requestBody == "(3 s of audio, 2 channels at 8000 Hz)")
        #expect(!run.json.contains("stt-key"))
    }

    @Test func aRecordingOverAMinuteIsRecognizedByAnOperationThatIsPolled() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let run = try await run(61, server: server)
        #expect(run.state == .succeeded, "\(run.error ?? "")")
        #expect(run.done.first?.result?["Text"]?.flowString == "Caller: I want to cancel my order Flow: press one for sales")
        let paths = try await WorkflowActionTests.seen(server).map { $0["path"] ?? "" }
        #expect(paths == ["/speech/v1/speech:longrunningrecognize", "/speech/v1/operations/4242", "/speech/v1/operations/4242"])
        #expect(run.done.first?.attempts == 3)
    }

    @Test func googlesErrorIsTheActionsError() async throws {
        let server = try await TestServer.start(script: TestServer.providerScript)
        let run = try await run(2, key: "wrong-key", server: server)
        #expect(run.state == .failed)
        #expect(run.error == "Transcribe: HTTP status 403: The request is missing a valid API key.")
    }

    @Test func aMissingRecordingFailsTheAction() async throws {
        let folder = TemporaryFolder()
        let workflow = Self.workflow { SpeechTranscription(engine: .local, recording: $0) }
        let store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
        let runner = WorkflowRunner(workflows: [workflow], store: store, http: HTTPClient()) { _ in }
        var event = WorkflowEvent(trigger: .recordingUploaded, variables: CallVariables(), contact: ContactVariables(), flow: "Menu")
        event.recordingFile = folder.path + "/gone.wav"
        await runner.fire(event)
        await runner.waitForRuns()
        let run = try #require(try await store.workflowRuns(limit: 1, failedOnly: false).first)
        #expect(run.error == "Transcribe: The recording could not be read: cannot read \(folder.path)/gone.wav")
    }
}
