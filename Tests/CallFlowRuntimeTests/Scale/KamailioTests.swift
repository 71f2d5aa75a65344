import Foundation
import Testing

/// Kamailio with deploy/kamailio/kamailio.cfg in front of two `flows serve` processes, called
/// through by SIPp: calls are spread over both, and when one dies the next calls all reach the
/// other.
@Suite(.serialized) struct KamailioTests {
    static let configuration = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../deploy/kamailio/kamailio.cfg").standardized.path

    /// The calls `server` has answered so far.
    static func answered(_ server: ServeTests.Running) -> Int {
        server.output.filter { $0.contains(#""event":"answer""#) }.count
    }

    /// Kamailio on `proxyPort` (a free one unless given) in front of the `flows serve`
    /// processes on `ports`, once it answers OPTIONS itself.
    static func proxy(for ports: [Int], on proxyPort: Int = ServeTests.freePorts(1)) async throws -> (ServeTests.Running, port: Int) {
        let folder = TemporaryFolder()
        try ports.map { "1 sip:127.0.0.1:\($0)\n" }.joined().write(toFile: folder.path + "/dispatcher.list", atomically: true, encoding: .utf8)
        // In a session of its own, so that its workers go with it.
        let kamailio = try ServeTests.Running("/usr/sbin/kamailio", [
            "-f", Self.configuration, "-DD", "-E", "-w", folder.path, "-P", folder.path + "/kamailio.pid",
            "-A", "LISTEN=udp:127.0.0.1:\(proxyPort)", "-A", "DISPATCHER_LIST=\"\(folder.path)/dispatcher.list\"", "-x", "tlsf",
        ], stopsGroup: true)
        kamailio.keep(folder)
        _ = await eventually(within: 10) { try await ServeTests.statusLine("OPTIONS", to: "kamailio", port: proxyPort) == "SIP/2.0 200 OK" }
        return (kamailio, proxyPort)
    }

    /// `count` `flows serve` processes on free ports with `environment` and, each, its
    /// `arguments`; each with its own state file unless the environment names another store.
    static func servers(_ count: Int, arguments: (Int) -> [String] = { _ in [] }, environment: [String: String] = [:]) async throws
        -> [(ServeTests.Running, port: Int)] {
        var servers: [(ServeTests.Running, port: Int)] = []
        for index in 0..<count {
            let port = ServeTests.freePorts(1)
            let state = TemporaryFolder()
            let server = try await ServeTests.serve(["--trace", "json", "--rtp-timeout", "1"] + arguments(index), port: port,
                                                    environment: ["FLOW_STATE_DB": state.path + "/state.sqlite"].merging(environment) { $1 })
            server.keep(state)
            servers.append((server, port))
        }
        return servers
    }

    @Test func callsSpreadOverTwoServersAndGoOnWhenOneDies() async throws {
        // Calls end by the servers' RTP timeout (SIPp sends no audio): a BYE through the proxy.
        let started = try await Self.servers(2)
        let servers = started.map(\.0)
        let (kamailio, proxyPort) = try await Self.proxy(for: started.map(\.port))

        let before = try await ServeTests.sipp(calling: "DtmfMenu", port: proxyPort, echo: false, calls: 4, in: TemporaryFolder())
        #expect(before.status == 0, "\(before.output)\n\(kamailio.output)")
        #expect(servers.map(Self.answered) == [2, 2], "round robin: \(servers.map(Self.answered))")

        kill(servers[0].process.processIdentifier, SIGKILL)
        let after = try await ServeTests.sipp(calling: "DtmfMenu", port: proxyPort, echo: false, calls: 4, in: TemporaryFolder())
        #expect(after.status == 0, "every call after the failure was answered: \(after.output)\n\(kamailio.output)")
        #expect(Self.answered(servers[1]) == 6, "\(servers.map(Self.answered))")
        #expect(servers[1].output.filter { $0.contains(#""event":"hangup","by":"server""#) }.count == 6)
    }

    /// A proxy that dies is replaced by another at its address (as keepalived moves a virtual
    /// address to a standby proxy): the requests within a call in progress follow its
    /// Record-Route to the new one, which needs nothing of the old one's state, so the caller's
    /// hang-up still reaches the server; new calls go through it too.
    @Test func aCallInProgressHangsUpThroughTheProxyThatTookTheAddress() async throws {
        let started = try await Self.servers(1)
        let server = started[0].0
        let (first, proxyPort) = try await Self.proxy(for: [started[0].port])
        let (caller, control, _) = try await ServeTests.dial("DtmfMenu", port: proxyPort)
        #expect(try await control.events(waitingFor: "CALL_ESTABLISHED", seconds: 20).contains("CALL_ESTABLISHED"), "\(caller.output)")
        // The server tells of the call once the caller's ACK has come through the proxy.
        #expect(await server.waitFor(20) { $0.contains(#""event":"answer""#) }, "\(server.output)")

        kill(-first.process.processIdentifier, SIGKILL)
        try #require(await eventually(within: 20) { !first.process.isRunning && ServeTests.portIsFree(proxyPort, SOCK_DGRAM) })
        let (second, _) = try await Self.proxy(for: [started[0].port], on: proxyPort)
        #expect(try await ServeTests.statusLine("OPTIONS", to: "kamailio", port: proxyPort) == "SIP/2.0 200 OK", "\(second.output)")

        control.send("hangup")
        #expect(try await control.events(waitingFor: "CALL_CLOSED", seconds: 20).contains("CALL_CLOSED"))
        #expect(await server.waitFor(20) { $0.contains(#""event":"hangup","by":"caller""#) }, "the BYE reached the server: \(server.output)")

        let after = try await ServeTests.sipp(calling: "DtmfMenu", port: proxyPort, echo: false, calls: 2, in: TemporaryFolder())
        #expect(after.status == 0, "\(after.output)\n\(second.output)")
        #expect(Self.answered(server) == 3)
    }
}
