internal import Metrics

/// What calls add to the process's metrics, through swift-metrics: nothing is kept until the
/// process bootstraps a backend (`flows serve --metrics` bootstraps Prometheus). Each metric
/// has one set of label names, as Prometheus requires.
enum RuntimeMetrics {
    /// How an APIRequest ended.
    enum Outcome: String {
        case ok, failed
        /// Refused by its `RateLimit`.
        case rateLimited = "rate_limited"
        /// Not sent: the state store did not answer for its `RateLimit`.
        case limitNotChecked = "limit_not_checked"
    }

    static func request(flow: String, element: String, outcome: Outcome, duration: Duration) {
        let labels = [("flow", flow), ("element", element)]
        Counter(label: "callflow_api_requests_total", dimensions: labels + [("outcome", outcome.rawValue)]).increment()
        if outcome == .rateLimited { Counter(label: "callflow_rate_limit_refusals_total", dimensions: labels).increment() }
        if outcome == .ok || outcome == .failed {
            Timer(label: "callflow_api_request_duration_seconds", dimensions: labels).record(duration: duration)
        }
    }

    /// What the state store could not do: `rate_limit`, `log` or `alert`.
    static func stateStoreError(_ operation: String) {
        Counter(label: "callflow_state_store_errors_total", dimensions: [("operation", operation)]).increment()
    }

    /// A workflow run that ended (`succeeded`, `failed`), waits in this machine's spool
    /// (`spooled`), or could not be recorded (`lost`).
    static func workflowRun(workflow: String, state: String) {
        Counter(label: "callflow_workflow_runs_total", dimensions: [("workflow", workflow), ("state", state)]).increment()
    }

    /// Runs this process is performing now: up when one starts, down when it stops.
    static func workflowRunsPending(_ change: Int) {
        let meter = Meter(label: "callflow_workflow_runs_pending")
        if change > 0 { meter.increment(by: Double(change)) } else { meter.decrement(by: Double(-change)) }
    }

    static func workflowAction(workflow: String, action: String, succeeded: Bool) {
        Counter(label: "callflow_workflow_actions_total",
                dimensions: [("workflow", workflow), ("action", action), ("outcome", succeeded ? "ok" : "failed")]).increment()
    }
}
