import CallFlowSIP
import Foundation
import Testing

/// `flows serve` with flows that call the demo API, driven by SIPp (whose INVITE carries
/// headers, and which echoes what it hears, so that the server's recording of the caller holds
/// what the caller heard). They live with the `flows run` tests, which own the demo API's port.
extension FlowsRunTests {
    /// The caller's headers set call variables (P-Asserted-Identity the number, X-Call-Leadid
    /// the lead, which reaches the URL); while the slow CRM answers, the hold phrase plays; the
    /// value is read back. Unknown headers are named, not fatal.
    @Test func aCallWithHeadersHearsTheHoldPhraseWhileTheLeadIsFetched() async throws {
        let port = ServeTests.freePorts(1)
        let recordings = TemporaryFolder()
        let server = try await ServeTests.serve(["--trace", "json", "--record", recordings.path], port: port, environment: [
            "FLOW_STATE_DB": state.path + "/state.sqlite", "FLOW_SECRET_MAXCONTACT_BASIC": "ZGVtbzpkZW1v",
        ])
        let caller = try await ServeTests.sipp(calling: "LeadFieldReadback", port: port, headers: [
            "P-Asserted-Identity: <sip:+441234567890@127.0.0.1>", "X-Call-Leadid: 7", "x-call-NAME: Ann", "X-Call-Shoesize: 44",
        ], in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        #expect(await server.waitFor(10) { $0.contains(#""event":"hangup""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.first?.contains(#""event":"answer","flow":"LeadFieldReadback","from":"+441234567890""#) == true, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"warning","element":"","message":"ignored X-Call-Shoesize: no call variable Shoesize""#) })
        #expect(trace.contains { $0.contains(#""text":"Hello Ann, one moment please.""#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""url":"http://127.0.0.1:18080/leadservices/api/v2/leads/7/fields/158","status":200"#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""text":"Your field is silver""#) }, "\(trace)")

        // The CRM took 1.5 s: the hold phrase played meanwhile, and the caller heard it (its
        // echo is the recording's left side).
        let recording = try ServeTests.recording(in: recordings)
        #expect(recording.name.hasPrefix("1-") && recording.name.hasSuffix("@127.0.0.1.wav"), "named by the Call-ID: \(recording.name)")
        let hold = try ServeTests.wav(ServeTests.prompts + "/please_hold.wav")
        let start = try #require(hold.firstIndex { abs(Int($0)) > 300 })
        let firstSecond = Array(hold[..<(start + 8000)])
        #expect(AudioMatch.best(of: firstSecond, in: recording.flow).score > 0.9, "the hold phrase did not play")
        #expect(AudioMatch.best(of: firstSecond, in: recording.caller).score > 0.9, "the caller did not hear the hold phrase")
        #expect(AudioMatch.best(of: hold, in: recording.flow).score < 0.9, "the whole hold phrase played; the flow should go on as the answer comes")
        let readBack = try ServeTests.spoken("Your field is silver")
        #expect(AudioMatch.best(of: readBack, in: recording.flow).score > 0.9)
    }

    /// A PIN typed on the keypad (`Sensitive: true`) never shows: not in the trace, not in the
    /// request log, not in the recording, which is silent while it is read. The flow still
    /// sends it. `#` ends it at once (the element waits 10 s for a key otherwise).
    @Test func aSensitivePinIsHiddenEverywhereButSent() async throws {
        let port = ServeTests.freePorts(1)
        let recordings = TemporaryFolder()
        let server = try await ServeTests.serve(["--trace", "json", "--record", recordings.path], port: port, environment: [
            "FLOW_STATE_DB": state.path + "/state.sqlite",
        ])
        let started = ContinuousClock.now
        let caller = try await ServeTests.sipp(calling: "AccountPin", port: port, keys: "1234#", in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        #expect(ContinuousClock.now - started < .seconds(12), "the terminator did not end the input")
        #expect(await server.waitFor(10) { $0.contains(#""event":"hangup""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.filter { $0.contains(#""event":"dtmf","digit":"*""#) }.count == 5, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"collect","element":"Pin","digits":"***""#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"PIN_OK""#) }, "the PIN was sent as typed: \(trace)")
        #expect(!server.output.contains { $0.contains("1234") }, "\(server.output)")
        let log = try await flows(["logs", "AccountPin.Check", "--detail", "1"])
        #expect(log.output.contains(#""pin":"***""#) && !log.output.contains("1234"), "\(log.output)")

        // Silent while the PIN was asked for and typed; the answer after it is heard.
        let recording = try ServeTests.recording(in: recordings)
        let prompt = try ServeTests.spoken("Please enter your PIN, then press hash.")
        #expect(AudioMatch.best(of: prompt, in: recording.flow).score < 0.5, "the PIN prompt was recorded")
        #expect(AudioMatch.best(of: try ServeTests.spoken("Thank you, your PIN is correct."), in: recording.flow).score > 0.9)
    }

    /// A caller who hangs up while the flow waits for the slow CRM: the request is abandoned at
    /// once, not waited for, and the call ends ABANDONED.
    @Test func aRequestInFlightIsAbandonedWhenTheCallerHangsUp() async throws {
        let port = ServeTests.freePorts(1)
        let server = try await ServeTests.serve(["--trace", "json"], port: port, environment: [
            "FLOW_STATE_DB": state.path + "/state.sqlite", "FLOW_SECRET_MAXCONTACT_BASIC": "ZGVtbzpkZW1v",
        ])
        // Welcome takes about 2 s; the CRM then takes 1.5 s for lead 7: hang up in between.
        let caller = try await ServeTests.sipp(calling: "LeadFieldReadback", port: port, headers: ["X-Call-Leadid: 7"],
                                               ending: .hangUp(after: 2600), in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        #expect(await server.waitFor(10) { $0.contains(#""event":"end""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        let request = try #require(trace.first { $0.contains(#""event":"request""#) }, "\(trace)")
        #expect(request.contains(#""error":"Abandoned: the call ended before the response came""#), "\(request)")
        let milliseconds = try #require(request.firstMatch(of: /"ms":(\d+)/).flatMap { Int($0.output.1) })
        #expect(milliseconds < 1400, "the request was waited for: \(request)")
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"ABANDONED""#) }, "\(trace)")
        #expect(!trace.contains { $0.contains(#""element":"Sorry""#) }, "the flow went on: \(trace)")
    }
}
