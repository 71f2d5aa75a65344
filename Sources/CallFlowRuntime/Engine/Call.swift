import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One call in progress: the context generated flow code runs against. Every step it takes
/// is reported as a `CallEvent`, with the flow's secrets redacted.
public actor Call {
    public nonisolated let variables: CallVariables
    public nonisolated let contact: ContactVariables
    /// The flow's name, under which its requests are logged and rate-limited.
    public nonisolated let flow: String
    private let builder: RequestBuilder
    /// The flow's secrets, and the values of `Sensitive` inputs as they are read.
    private let redaction: Mutex<Redactor>
    private let sensitiveInput = Mutex<[String]>([])
    private let caller: any Caller
    private let http: any HTTPTransport
    private let store: any StateStore
    private let mailer: AlertMailer
    private let alerts: AlertOutbox
    private let sendsAlerts: Bool
    private let observer: @Sendable (CallEvent) -> Void
    private var background: [Task<Void, Never>] = []
    private let steps = Atomic<Int>(0)

    /// - Parameters:
    ///   - secrets: the secret names the flow declares, with the values found for them.
    ///   - store: where request logs, rate limits and the alert throttle are kept.
    ///   - alerts: where failure mails wait to go out, off the call's path; a process that
    ///     must not end before they went drains it.
    ///   - sendsAlerts: false where no failure may be mailed (`flows try`).
    public init(flow: String, variables: CallVariables, contact: ContactVariables, secrets: [String: String], caller: any Caller,
                http: any HTTPTransport, store: any StateStore, mailer: AlertMailer, alerts: AlertOutbox = .unwatched,
                sendsAlerts: Bool = true, observer: @escaping @Sendable (CallEvent) -> Void) {
        self.flow = flow
        self.variables = variables
        self.contact = contact
        self.builder = RequestBuilder(secrets: secrets)
        // A secret may appear as written or encoded for a URL or a form.
        self.redaction = Mutex(Redactor(secrets: secrets.values))
        self.caller = caller
        self.http = http
        self.store = store
        self.mailer = mailer
        self.alerts = alerts
        self.sendsAlerts = sendsAlerts
        self.observer = observer
    }

    // Reporting an event reads only constants, so it needs no isolation: generated code calls
    // these without `await`, which keeps suspension points (and compile time) to requests and
    // input.
    private nonisolated func redact(_ text: String) -> String {
        redaction.withLock { $0 }(text)
    }

    /// `text` with the `Sensitive` input read so far as `***` (a test's report of what a
    /// request sent, where the flow's made-up secrets may show).
    public nonisolated func hidingSensitiveInput(_ text: String) -> String {
        Redactor(secrets: sensitiveInput.withLock { $0 })(text)
    }

    private nonisolated func emit(_ event: CallEvent) {
        observer(event.redacting(redaction.withLock { $0 }))
    }

    /// Counts a step before the next element: nil to run it, else the result code the call
    /// ends with instead (`ABANDONED` once the caller has hung up, `STEP_LIMIT` after
    /// `FlowLimits.maximumSteps` elements).
    public nonisolated func step() -> String? {
        if caller.hasHungUp { return FlowLimits.abandonedResultCode }
        return steps.add(1, ordering: .relaxed).newValue <= FlowLimits.maximumSteps ? nil : FlowLimits.stepLimitResultCode
    }

    public nonisolated func enter(_ element: String, type: String) { emit(.enter(element: element, type: type)) }
    public nonisolated func set(_ element: String, property: String, value: String) { emit(.set(element: element, property: property, value: value)) }
    public nonisolated func branch(_ element: String, goto: String) { emit(.branch(element: element, goto: goto)) }

    // What the caller hears takes time on a real line, so these wait until it has been heard.
    public nonisolated func say(_ element: String, _ text: String, voice: String? = nil) async {
        emit(.say(element: element, text: text))
        await caller.say(text, voice: voice)
    }

    public nonisolated func play(_ element: String, _ files: [String]) async {
        emit(.play(element: element, files: files))
        await caller.play(files)
    }

    /// Hands the call over; false when the transfer failed (the reason is a `warning`).
    public nonisolated func transfer(_ element: String, to destination: String) async -> Bool {
        emit(.transfer(element: element, to: destination))
        switch await caller.transfer(to: destination) {
        case .transferred: return true
        case .failed(let reason):
            emit(.warning(element: element, message: "the transfer to \(destination) failed: \(reason)"))
            return false
        }
    }

    /// Prompts and reads digits; nil when none came after every retry (or the caller hung up).
    /// `sensitive` digits show as `***` in the event, and from then on wherever they would
    /// appear (a URL, a log), as a secret's do; fillpoints still read them.
    public func collect(_ element: String, prompt: String, files: [String], minDigits: Int, maxDigits: Int, timeout: Int = 5,
                        terminator: String = "#", retries: Int, sensitive: Bool = false) async -> String? {
        let rules = DigitRules(minDigits: minDigits, maxDigits: maxDigits, timeout: .seconds(timeout), terminator: terminator.first,
                               sensitive: sensitive)
        var result: String?
        for _ in 0...retries where !caller.hasHungUp {
            if !prompt.isEmpty { emit(.say(element: element, text: prompt)) }
            if !files.isEmpty { emit(.play(element: element, files: files)) }
            if let entered = await caller.collect(element: element, prompt: Prompt(text: prompt, files: files), rules: rules) {
                let kept = String(entered.filter { $0.isASCII && ($0.isNumber || $0 == "*" || $0 == "#") && $0 != rules.terminator }.prefix(maxDigits))
                if kept.count >= minDigits {
                    result = kept
                    break
                }
            }
        }
        if sensitive, let result {
            // One or two digits hidden inside other text would hide every such digit, so
            // only longer values are redacted beyond the event itself.
            if result.count >= Redactor.shortestHiddenValue {
                redaction.withLock { $0 = $0.adding(result) }
                sensitiveInput.withLock { $0.append(result) }
            }
            emit(.collect(element: element, digits: Redactor.mask))
        } else {
            emit(.collect(element: element, digits: result ?? ""))
        }
        return result
    }

    /// Ends the call: waits for requests still running in the background, then reports the end.
    /// The request log and the alert mails may still be on their way: a process that ends with
    /// the call waits for them itself (`AlertOutbox.drain`, `StateStore.flush`).
    public func end(_ resultCode: String) async {
        for task in background { await task.value }
        background.removeAll()
        emit(.end(resultCode: resultCode))
    }

    // MARK: - Requests

    /// What a request gave: the status (0 when no response came), the failure text, and the
    /// decoded result on success.
    public struct Outcome<Value: Sendable>: Sendable {
        public var status: Int
        public var error: String?
        public var value: Value?
        public var succeeded: Bool { error == nil }
    }

    /// Makes a request and waits for it; a failure is data, never a throw. The caller hears
    /// `files` (the element's `Phrase`), again and again, until the outcome is in.
    public func request(_ element: String, _ plan: RequestPlan, holding files: [String] = []) async -> Outcome<Void> {
        let outcome = await holding(element, files) {
            await perform(element, plan, decode: nil as ((JSONValue) throws(ResponseShapeError) -> Void)?)
        }
        return Outcome(status: outcome.status, error: outcome.error, value: outcome.error == nil ? () : nil)
    }

    /// Makes a request whose JSON response is decoded as the element's declared `Result`.
    public func request<Value: Sendable>(_ element: String, _ plan: RequestPlan, holding files: [String] = [],
                                         decode: @escaping (JSONValue) throws(ResponseShapeError) -> Value) async -> Outcome<Value> {
        await holding(element, files) { await perform(element, plan, decode: decode) }
    }

    private func holding<Result>(_ element: String, _ files: [String], _ body: () async -> Result) async -> Result {
        guard !files.isEmpty else { return await body() }
        emit(.play(element: element, files: files))
        await caller.hold(files)
        let result = await body()
        await caller.endHold()
        return result
    }

    /// `ParseResponse: false`: the request goes out and the flow goes on at once. It still
    /// completes (or times out) and is reported.
    public func send(_ element: String, _ plan: RequestPlan) {
        background.append(Task { _ = await self.perform(element, plan, decode: nil as ((JSONValue) throws(ResponseShapeError) -> Void)?) })
    }

    private func perform<Value>(_ element: String, _ plan: RequestPlan, decode: ((JSONValue) throws(ResponseShapeError) -> Value)?) async -> Outcome<Value> {
        let clock = ContinuousClock()
        let started = clock.now
        var exchange = RequestExchange(element: element, method: plan.method.rawValue, started: WallClock.now())
        var outcome = RuntimeMetrics.Outcome.failed

        if let request = exchange.prepare(plan, with: builder) {
            if let limit = plan.rateLimit {
                do {
                    if try await !store.admit(flow + "." + element, under: limit) {
                        exchange.error = "Rate Limit Exceeded"
                        outcome = .rateLimited
                    }
                } catch {
                    exchange.error = "Rate Limit not checked: \(error)"
                    outcome = .limitNotChecked
                    RuntimeMetrics.stateStoreError("rate_limit")
                }
            }
            if exchange.error == nil {
                await exchange.send(request, plan, through: http, from: started, clock)
            }
        }

        var value: Value?
        if exchange.error == nil, let decode {
            do {
                value = try decode(try JSONParser.parse(exchange.response?.body ?? []))
            } catch let error as ResponseShapeError {
                exchange.error = error.description
            } catch {
                exchange.error = "Response is not JSON"
            }
        }
        let duration = clock.now - started
        exchange.milliseconds = duration.milliseconds
        if exchange.error == nil { outcome = .ok }
        RuntimeMetrics.request(flow: flow, element: element, outcome: outcome, duration: duration)
        await conclude(exchange, alerting: plan.alertEmail)
        return Outcome(status: exchange.status, error: exchange.error, value: exchange.error == nil ? value : nil)
    }

    /// Reports the request and logs it, all redacted. The alert of a failure goes out beside
    /// the call; its log entry says `being sent` until the outcome is known.
    private func conclude(_ exchange: RequestExchange, alerting recipients: [String]) async {
        emit(.request(CallEvent.RequestRecord(
            element: exchange.element, method: exchange.method, url: exchange.url, redirects: exchange.redirects, status: exchange.status,
            attempts: exchange.attempts, milliseconds: exchange.milliseconds, error: exchange.error)))
        guard sendsAlerts, let error = exchange.error, !recipients.isEmpty else {
            log(exchange, alert: nil)
            return
        }
        log(exchange, alert: "being sent")
        alerts.post { [self] in
            let outcome = redact(await sendAlert(exchange, error: error, to: recipients))
            do {
                try await store.setAlert(outcome, flow: flow, element: exchange.element, started: exchange.started)
            } catch {
                emit(.warning(element: exchange.element, message: "What became of the alert was not logged: \(error)"))
            }
        }
    }

    private nonisolated func log(_ exchange: RequestExchange, alert: String?) {
        let entry = RequestLogEntry(
            flow: flow, element: exchange.element, started: exchange.started, method: exchange.method, url: redact(exchange.url),
            redirects: exchange.redirects.map { redact($0) },
            requestHeaders: (exchange.request?.headers ?? []).map { HTTPHeader(name: $0.name, value: redact($0.value)) },
            requestBody: exchange.request?.body.map { redact(String(decoding: $0, as: UTF8.self)) },
            status: exchange.status,
            responseHeaders: (exchange.response?.headers ?? []).map { HTTPHeader(name: $0.name, value: redact($0.value)) },
            responseBody: exchange.response.map { redact(String(decoding: $0.body, as: UTF8.self)) },
            attempts: exchange.attempts, milliseconds: exchange.milliseconds, error: exchange.error.map { redact($0) },
            alert: alert.map { redact($0) })
        store.log(entry) { [self] error in
            RuntimeMetrics.stateStoreError("log")
            emit(.warning(element: exchange.element, message: "The request was not logged: \(error)"))
        }
    }

    /// Mails the failure unless this element already did within the hour; what happened, for
    /// the log. A mail that fails is reported and never changes the call.
    private nonisolated func sendAlert(_ exchange: RequestExchange, error: String, to recipients: [String]) async -> String {
        let reservation: AlertReservation
        do {
            reservation = try await store.reserveAlert(flow: flow, element: exchange.element)
        } catch {
            RuntimeMetrics.stateStoreError("alert")
            emit(.alert(element: exchange.element, to: recipients, error: "not sent: \(error)"))
            return "not sent: \(error)"
        }
        if case .alreadySent = reservation {
            let note = "not sent: one alert an element an hour, and one was sent within the last hour"
            emit(.alert(element: exchange.element, to: recipients, error: note))
            return note
        }
        let body = """
            The request of element \(exchange.element) in flow \(flow) failed.

            \(exchange.method) \(exchange.url)
            Status: \(exchange.status)
            Error: \(error)
            Attempts: \(exchange.attempts)
            Time: \(exchange.milliseconds) ms

            No further alert is sent for this element within the hour. `flows logs \(flow).\(exchange.element)` shows the last requests.
            """
        if let failure = await mailer.send(to: recipients, subject: redact("CallFlow alert: \(flow).\(exchange.element) failed: \(error)"), body: redact(body)) {
            try? await store.release(reservation, flow: flow, element: exchange.element)
            emit(.alert(element: exchange.element, to: recipients, error: "not sent: \(failure)"))
            return "not sent: \(failure)"
        }
        emit(.alert(element: exchange.element, to: recipients, error: nil))
        return "mailed to \(recipients.joined(separator: ", "))"
    }
}
