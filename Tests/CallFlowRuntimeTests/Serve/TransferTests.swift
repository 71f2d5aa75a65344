import Foundation
import Testing

/// Barge-in and transfer by REFER against real peers: the caller (baresip) presses a key while
/// the menu plays and is referred to the support line (a second baresip that answers), or to a
/// number that does not exist.
extension ServeTests {
    /// 2 pressed half a second into the menu stops it and counts; the server sends REFER, the
    /// caller calls the support line (whose number is the Transfer's To), which answers; the
    /// final NOTIFY says so and the server hangs up the first call.
    @Test func pressingTwoDuringTheMenuTransfersTheCallerToSupport() async throws {
        let supportPort = Self.freePorts(3)
        let supportFolder = TemporaryFolder()
        let support = try Self.caller(in: supportFolder, sipPort: supportPort, controlPort: supportPort + 2, answering: true,
                                      user: "+442071234567")
        let supportControl = try await Control(port: supportPort + 2)
        let recordings = TemporaryFolder()
        let (server, port, _) = try await serve(["--trace", "json", "--transfer-uri", "sip:{to}@127.0.0.1:\(supportPort)",
                                                 "--record", recordings.path])
        let (caller, control, folder) = try await Self.dial("DtmfMenu", port: port, recording: true)
        #expect(try await control.events(waitingFor: "CALL_ESTABLISHED", seconds: 10).contains("CALL_ESTABLISHED"), "\(caller.output)")
        // Press 2 once the caller has heard half a second of the menu.
        func heardFor() -> Int {
            guard let heard = try? Self.heard(in: folder), let first = heard.firstIndex(where: { abs(Int($0)) > 300 }) else { return 0 }
            return heard.count - first
        }
        _ = await eventually(within: 10, every: .milliseconds(20)) { heardFor() >= 4000 }
        // The caller has heard the start of the menu. (Read now: baresip's recording of its next
        // call, to the support line, may take the same file name.)
        let menu = try Self.spoken(Self.menuPrompt)
        let start = try #require(menu.firstIndex { abs(Int($0)) > 300 })
        let menuStart = Array(menu[..<(start + 3200)])
        #expect(AudioMatch.best(of: menuStart, in: try Self.heard(in: folder)).score > 0.9, "the menu was not heard")
        control.send("sndcode", "2")

        let answered = try await supportControl.events(waitingFor: "CALL_ESTABLISHED", seconds: 20)
        #expect(answered.contains("CALL_ESTABLISHED"), "\(answered)\n\(support.output)")
        #expect(await server.waitFor(10) { $0.contains(#""event":"hangup""#) }, "\(server.output)")
        let referred = try await control.events(waitingFor: "CALL_CLOSED", seconds: 10)
        #expect(referred.contains("TRANSFER"), "\(referred)")
        let trace = server.callTrace
        // The key is told before the flow reads it, though they are told from different threads.
        let pressed = trace.firstIndex { $0.contains(#""event":"dtmf","digit":"2""#) }
        let read = trace.firstIndex { $0.contains(#""event":"collect","element":"Menu","digits":"2""#) }
        #expect(pressed != nil && read != nil && pressed! < read!, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"transfer","element":"Support","to":"+442071234567""#) })
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"SUPPORT""#) }, "\(trace)")
        #expect(trace.last?.contains(#""event":"hangup","by":"server""#) == true, "\(trace)")
        #expect(!trace.contains { $0.contains(#""event":"warning""#) }, "\(trace)")
        control.send("hangup")

        // The menu was cut short: the server sent its start, not all of it.
        let sent = try Self.recording(in: recordings).flow
        #expect(AudioMatch.best(of: menuStart, in: sent).score > 0.9)
        #expect(AudioMatch.best(of: menu, in: sent).score < 0.9, "the whole menu played")
    }

    /// 1 for sales: the transfer target does not exist (the caller's INVITE to it is answered
    /// 404), the NOTIFY says so, and the flow takes the Transfer's OnFailure exit.
    @Test func aFailedTransferTakesOnFailure() async throws {
        let port = Self.freePorts(1)
        let (server, _, _) = try await serve(["--trace", "json", "--transfer-uri", "sip:{to}@127.0.0.1:\(port)"], port: port)
        let (caller, control, _) = try await Self.dial("DtmfMenu", port: port)
        #expect(try await control.events(waitingFor: "CALL_ESTABLISHED", seconds: 10).contains("CALL_ESTABLISHED"), "\(caller.output)")
        control.send("sndcode", "1")
        #expect(await server.waitFor(20) { $0.contains(#""event":"hangup""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.contains { $0.contains(#""event":"transfer","element":"Sales","to":"sales_queue""#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"warning","element":"Sales","message":"the transfer to sales_queue failed: 404 Not Found""#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"enter","element":"SalesClosed""#) })
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"SALES_CLOSED""#) }, "\(trace)")
    }

    /// A REFER the caller's side refuses outright (SIPp answers `603 Declined`) is a failed
    /// transfer too: OnFailure, then the server's BYE.
    @Test func aRefusedReferTakesOnFailure() async throws {
        let (server, port, _) = try await serve(["--trace", "json"])
        let caller = try await Self.sipp(calling: "DtmfMenu", port: port, keys: "1", ending: .refuseTransfer("603 Declined"), in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        #expect(await server.waitFor(10) { $0.contains(#""event":"hangup""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.contains { $0.contains(#""message":"the transfer to sales_queue failed: the REFER was refused: 603 Declined""#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"SALES_CLOSED""#) }, "\(trace)")
    }

    /// A REFER accepted (202) with no NOTIFY after it counts as done after 5 s: the server ends
    /// the subscription and hangs up with the Transfer's result code.
    @Test func anAcceptedReferWithoutNotifyCountsAsDone() async throws {
        let (server, port, _) = try await serve(["--trace", "json"])
        let started = ContinuousClock.now
        let caller = try await Self.sipp(calling: "DtmfMenu", port: port, keys: "2", ending: .acceptTransferWithoutNotify, in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        #expect(ContinuousClock.now - started >= .seconds(5))
        #expect(await server.waitFor(10) { $0.contains(#""event":"hangup""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"SUPPORT""#) }, "\(trace)")
        #expect(!trace.contains { $0.contains(#""event":"warning""#) }, "\(trace)")
    }
}
