/// One request as it went: what was sent, what came back, how it ended. A call's request and
/// a workflow's action both go through `send`, so they retry, back off and time out alike.
struct RequestExchange {
    var element: String
    var method: String
    /// When it started, in seconds since 1970.
    var started: Double
    var url = ""
    /// Where each redirect went, in order.
    var redirects: [String] = []
    var request: PreparedRequest?
    var response: HTTPResponse?
    /// The last status received, also of a response that could not be used; 0 when none came.
    var status = 0
    var attempts = 0
    var milliseconds = 0
    var error: String?

    init(element: String, method: String, started: Double) {
        self.element = element
        self.method = method
        self.started = started
    }

    /// `plan` prepared by `builder`, noted as this exchange's request and URL; nil when it cannot
    /// be prepared (a missing secret), with the problem as the error and the URL as far as it
    /// could be built.
    mutating func prepare(_ plan: RequestPlan, with builder: RequestBuilder) -> PreparedRequest? {
        switch builder.prepare(plan) {
        case .failure(let problem):
            url = builder.urlForReport(plan)
            error = problem.message
            return nil
        case .success(let prepared):
            request = prepared
            url = prepared.url
            return prepared
        }
    }

    /// Sends `request`, retrying what may pass, all within the plan's `Timeout`. The error of
    /// every failed attempt is kept, in order.
    mutating func send(_ request: PreparedRequest, _ plan: RequestPlan, through http: any HTTPTransport,
                       from started: ContinuousClock.Instant, _ clock: ContinuousClock) async {
        let deadline = started + .seconds(plan.timeout)
        var errors: [String] = []
        defer { error = errors.isEmpty || error == nil ? error : errors.joined(separator: "; then ") }
        for attempt in 0...plan.retries {
            guard deadline - clock.now > .zero else {
                errors.append(errors.isEmpty ? "Timed out after \(plan.timeout) s" : "timed out")
                error = errors.last
                return
            }
            attempts = attempt + 1
            var wait: Duration?
            let (result, hops) = await Redirects.exchange(request, element: element, through: http, deadline: deadline)
            redirects += hops
            switch result {
            case .success(let response):
                self.response = response
                status = response.status
                error = plan.isSuccess(response.status) ? nil : "HTTP status \(response.status)"
                if response.status == 429 {
                    wait = Self.retryAfter(response.header("Retry-After")) ?? Self.backoff(attempt)
                } else if (500...599).contains(response.status) {
                    wait = Self.backoff(attempt)
                }
            case .failure(let failure):
                self.response = nil
                status = failure.status
                error = failure.message
                if failure.isTransient { wait = Self.backoff(attempt) }
            }
            guard let error else { return }
            errors.append(error)
            guard let wait, attempt < plan.retries else { return }
            guard deadline - clock.now > wait else {
                errors[errors.count - 1] += "; no time left for a retry within the \(plan.timeout) s timeout"
                return
            }
            try? await Task.sleep(for: wait)
        }
    }

    /// Exponential backoff from 100 ms, with jitter so that many calls do not retry in step.
    static func backoff(_ attempt: Int) -> Duration {
        .milliseconds(Int(Double(100 << attempt) * Double.random(in: 0.5...1.5)))
    }

    /// `Retry-After` in seconds; nil for a date or anything else (the backoff applies then).
    static func retryAfter(_ value: String?) -> Duration? {
        guard let value, let seconds = Int(value.trimmingSpaces()), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
