import Foundation
import Synchronization
import Testing

/// `flows run` of each example flow, as a user runs it, against the demo API on 127.0.0.1:18080.
@Suite(.serialized) struct FlowsRunTests {
    static let flows: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("callflow-examples").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("callflow-examples")
    }()

    let api: TestServer
    /// Each test's own state database (request logs, rate limits), as FLOW_STATE_DB.
    let state = TemporaryFolder()

    init() async throws {
        api = try await TestServer.start(script: TestServer.packageRoot.appendingPathComponent("demo/api.py").path, arguments: ["18080"], port: 18080)
    }

    /// Runs `flows` and returns its exit status and standard output.
    func flows(_ arguments: [String], secrets: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await start(arguments, secrets: secrets).finish()
    }

    /// Runs `flows` and returns its exit status and standard error.
    func flowsErrors(_ arguments: [String]) async throws -> (status: Int32, errors: String) {
        let result = try await start(arguments, capturingErrors: true).finishWithErrors()
        return (result.status, result.errors)
    }

    /// A `flows` process that has been started.
    struct Running: @unchecked Sendable {
        let process: Process
        let output: Pipe
        let errors: Pipe?

        func finish() async throws -> (status: Int32, output: String) {
            let result = try await finishWithErrors()
            return (result.status, result.output)
        }

        func finishWithErrors() async throws -> (status: Int32, output: String, errors: String) {
            try await offThePool {
                // Standard error is read on another thread, so that neither pipe can fill up.
                let errorText = Mutex(Data())
                let group = DispatchGroup()
                if let errors {
                    DispatchQueue.global().async(group: group) {
                        let data = errors.fileHandleForReading.readDataToEndOfFile()
                        errorText.withLock { $0 = data }
                    }
                }
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                group.wait()
                return (process.terminationStatus, String(decoding: data, as: UTF8.self), String(decoding: errorText.withLock { $0 }, as: UTF8.self))
            }
        }
    }

    func start(_ arguments: [String], secrets: [String: String] = [:], capturingErrors: Bool = false,
               environment extra: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = Self.flows
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in secrets { environment["FLOW_SECRET_" + name] = value }
        environment["FLOW_STATE_DB"] = state.path + "/state.sqlite"
        environment["FLOW_SMTP_URL"] = nil
        environment.merge(extra) { $1 }
        process.environment = environment
        let output = Pipe()
        let errors = capturingErrors ? Pipe() : nil
        process.standardOutput = output
        process.standardError = errors ?? FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, output: output, errors: errors)
    }

    /// The trace's events, with the time each request took left out.
    func trace(_ arguments: [String], secrets: [String: String] = [:]) async throws -> [String] {
        let run = try await flows(["run"] + arguments + ["--trace", "json"], secrets: secrets)
        #expect(run.status == 0)
        return run.output.split(separator: "\n").map { String($0).replacing(/"ms":\d+/, with: "\"ms\":0").replacing(/"run":"[0-9a-f-]+"/, with: "\"run\":\"ID\"") }
    }

    @Test func leadFieldReadback() async throws {
        let events = try await trace(["LeadFieldReadback", "--call", "name=Ann", "--call", "leadid=42"], secrets: ["MAXCONTACT_BASIC": "ZGVtbzpkZW1v"])
        #expect(events == [
            #"{"event":"enter","element":"Welcome","type":"TTS"}"#,
            #"{"event":"say","element":"Welcome","text":"Hello Ann, one moment please."}"#,
            #"{"event":"enter","element":"GETAPI","type":"APIRequest"}"#,
            #"{"event":"play","element":"GETAPI","files":["please_hold.wav"]}"#,
            #"{"event":"request","element":"GETAPI","method":"GET","url":"http://127.0.0.1:18080/leadservices/api/v2/leads/42/fields/158","status":200,"attempts":1,"ms":0,"error":null}"#,
            #"{"event":"enter","element":"StoreField","type":"SetProperty"}"#,
            #"{"event":"set","element":"StoreField","property":"LeadField","value":"gold"}"#,
            #"{"event":"enter","element":"ReadBack","type":"TTS"}"#,
            #"{"event":"say","element":"ReadBack","text":"Your field is gold"}"#,
            #"{"event":"enter","element":"Route","type":"Branch"}"#,
            #"{"event":"branch","element":"Route","goto":"GoldDesk"}"#,
            #"{"event":"enter","element":"GoldDesk","type":"Transfer"}"#,
            #"{"event":"transfer","element":"GoldDesk","to":"gold_queue"}"#,
            #"{"event":"end","resultCode":"GOLD"}"#,
        ])
    }

    @Test func leadFieldReadbackWithAWrongSecretTakesTheFailureExit() async throws {
        let events = try await trace(["LeadFieldReadback", "--call", "leadid=42"], secrets: ["MAXCONTACT_BASIC": "d3Jvbmc6d3Jvbmc="])
        #expect(events.contains(#"{"event":"request","element":"GETAPI","method":"GET","url":"http://127.0.0.1:18080/leadservices/api/v2/leads/42/fields/158","status":401,"attempts":1,"ms":0,"error":"HTTP status 401"}"#))
        #expect(events.contains(#"{"event":"say","element":"Sorry","text":"Sorry, we could not find your details."}"#))
        #expect(events.last == #"{"event":"end","resultCode":"INBOUND"}"#)
        #expect(!events.joined().contains("d3Jvbmc6d3Jvbmc="))
    }

    @Test func cloudTalkContact() async throws {
        let events = try await trace(["CloudTalkContact", "--call", "name=Ben", "--call", "phonenum=+447700900123", "--contact", "tags=new,ivr"],
                               secrets: ["CLOUDTALK_KEY": "cloudtalk-secret-key"])
        #expect(events == [
            #"{"event":"enter","element":"CreateContact","type":"APIRequest"}"#,
            #"{"event":"request","element":"CreateContact","method":"POST","url":"http://127.0.0.1:18080/cloudtalk/contacts","status":201,"attempts":1,"ms":0,"error":null}"#,
            #"{"event":"enter","element":"Check","type":"Branch"}"#,
            #"{"event":"branch","element":"Check","goto":"Created"}"#,
            #"{"event":"enter","element":"Created","type":"TTS"}"#,
            #"{"event":"say","element":"Created","text":"Thanks Ben, your contact number is 1001."}"#,
            #"{"event":"enter","element":"Bye","type":"Hangup"}"#,
            #"{"event":"end","resultCode":"INBOUND"}"#,
        ])
    }

    @Test func zoomMeetingRetriesAndMapsResults() async throws {
        let events = try await trace(["ZoomMeeting", "--call", "agent_email=agent@example.com"], secrets: ["ZOOM_TOKEN": "zoom-secret-token"])
        #expect(events == [
            #"{"event":"enter","element":"NextMeeting","type":"APIRequest"}"#,
            #"{"event":"play","element":"NextMeeting","files":["one_moment.wav"]}"#,
            #"{"event":"request","element":"NextMeeting","method":"GET","url":"http://127.0.0.1:18080/zoom/v2/users/agent%40example.com/meetings?type=upcoming&page_size=1","status":200,"attempts":2,"ms":0,"error":null}"#,
            #"{"event":"set","element":"NextMeeting","property":"MeetingTopic","value":"Quarterly review"}"#,
            #"{"event":"set","element":"NextMeeting","property":"MeetingStart","value":"2026-11-23T15:00:00Z"}"#,
            #"{"event":"enter","element":"Success","type":"TTS"}"#,
            #"{"event":"say","element":"Success","text":"The next meeting is Quarterly review at 2026-11-23T15:00:00Z."}"#,
            #"{"event":"enter","element":"Bye","type":"Hangup"}"#,
            #"{"event":"end","resultCode":"INBOUND"}"#,
        ])
    }

    @Test func dtmfMenu() async throws {
        #expect(try await trace(["DtmfMenu", "--input", "1"]).suffix(3) == [
            #"{"event":"enter","element":"Sales","type":"Transfer"}"#,
            #"{"event":"transfer","element":"Sales","to":"sales_queue"}"#,
            #"{"event":"end","resultCode":"SALES"}"#,
        ])
        // No input: the prompt is said again (Retries: 1), then the no-input exit. The call
        // ends NO_CHOICE, so MissedChoiceFollowUp runs after it; the call gives no number to text.
        #expect(try await trace(["DtmfMenu"]) == [
            #"{"event":"enter","element":"Menu","type":"CollectInput"}"#,
            #"{"event":"say","element":"Menu","text":"Press 1 for sales or 2 for support."}"#,
            #"{"event":"say","element":"Menu","text":"Press 1 for sales or 2 for support."}"#,
            #"{"event":"collect","element":"Menu","digits":""}"#,
            #"{"event":"enter","element":"NoChoice","type":"Hangup"}"#,
            #"{"event":"say","element":"NoChoice","text":"Sorry, we did not get a choice. Goodbye."}"#,
            #"{"event":"workflow","workflow":"MissedChoiceFollowUp","run":"ID","trigger":"CallEnded"}"#,
            #"{"event":"action","workflow":"MissedChoiceFollowUp","run":"ID","action":"Text","type":"SMS","method":"POST","url":"","status":0,"attempts":0,"ms":0,"error":"Recipient `` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent"}"#,
            #"{"event":"workflowEnd","workflow":"MissedChoiceFollowUp","run":"ID","state":"failed","error":"Text: Recipient `` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent"}"#,
            #"{"event":"end","resultCode":"NO_CHOICE"}"#,
        ])
    }

    @Test func transcriptAndList() async throws {
        let run = try await flows(["run", "DtmfMenu", "--input", "9"])
        #expect(run.status == 0)
        #expect(run.output.replacing(/\(run [0-9a-f-]+\)/, with: "(run ID)") == """
            Menu           says "Press 1 for sales or 2 for support."
            Menu           reads 9
            Route          goes to NoChoice
            NoChoice       says "Sorry, we did not get a choice. Goodbye."
            Call ended: NO_CHOICE
            Workflow MissedChoiceFollowUp runs on CallEnded (run ID)
              Text         SMS failed: Recipient `` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent
            Workflow MissedChoiceFollowUp failed: Text: Recipient `` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent

            """)
        let list = try await flows(["list"])
        #expect(list.output.contains("DtmfMenu: Route the caller with a keypad menu\n  Menu         CollectInput\n"))
        // Both flags show when both are set.
        #expect(list.output.contains("\n  Sales        Transfer  (agents can see, supervisors can see)\n  Support      Transfer  (supervisors can see)\n"))
        #expect(try await flows(["run", "Nope"]).status == 64)
        #expect(try await flows(["run", "DtmfMenu", "--call", "bogus=1"]).status == 64)
    }

    /// What a new user mistypes gets an answer that says what to type instead.
    @Test func commandLineMistakesSayWhatToDo() async throws {
        for name in ["leadfieldreadback", "LeadFeildReadback"] {
            let run = try await flowsErrors(["run", name])
            #expect(run.status == 64)
            #expect(run.errors.hasPrefix("flows: error: no flow named `\(name)`. Did you mean `LeadFieldReadback`? The flows are: "))
        }
        let number = try await flowsErrors(["run", "DtmfMenu", "--call", "waiting_time=abc"])
        #expect(number.status == 64)
        #expect(number.errors == "flows: error: --call waiting_time=abc: `abc` is not a number; waiting_time is a number, such as 30\n")
        let key = try await flowsErrors(["run", "DtmfMenu", "--call", "nmae=Ann"])
        #expect(key.errors.hasPrefix("flows: error: --call nmae=Ann: `nmae` is not a variable. Did you mean `name`?"))
        let trace = try await flowsErrors(["run", "DtmfMenu", "--trace", "yaml"])
        #expect(trace.status == 64)
        #expect(trace.errors.contains("Please provide one of 'json'"))
        let input = try await flowsErrors(["run", "DtmfMenu", "--input", "12ab"])
        #expect(input.status == 64)
        #expect(input.errors == "flows: error: --input 12ab: a key press is one of 0-9, * and #; give each CollectInput's digits as one --input, such as --input 12#\n")
        let unused = try await flowsErrors(["run", "DtmfMenu", "--input", "3", "--input", "4", "--input", "5"])
        #expect(unused.status == 0)
        #expect(unused.errors == "flows: warning: 2 --input values were not used, as no CollectInput asked for them: 4, 5\n")
        let logs = try await flowsErrors(["logs", "LeadFieldReadback"])
        #expect(logs.status == 64)
        #expect(logs.errors == "flows: error: `LeadFieldReadback` is a flow; name one of its APIRequest elements, as FLOW.ELEMENT: LeadFieldReadback.GETAPI\n")
    }

    /// `flows alerts` shows the throttle a failure's mail set, and `reset` clears it for the
    /// next failure.
    @Test func alertsAreListedAndReset() async throws {
        let mailbox = TemporaryFolder()
        let smtp = try await TestServer.start(script: TestServer.smtpScript, arguments: [mailbox.path + "/mails.jsonl"])
        #expect(try await flows(["alerts"]).output == "No alert has been mailed (\(state.path)/state.sqlite).\n")
        // No CLOUDTALK_KEY: the request fails, and its AlertEmail is mailed.
        let failing = ["run", "CloudTalkContact", "--call", "name=Ben", "--trace", "json"]
        let run = try await start(failing, environment: ["FLOW_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)"]).finish()
        #expect(run.output.contains(#"{"event":"alert","element":"CreateContact","to":["ivr-team@example.com"],"sent":true,"error":null}"#))
        let list = try await flows(["alerts"]).output.split(separator: "\n")
        #expect(list.count == 2)
        #expect(list.first == "The last alert of each element, and when the next may go (\(state.path)/state.sqlite):")
        let line = String(list.last ?? "").replacing(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/, with: "TIME")
        #expect(line == "  CloudTalkContact.CreateContact  mailed TIME; the next may go at TIME")
        // Within the hour, the next failure is not mailed ...
        let again = try await start(failing, environment: ["FLOW_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)"]).finish()
        #expect(again.output.contains(#""sent":false"#))
        // ... until the throttle is reset.
        let reset = try await flows(["alerts", "reset", "CloudTalkContact.CreateContact"])
        #expect(reset.status == 0 && reset.output == "Cleared: the next failure of CloudTalkContact.CreateContact is mailed.\n")
        #expect(try await flows(["alerts"]).output == "No alert has been mailed (\(state.path)/state.sqlite).\n")
        let mailed = try await start(failing, environment: ["FLOW_SMTP_URL": "smtp://127.0.0.1:\(smtp.port)"]).finish()
        #expect(mailed.output.contains(#""sent":true"#))
        let bad = try await flowsErrors(["alerts", "reset", "CloudTalkContact.CreateContatc"])
        #expect(bad.status == 64)
        #expect(bad.errors.hasPrefix("flows: error: CloudTalkContact has no APIRequest element `CreateContatc`. Did you mean `CreateContact`?"))
    }

    /// A call variable the flow reads and the run does not give is named before the call.
    @Test func variablesTheRunDoesNotGiveAreNamed() async throws {
        let run = try await flowsErrors(["run", "LeadFieldReadback", "--call", "name=Ann"])
        #expect(run.errors == "flows: warning: LeadFieldReadback reads <<call.leadid>>, which this run does not give, so it is empty (--call leadid=VALUE)\n")
        #expect(try await flowsErrors(["run", "LeadFieldReadback", "--call", "name=Ann", "--call", "leadid=42"]).errors == "")
    }

    @Test func logsShowTheLastRequestsWithSecretsHidden() async throws {
        _ = try await flows(["run", "LeadFieldReadback", "--call", "leadid=42"], secrets: ["MAXCONTACT_BASIC": "ZGVtbzpkZW1v"])
        _ = try await flows(["run", "LeadFieldReadback", "--call", "leadid=7"], secrets: ["MAXCONTACT_BASIC": "d3Jvbmc6d3Jvbmc="])
        let list = try await flows(["logs", "LeadFieldReadback.GETAPI"])
        #expect(list.status == 0)
        let lines = list.output.split(separator: "\n").map { $0.replacing(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/, with: "TIME").replacing(/\d+ ms/, with: "N ms") }
        #expect(lines == [
            "The last 2 requests of LeadFieldReadback.GETAPI, newest first:",
            "  1  TIME  GET http://127.0.0.1:18080/leadservices/api/v2/leads/7/fields/158 → failed: HTTP status 401, N ms",
            "  2  TIME  GET http://127.0.0.1:18080/leadservices/api/v2/leads/42/fields/158 → 200, N ms",
        ])
        let detail = try await flows(["logs", "LeadFieldReadback.GETAPI", "--detail", "2"])
        #expect(detail.status == 0)
        #expect(detail.output.contains("> GET http://127.0.0.1:18080/leadservices/api/v2/leads/42/fields/158\n"))
        #expect(detail.output.contains("> Authorization: Basic ***\n"))
        #expect(detail.output.contains("< 200\n"))
        #expect(detail.output.hasSuffix("\n\n{\"FieldId\": 158, \"Value\": \"gold\"}\n"))
        #expect(!detail.output.contains("ZGVtbzpkZW1v") && !list.output.contains("d3Jvbmc6d3Jvbmc="))
        #expect(try await flows(["logs", "LeadFieldReadback.GETAPI", "--detail", "3"]).status == 64)
        #expect(try await flows(["logs", "LeadFieldReadback.Welcome"]).status == 64)
        #expect(try await flows(["logs", "ZoomMeeting.NextMeeting"]).output == "No request of ZoomMeeting.NextMeeting is logged in \(state.path)/state.sqlite.\n")
    }

    @Test func processesRunningAtOnceShareOneRateLimit() async throws {
        // CloudTalkContact allows 10 requests a minute; 12 processes start together.
        let arguments = ["run", "CloudTalkContact", "--call", "name=Ben", "--trace", "json"]
        let running = try (0..<12).map { _ in try start(arguments, secrets: ["CLOUDTALK_KEY": "k"]) }
        var outputs: [String] = []
        for process in running { outputs.append(try await process.finish().output) }
        let requests = outputs.flatMap { $0.split(separator: "\n") }.filter { $0.contains(#""event":"request""#) }
        #expect(requests.count == 12)
        #expect(requests.filter { $0.contains(#""status":201"#) }.count == 10)
        #expect(requests.filter { $0.contains(#""error":"Rate Limit Exceeded""#) }.count == 2)
    }
}
