import Foundation
import Testing

/// Kamailio in front of two `flows serve` processes that share one Redis. They live with the
/// `flows run` tests, which own the demo API's port.
extension FlowsRunTests {
    /// CloudTalkContact's `RateLimit: 10/minute`, called 14 times within seconds through both
    /// processes, admits exactly 10: the window is one, in Redis, not one a process.
    @Test func aRateLimitCalledThroughTwoServersOnOneRedisAdmitsExactlyItsLimit() async throws {
        let redis = try await RedisServer()
        // FLOW_STATE_URL wins over the FLOW_STATE_DB each server is also given.
        let started = try await KamailioTests.servers(2, environment: [
            "FLOW_STATE_URL": redis.url, "FLOW_SECRET_CLOUDTALK_KEY": "cloudtalk-secret-key",
        ])
        let (kamailio, proxyPort) = try await KamailioTests.proxy(for: started.map(\.port))
        let calls = try await ServeTests.sipp(calling: "CloudTalkContact", port: proxyPort, echo: false, calls: 14, in: TemporaryFolder())
        #expect(calls.status == 0, "\(calls.output)\n\(kamailio.output)")

        let requests = started.map { server in server.0.output.filter { $0.contains(#""event":"request","element":"CreateContact""#) } }
        #expect(requests.map(\.count) == [7, 7], "both servers took calls: \(requests)")
        let all = requests.joined()
        #expect(all.filter { $0.contains(#""status":201"#) }.count == 10, "\(requests)")
        #expect(all.filter { $0.contains(#""error":"Rate Limit Exceeded""#) }.count == 4, "\(requests)")
        #expect(try redis.command("ZCARD", "callflow:rate:CloudTalkContact.CreateContact") == "10")
        // And the log of the element, written behind the calls, holds all 14 from both.
        #expect(try redis.command("LLEN", "callflow:log:CloudTalkContact.CreateContact") == "14")
    }
}
