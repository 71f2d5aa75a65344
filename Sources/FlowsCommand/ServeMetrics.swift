import CallFlowSIP
import CoreMetrics
import Prometheus
import Synchronization

/// `flows serve --metrics ADDR:PORT`: the process's metrics in Prometheus's text format at
/// `/metrics`, and `/health` (200, or 503 while draining), served by the SIP server's thread.
///
/// Calls and requests record through swift-metrics as they happen; what the SIP server counts
/// in C (responses sent, late RTP packets, recording errors) is added at each scrape.
final class ServeMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let inProgress: Meter
    /// The server once it runs, and what it had counted at the last scrape.
    private let scraped = Mutex(Scraped())

    private struct Scraped {
        var server: SIPServer?
        /// Each counter's total, by its label and label values.
        var totals: [String: UInt64] = [:]
    }

    /// Makes Prometheus the process's metrics backend; once a process.
    init() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        inProgress = Meter(label: "callflow_calls_in_progress")
        inProgress.set(0)
        // Present from the first scrape, so that a rate over them starts at zero.
        for name in ["callflow_rtp_packets_late_total", "callflow_recording_errors_total"] {
            _ = Counter(label: name)
        }
    }

    func watch(_ server: SIPServer) {
        scraped.withLock { $0.server = server }
    }

    func callAnswered() {
        inProgress.increment()
    }

    func callEnded(flow: String, resultCode: String) {
        inProgress.decrement()
        Counter(label: "callflow_calls_ended_total", dimensions: [("flow", flow), ("result", resultCode)]).increment()
    }

    /// The answer to an HTTP GET of `path`.
    func answer(_ path: String, draining: Bool) -> (status: Int, body: String) {
        switch path {
        case "/metrics":
            addServerCounts()
            return (200, registry.emitToString())
        case "/health":
            return draining ? (503, "draining\n") : (200, "ok\n")
        default:
            return (404, "not found: /metrics and /health are served here\n")
        }
    }

    private func addServerCounts() {
        scraped.withLock { scraped in
            guard let server = scraped.server else { return }
            for (code, count) in server.responsesSent {
                Self.catchUp("callflow_sip_responses_sent_total", [("code", String(code))], to: count, from: &scraped.totals)
            }
            Self.catchUp("callflow_rtp_packets_late_total", to: server.latePackets, from: &scraped.totals)
            Self.catchUp("callflow_recording_errors_total", to: server.recordingErrors, from: &scraped.totals)
        }
    }

    /// Adds to a counter what the C server's `total` grew by since the last scrape.
    private static func catchUp(_ label: String, _ dimensions: [(String, String)] = [], to total: UInt64, from totals: inout [String: UInt64]) {
        let key = ([label] + dimensions.map(\.1)).joined(separator: " ")
        let last = totals[key, default: 0]
        guard total > last else { return }
        Counter(label: label, dimensions: dimensions).increment(by: total - last)
        totals[key] = total
    }
}
