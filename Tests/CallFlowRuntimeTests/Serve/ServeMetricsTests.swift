import CallFlowRuntime
import Foundation
import Testing

/// `flows serve --metrics`: `/metrics` in Prometheus's text format, `/health`.
extension ServeTests {
    /// GETs `url`: its status and body, nil when nothing answered.
    static func get(_ url: String) async -> (status: Int, body: String)? {
        let request = PreparedRequest(method: .get, url: url, headers: [], body: nil)
        guard case .success(let response) = await HTTPClient().send(request, timeoutMilliseconds: 5000) else { return nil }
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func metricsCountCallsAndResponsesAndHealthTellsADrainingServer() async throws {
        let metricsPort = Self.freePorts(1)
        let (server, port, _) = try await serve(["--metrics", "127.0.0.1:\(metricsPort)"])
        let base = "http://127.0.0.1:\(metricsPort)"
        #expect(await Self.get(base + "/health")?.status == 200)
        #expect(await Self.get(base + "/nothing")?.status == 404)

        let calls = try await Self.sipp(calling: "DtmfMenu", port: port, echo: false, ending: .hangUp(after: 500), calls: 2, in: TemporaryFolder())
        #expect(calls.status == 0, "\(calls.output)")
        // The calls' ends are counted as their flows stop, just after SIPp has its answers.
        var text = ""
        _ = await eventually(within: 10, every: .milliseconds(50)) {
            text = await Self.get(base + "/metrics")?.body ?? ""
            return text.contains(#"callflow_calls_ended_total{flow="DtmfMenu",result="ABANDONED"} 2"#)
        }
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"callflow_calls_ended_total{flow="DtmfMenu",result="ABANDONED"} 2"#), "\(text)")
        #expect(lines.contains("callflow_calls_in_progress 0.0"), "\(text)")
        // 200 to each INVITE and each BYE; without --answer-delay, no 180 before the 200.
        #expect(lines.contains(#"callflow_sip_responses_sent_total{code="200"} 4"#), "\(text)")
        #expect(!text.contains(#"callflow_sip_responses_sent_total{code="180"}"#), "\(text)")
        #expect(lines.contains { $0.hasPrefix("callflow_rtp_packets_late_total ") }, "\(text)")
        #expect(lines.contains("# TYPE callflow_calls_ended_total counter"), "\(text)")

        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitFor(10) { $0.contains("flows: stop") }, "\(server.output)")
        // Stopped at once (no call in progress): the port is closed, or answers 503 meanwhile.
        let health = await Self.get(base + "/health")
        #expect(health == nil || health?.status == 503)
    }
}
