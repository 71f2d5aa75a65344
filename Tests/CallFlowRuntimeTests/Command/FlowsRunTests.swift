import Foundation
import Testing

/// `flows run` of each example flow, as a user runs it, against the demo API on 127.0.0.1:18080.
@Suite(.serialized) struct FlowsRunTests {
    static let flows: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("flows").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("flows")
    }()

    let api: TestServer

    init() throws {
        api = try TestServer(script: TestServer.packageRoot.appendingPathComponent("demo/api.py").path, arguments: ["18080"], port: 18080)
    }

    /// Runs `flows` and returns its exit status and standard output.
    func flows(_ arguments: [String], secrets: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.flows
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in secrets { environment["FLOW_SECRET_" + name] = value }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The trace's events, with the time each request took left out.
    func trace(_ arguments: [String], secrets: [String: String] = [:]) throws -> [String] {
        let run = try flows(["run"] + arguments + ["--trace", "json"], secrets: secrets)
        #expect(run.status == 0)
        return run.output.split(separator: "\n").map { String($0).replacing(/"ms":\d+/, with: "\"ms\":0") }
    }

    @Test func leadFieldReadback() throws {
        let events = try trace(["LeadFieldReadback", "--call", "name=Ann", "--call", "leadid=42"], secrets: ["MAXCONTACT_BASIC": "ZGVtbzpkZW1v"])
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

    @Test func leadFieldReadbackWithAWrongSecretTakesTheFailureExit() throws {
        let events = try trace(["LeadFieldReadback", "--call", "leadid=42"], secrets: ["MAXCONTACT_BASIC": "d3Jvbmc6d3Jvbmc="])
        #expect(events.contains(#"{"event":"request","element":"GETAPI","method":"GET","url":"http://127.0.0.1:18080/leadservices/api/v2/leads/42/fields/158","status":401,"attempts":1,"ms":0,"error":"HTTP status 401"}"#))
        #expect(events.contains(#"{"event":"say","element":"Sorry","text":"Sorry, we could not find your details."}"#))
        #expect(events.last == #"{"event":"end","resultCode":"INBOUND"}"#)
        #expect(!events.joined().contains("d3Jvbmc6d3Jvbmc="))
    }

    @Test func cloudTalkContact() throws {
        let events = try trace(["CloudTalkContact", "--call", "name=Ben", "--call", "phonenum=+447700900123", "--contact", "tags=new,ivr"],
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

    @Test func zoomMeetingRetriesAndMapsResults() throws {
        let events = try trace(["ZoomMeeting", "--call", "agent_email=agent@example.com"], secrets: ["ZOOM_TOKEN": "zoom-secret-token"])
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

    @Test func dtmfMenu() throws {
        #expect(try trace(["DtmfMenu", "--input", "1"]).suffix(3) == [
            #"{"event":"enter","element":"Sales","type":"Transfer"}"#,
            #"{"event":"transfer","element":"Sales","to":"sales_queue"}"#,
            #"{"event":"end","resultCode":"SALES"}"#,
        ])
        // No input: the prompt is said again (Retries: 1), then the no-input exit.
        #expect(try trace(["DtmfMenu"]) == [
            #"{"event":"enter","element":"Menu","type":"CollectInput"}"#,
            #"{"event":"say","element":"Menu","text":"Press 1 for sales or 2 for support."}"#,
            #"{"event":"say","element":"Menu","text":"Press 1 for sales or 2 for support."}"#,
            #"{"event":"collect","element":"Menu","digits":""}"#,
            #"{"event":"enter","element":"NoChoice","type":"Hangup"}"#,
            #"{"event":"say","element":"NoChoice","text":"Sorry, we did not get a choice. Goodbye."}"#,
            #"{"event":"end","resultCode":"NO_CHOICE"}"#,
        ])
    }

    @Test func transcriptAndList() throws {
        let run = try flows(["run", "DtmfMenu", "--input", "9"])
        #expect(run.status == 0)
        #expect(run.output == """
            Menu           says "Press 1 for sales or 2 for support."
            Menu           reads 9
            Route          goes to NoChoice
            NoChoice       says "Sorry, we did not get a choice. Goodbye."
            Call ended: NO_CHOICE

            """)
        let list = try flows(["list"])
        #expect(list.output.contains("DtmfMenu: Route the caller with a keypad menu\n  Menu      CollectInput\n"))
        #expect(try flows(["run", "Nope"]).status == 64)
        #expect(try flows(["run", "DtmfMenu", "--call", "bogus=1"]).status == 64)
    }
}
