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

    /// Kamailio on a free port in front of the `flows serve` processes on `ports`, once it
    /// answers OPTIONS itself.
    static func proxy(for ports: [Int]) async throws -> (ServeTests.Running, port: Int) {
        let folder = TemporaryFolder()
        try ports.map { "1 sip:127.0.0.1:\($0)\n" }.joined().write(toFile: folder.path + "/dispatcher.list", atomically: true, encoding: .utf8)
        let proxyPort = ServeTests.freePorts(1)
        // In a session of its own, so that its workers go with it.
        let kamailio = try ServeTests.Running("/usr/sbin/kamailio", [
            "-f", Self.configuration, "-DD", "-E", "-w", folder.path, "-P", folder.path + "/kamailio.pid",
            "-A", "LISTEN=udp:127.0.0.1:\(proxyPort)", "-A", "DISPATCHER_LIST=\"\(folder.path)/dispatcher.list\"", "-x", "tlsf",
        ], stopsGroup: true)
        kamailio.keep(folder)
        let deadline = ContinuousClock.now + .seconds(10)
        while try await ServeTests.statusLine("OPTIONS", to: "kamailio", port: proxyPort) != "SIP/2.0 200 OK", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
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
}
