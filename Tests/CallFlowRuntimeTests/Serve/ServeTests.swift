import CallFlowSIP
import Foundation
import Synchronization
import Testing

/// `flows serve` against real SIP peers on 127.0.0.1: baresip, driven over its ctrl_tcp
/// module, calls the example runner, which answers, runs the flow and hangs up with BYE; single
/// requests sent by hand probe the edges. What calls hear is in CallAudioTests.swift.
@Suite(.serialized) struct ServeTests {
    /// The server rings before it answers; a caller who gives up meanwhile (CANCEL) leaves
    /// nothing behind: with room for one call, the next call is answered.
    @Test func aCallCancelledWhileRingingFreesItsPlace() async throws {
        let (server, port, _) = try await serve(["--answer-delay", "2000", "--max-calls", "1", "--trace", "json"])
        let (caller, control, _) = try await Self.dial("DtmfMenu", port: port)
        #expect(try await control.events(waitingFor: "CALL_RINGING", seconds: 10).contains("CALL_RINGING"), "\(caller.output)")
        control.send("hangup")
        let cancelled = try await control.events(waitingFor: "CALL_CLOSED", seconds: 10)
        #expect(cancelled.last == "CALL_CLOSED" && !cancelled.contains("CALL_ESTABLISHED"), "\(cancelled)")
        #expect(!server.output.contains { $0.contains(#""event":"answer""#) })

        control.send("dial", "sip:DtmfMenu@127.0.0.1:\(port)")
        let second = try await control.events(waitingFor: "CALL_ESTABLISHED", seconds: 10)
        #expect(second.contains("CALL_ESTABLISHED"), "\(second)\n\(server.output)")
        control.send("hangup")
        #expect(await server.waitFor(10) { $0.contains(#""event":"hangup","by":"caller""#) })
    }

    /// Proxies probe with OPTIONS: 200 while there is room.
    @Test func optionsIsAnswered() async throws {
        let (server, port, _) = try await serve([])
        let status1 = try await Self.statusLine("OPTIONS", to: "probe", port: port)
        #expect(status1 == "SIP/2.0 200 OK")
        withExtendedLifetime(server) {}
    }

    /// A number that names no flow, with no --flow, is refused before anything is answered.
    @Test func anUnknownNumberIsNotFound() async throws {
        let (server, port, _) = try await serve([])
        let status2 = try await Self.statusLine("INVITE", to: "Nope", port: port)
        #expect(status2 == "SIP/2.0 404 Not Found")
        withExtendedLifetime(server) {}
    }

    /// Exposing the server is an explicit choice: from outside --allow, 403.
    @Test func requestsFromOutsideAllowAreForbidden() async throws {
        let (server, port, _) = try await serve(["--allow", "127.0.0.1/32"])
        let status3 = try await Self.statusLine("INVITE", to: "DtmfMenu", port: port, from: "127.0.0.2")
        #expect(status3 == "SIP/2.0 403 Forbidden")
        let status4 = try await Self.statusLine("OPTIONS", to: "probe", port: port, from: "127.0.0.2")
        #expect(status4 == "SIP/2.0 403 Forbidden")
        let status5 = try await Self.statusLine("OPTIONS", to: "probe", port: port, from: "127.0.0.1")
        #expect(status5 == "SIP/2.0 200 OK")
        withExtendedLifetime(server) {}
    }

    /// A full server says so, to calls and to probes.
    @Test func overMaxCallsIsUnavailable() async throws {
        let (server, port, _) = try await serve(["--max-calls", "0"])
        let status6 = try await Self.statusLine("INVITE", to: "DtmfMenu", port: port)
        #expect(status6 == "SIP/2.0 503 Service Unavailable")
        let status7 = try await Self.statusLine("OPTIONS", to: "probe", port: port)
        #expect(status7 == "SIP/2.0 503 Service Unavailable")
        withExtendedLifetime(server) {}
    }

