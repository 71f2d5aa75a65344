import CallFlowRuntime
import Foundation
import Testing

/// Kamailio in front of two `flows serve` processes that share one Redis, watched by
/// Prometheus. They live with the `flows run` tests, which own the demo API's port.
extension FlowsRunTests {
    /// CloudTalkContact's `RateLimit: 10/minute`, called 14 times within seconds through both
    /// processes, admits exactly 10: the window is one, in Redis, not one a process. Prometheus,
    /// scraping both, sums what they count.
    @Test func aRateLimitCalledThroughTwoServersOnOneRedisAdmitsExactlyItsLimit() async throws {
        let redis = try await RedisServer()
        let metricsPorts = [ServeTests.freePorts(1), ServeTests.freePorts(1)]
        // FLOW_STATE_URL wins over the FLOW_STATE_DB each server is also given.
        let started = try await KamailioTests.servers(2, arguments: { ["--metrics", "127.0.0.1:\(metricsPorts[$0])"] }, environment: [
            "FLOW_STATE_URL": redis.url, "FLOW_SECRET_CLOUDTALK_KEY": "cloudtalk-secret-key",
        ])
        let (kamailio, proxyPort) = try await KamailioTests.proxy(for: started.map(\.port))
        let prometheus = try await Prometheus(scraping: metricsPorts)
        let calls = try await ServeTests.sipp(calling: "CloudTalkContact", port: proxyPort, echo: false, calls: 14, in: TemporaryFolder())
        #expect(calls.status == 0, "\(calls.output)\n\(kamailio.output)")

        let requests = started.map { server in server.0.output.filter { $0.contains(#""event":"request","element":"CreateContact""#) } }
        #expect(requests.map(\.count) == [7, 7], "both servers took calls: \(requests)")
        let all = requests.joined()
        #expect(all.filter { $0.contains(#""status":201"#) }.count == 10, "\(requests)")
        #expect(all.filter { $0.contains(#""error":"Rate Limit Exceeded""#) }.count == 4, "\(requests)")
        #expect(try await redis.command("ZCARD", "callflow:rate:CloudTalkContact.CreateContact") == "10")
        // And the log of the element, written behind the calls, holds all 14 from both.
        #expect(try await redis.command("LLEN", "callflow:log:CloudTalkContact.CreateContact") == "14")

        // What a team would graph, summed over both processes by Prometheus's query API.
        #expect(await prometheus.value(of: "sum(callflow_calls_ended_total)", reaching: 14) == 14)
        #expect(await prometheus.value(of: #"sum(callflow_api_requests_total{element="CreateContact",outcome="ok"})"#, reaching: 10) == 10)
        #expect(await prometheus.value(of: "sum(callflow_rate_limit_refusals_total)", reaching: 4) == 4)
        #expect(await prometheus.value(of: "count(callflow_calls_in_progress)", reaching: 2) == 2)
        withExtendedLifetime(kamailio) {}
    }

    /// A Prometheus server of the test's own, scraping `flows serve` processes every 500 ms.
    final class Prometheus: Sendable {
        let running: ServeTests.Running
        let port = ServeTests.freePorts(1)

        init(scraping ports: [Int]) async throws {
            let folder = TemporaryFolder()
            try """
                global:
                  scrape_interval: 500ms
                scrape_configs:
                  - job_name: flows
                    static_configs:
                      - targets: [\(ports.map { "'127.0.0.1:\($0)'" }.joined(separator: ", "))]
                """.write(toFile: folder.path + "/prometheus.yml", atomically: true, encoding: .utf8)
            running = try ServeTests.Running("/usr/bin/prometheus", [
                "--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ], cleanly: true)
            running.keep(folder)
            _ = await eventually(within: 20) { await ServeTests.get("http://127.0.0.1:\(port)/-/ready")?.status == 200 }
        }

        /// The value of an instant `query`, waiting at most 20 s for it to reach `expected`
        /// (scrapes come every 500 ms); the last value seen otherwise.
        func value(of query: String, reaching expected: Double) async -> Double? {
            let url = "http://127.0.0.1:\(port)/api/v1/query?query=" + Encoding.percentEncoded(query)
            var last: Double?
            _ = await eventually(within: 20, every: .milliseconds(200)) {
                if let body = await ServeTests.get(url)?.body, let data = body.data(using: .utf8),
                   let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]],
                   let value = (result.first?["value"] as? [Any])?.last as? String {
                    last = Double(value)
                }
                return last == expected
            }
            return last
        }
    }
}
