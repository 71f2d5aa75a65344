/// Performs one workflow action: makes its request through the same retrying exchange as a
/// call's, reads the provider's answer, and reports the outcome with secrets as `***`.
struct ActionPerformer: Sendable {
    /// The workflow's name: a transport sees an action's request as `Workflow.Action`.
    let workflow: String
    let http: any HTTPTransport
    /// The workflow's secrets, by name.
    let secrets: [String: String]
    let endpoints: ProviderEndpoints
    /// What `Engine: local` transcribes with; nil in a build without one.
    let recognizer: (any SpeechRecognizer)?

    /// The longest response body kept with an outcome, in bytes.
    static let keptBodyBytes = 4_096

    func perform(_ action: WorkflowAction, _ info: WorkflowActionInfo) async -> ActionOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let request: ProviderRequest
        var result: ResultShape?
        switch action {
        case .request(let plan, let shape):
            request = ProviderRequest(plan: plan, secrets: [:]) { _ in nil }
            result = shape
        case .slack(let message):
            request = message.request(endpoints: endpoints)
        case .transcription(let transcription):
            return await transcribe(transcription, info)
        case .sms(let message):
            switch message.request(secrets: secrets, endpoints: endpoints) {
            case .success(let made): request = made
            case .failure(let refusal):
                return ActionOutcome(action: info.name, type: info.type, succeeded: false, status: 0, error: refusal.message,
                                     method: "POST", url: "", attempts: 0, milliseconds: 0, finished: WallClock.now())
            }
        }
        let allSecrets = secrets.merging(request.secrets) { $1 }
        let redact = Redactor(secrets: allSecrets.values)
        var exchange = await send(request.plan, with: RequestBuilder(secrets: allSecrets), info, from: started, clock)
        var value: JSONValue?
        if let response = exchange.response {
            if let failure = request.failure(response) { exchange.error = failure }
            if exchange.error == nil, let result {
                do {
                    value = try result.decoded(try JSONParser.parse(response.body))
                } catch let error as ResponseShapeError {
                    exchange.error = error.description
                } catch {
                    exchange.error = "Response is not JSON"
                }
            }
        }
        return ActionOutcome(
            action: info.name, type: info.type, succeeded: exchange.error == nil, status: exchange.status,
            error: exchange.error.map { redact($0) }, result: exchange.error == nil ? value : nil,
            method: exchange.method, url: redact(exchange.url),
            requestBody: exchange.request?.body.map { redact(String(decoding: $0, as: UTF8.self)) },
            responseBody: Self.keptBody(of: exchange, redact),
            attempts: exchange.attempts, milliseconds: (clock.now - started).milliseconds, finished: WallClock.now())
    }

    /// `plan` prepared by `builder` and sent through the retrying exchange, as the request of
    /// the action `info`. A plan that cannot be prepared (a missing secret) sends nothing: the
    /// exchange holds its error and the URL as far as it could be built.
    func send(_ plan: RequestPlan, with builder: RequestBuilder, _ info: WorkflowActionInfo, from started: ContinuousClock.Instant,
              _ clock: ContinuousClock) async -> RequestExchange {
        var exchange = RequestExchange(element: workflow + "." + info.name, method: plan.method.rawValue, started: WallClock.now())
        if let prepared = exchange.prepare(plan, with: builder) {
            await exchange.send(prepared, plan, through: http, from: started, clock)
        }
        return exchange
    }

    /// The start of the response's body, as an outcome keeps it.
    static func keptBody(of exchange: RequestExchange, _ redact: Redactor) -> String? {
        exchange.response.map { redact(String(decoding: $0.body.prefix(keptBodyBytes), as: UTF8.self)) }
    }
}