    /// SIGTERM: new calls and probes get 503 while the call in progress goes on; once it has
    /// ended the server stops, with status 0.
    @Test func aStoppingServerFinishesItsCallsFirst() async throws {
        let (server, port, _) = try await serve(["--trace", "json"])
        let (caller, control, _) = try await Self.dial("DtmfMenu", port: port)
        #expect(try await control.events(waitingFor: "CALL_ESTABLISHED", seconds: 10).contains("CALL_ESTABLISHED"), "\(caller.output)")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitFor(10) { $0.contains("flows: stopping: no new calls; waiting at most 60 s for 1 call in progress") }, "\(server.output)")
        let probe = try await Self.statusLine("OPTIONS", to: "probe", port: port)
        #expect(probe == "SIP/2.0 503 Service Unavailable")
        let invite = try await Self.statusLine("INVITE", to: "DtmfMenu", port: port)
        #expect(invite == "SIP/2.0 503 Service Unavailable")
        #expect(server.process.isRunning)
        #expect(!(try await control.events(waitingFor: "CALL_CLOSED", seconds: 0.2)).contains("CALL_CLOSED"), "the call was cut")
        control.send("hangup")
        #expect(await server.waitFor(10) { $0.contains("flows: stopped") }, "\(server.output)")
        try #require(await eventually(within: 10) { !server.process.isRunning })
        #expect(server.process.terminationStatus == 0)
        #expect(server.output.contains { $0.contains(#""event":"hangup","by":"caller""#) })
    }

    /// Garbage, a truncated request, an oversized one, SDP that does not parse and an offer
    /// with no codec in common: each is refused or dropped, the server lives on, and no call
    /// is left behind (with room for one call, the next real one is answered).
    @Test func malformedRequestsNeitherCrashNorLeakACall() async throws {
        let (server, port, _) = try await serve(["--max-calls", "1"])
        Self.sendDatagram((0..<1200).map { _ in UInt8.random(in: 0...255) }, to: port)
        Self.sendDatagram(Array("INVITE sip:DtmfMenu@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9\r\n\r\n".utf8), to: port)
        let headers = (0..<3000).map { "X-Call-Name: \(String(repeating: "a", count: 10))\($0)" }
        Self.sendDatagram(Array(("INVITE sip:DtmfMenu@127.0.0.1 SIP/2.0\r\n" + headers.joined(separator: "\r\n") + "\r\n\r\n").utf8), to: port)
        let sdp = ["Content-Type: application/sdp"]
        let garbage = try await Self.statusLine("INVITE", to: "DtmfMenu", port: port, headers: sdp, body: "v=0\r\nm=audio nonsense\r\n")
        #expect(garbage.hasPrefix("SIP/2.0 4"), "\(garbage)")
        let offer = { (format: String) in
            "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9000 RTP/AVP \(format)\r\n"
        }
        let g729 = try await Self.statusLine("INVITE", to: "DtmfMenu", port: port, headers: sdp, body: offer("18") + "a=rtpmap:18 G729/8000\r\n")
        #expect(g729 == "SIP/2.0 488 Not Acceptable Here")
        #expect(try await Self.statusLine("OPTIONS", to: "probe", port: port) == "SIP/2.0 200 OK")
        let call = try await Self.statusLine("INVITE", to: "DtmfMenu", port: port, headers: sdp, body: offer("0"))
        #expect(call == "SIP/2.0 200 OK", "a refused request kept its place: \(call)")
        #expect(server.process.isRunning)
    }

    /// Behind NAT: the SDP answer names --public-address, and audio takes a port of
    /// --rtp-ports.
    @Test func theAnswerNamesThePublicAddressAndAPortInRange() async throws {
        let (server, port, _) = try await serve(["--public-address", "192.0.2.7", "--rtp-ports", "41000-41020"])
        let offer = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9000 RTP/AVP 8 0 101\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\n"
        let answer = try await Self.answer("INVITE", to: "DtmfMenu", port: port, headers: ["Content-Type: application/sdp"], body: offer)
        #expect(answer.hasPrefix("SIP/2.0 200 OK"), "\(answer)")
        #expect(answer.contains("c=IN IP4 192.0.2.7"), "\(answer)")
        let audioPort = try #require(answer.firstMatch(of: /m=audio (\d+) RTP\/AVP ([0-9 ]+)/), "\(answer)")
        #expect((41000...41020).contains(Int(audioPort.output.1) ?? 0), "\(answer)")
        // The caller's first codec (A-law) and its telephone-event payload type are answered.
        #expect(audioPort.output.2.hasPrefix("8 ") && audioPort.output.2.contains("101"), "\(answer)")
        withExtendedLifetime(server) {}
    }

    @Test func addressRanges() {
        let ten = AddressRange("10.0.0.0/8")!
        #expect(ten.contains("10.200.1.1") && !ten.contains("11.0.0.1") && !ten.contains("::1"))
        #expect(AddressRange("127.0.0.1")!.contains("::ffff:127.0.0.1"))
        #expect(AddressRange("fd00::/8")!.contains("fd12::1") && !AddressRange("fd00::/8")!.contains("fe80::1"))
        #expect(AddressRange("10.0.0.0/33") == nil && AddressRange("nope") == nil)
        #expect(AddressRange.loopback.contains { $0.contains("127.9.9.9") })
    }
}

