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
        let callerPort = Self.freePorts(3)
        let folder = TemporaryFolder()
        let caller = try Self.caller(in: folder, sipPort: callerPort, controlPort: callerPort + 2)
        let control = try await Control(port: callerPort + 2)
        control.send("dial", "sip:DtmfMenu@127.0.0.1:\(port)")
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
        let callerPort = Self.freePorts(3)
        let folder = TemporaryFolder()
        let caller = try Self.caller(in: folder, sipPort: callerPort, controlPort: callerPort + 2)
        let control = try await Control(port: callerPort + 2)
        control.send("dial", "sip:DtmfMenu@127.0.0.1:\(port)")
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
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        #expect(server.output.contains { $0.contains(#""event":"hangup","by":"caller""#) })
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

