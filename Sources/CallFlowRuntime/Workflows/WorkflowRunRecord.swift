/// One run of a workflow as the state store keeps it: the event that fired it and the outcome
/// of each action done. It is written before the first action and again after each one, so a
/// run resumed elsewhere starts at the first action not done and never repeats a done one.
public struct WorkflowRunRecord: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Recorded; no action has finished yet, or it waits to be resumed.
        case pending
        /// At least one action done, more to go.
        case running
        case succeeded
        /// An action failed: `error` says which and why; `flows workflows retry` runs the rest.
        case failed

        public var isFinished: Bool { self == .succeeded || self == .failed }
    }

    public var id: String
    public var workflow: String
    /// When the trigger fired, in seconds since 1970.
    public var created: Double
    public var state: State
    public var event: WorkflowEvent
    /// The outcome of each action that ran, in order: the done ones, then a failed one.
    public var outcomes: [ActionOutcome]
    public var error: String?
    /// How many times a process took the run up (more than 1 after a resume or a retry).
    public var starts: Int

    public init(id: String, workflow: String, created: Double, state: State = .pending, event: WorkflowEvent,
                outcomes: [ActionOutcome] = [], error: String? = nil, starts: Int = 0) {
        self.id = id
        self.workflow = workflow
        self.created = created
        self.state = state
        self.event = event
        self.outcomes = outcomes
        self.error = error
        self.starts = starts
    }

    /// The outcomes of the actions done, without a failed last one: what later actions read.
    public var done: [ActionOutcome] { outcomes.filter(\.succeeded) }
}

/// What one action did: its request and response as sent and received (secrets as `***`), and
/// for an APIRequest its declared result, which later actions read.
public struct ActionOutcome: Sendable, Equatable {
    public var action: String
    public var type: String
    public var succeeded: Bool
    /// The response's status; 0 when none came.
    public var status: Int
    public var error: String?
    /// The declared `Result` of an APIRequest action, as later actions read it.
    public var result: JSONValue?
    public var method: String
    public var url: String
    public var requestBody: String?
    public var responseBody: String?
    public var attempts: Int
    public var milliseconds: Int
    /// When it finished, in seconds since 1970.
    public var finished: Double

    public init(action: String, type: String, succeeded: Bool, status: Int, error: String?, result: JSONValue? = nil,
                method: String, url: String, requestBody: String? = nil, responseBody: String? = nil,
                attempts: Int, milliseconds: Int, finished: Double) {
        self.action = action
        self.type = type
        self.succeeded = succeeded
        self.status = status
        self.error = error
        self.result = result
        self.method = method
        self.url = url
        self.requestBody = requestBody
        self.responseBody = responseBody
        self.attempts = attempts
        self.milliseconds = milliseconds
        self.finished = finished
    }
}

// MARK: - JSON, as both stores keep a run

extension WorkflowRunRecord {
    /// The run as one JSON document.
    public var json: String {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let outcomes = outcomes.map { outcome -> JSONValue in
            .object([
                ("action", .string(outcome.action)), ("type", .string(outcome.type)), ("succeeded", .bool(outcome.succeeded)),
                ("status", .number(Double(outcome.status))), ("error", text(outcome.error)), ("result", outcome.result ?? .null),
                ("method", .string(outcome.method)), ("url", .string(outcome.url)),
                ("requestBody", text(outcome.requestBody)), ("responseBody", text(outcome.responseBody)),
                ("attempts", .number(Double(outcome.attempts))), ("milliseconds", .number(Double(outcome.milliseconds))),
                ("finished", .number(outcome.finished)),
            ])
        }
        return JSONValue.object([
            ("id", .string(id)), ("workflow", .string(workflow)), ("created", .number(created)), ("state", .string(state.rawValue)),
            ("event", event.json), ("outcomes", .array(outcomes)), ("error", text(error)), ("starts", .number(Double(starts))),
        ]).compactText
    }

    /// The run `json` wrote; nil when the text is not one.
    public init?(json text: String) {
        guard let json = try? JSONParser.parse(text), let id = json["id"]?.flowString, let workflow = json["workflow"]?.flowString,
              let state = json["state"]?.flowString.flatMap(State.init(rawValue:)), let event = json["event"].flatMap(WorkflowEvent.init(json:))
        else { return nil }
        var outcomes: [ActionOutcome] = []
        if case .array(let items)? = json["outcomes"] {
            for item in items {
                outcomes.append(ActionOutcome(
                    action: item["action"]?.flowString ?? "", type: item["type"]?.flowString ?? "",
                    succeeded: item["succeeded"]?.flowBoolean ?? false, status: item["status"]?.flowInteger ?? 0,
                    error: item["error"]?.flowString, result: item["result"].flatMap { $0 == .null ? nil : $0 },
                    method: item["method"]?.flowString ?? "", url: item["url"]?.flowString ?? "",
                    requestBody: item["requestBody"]?.flowString, responseBody: item["responseBody"]?.flowString,
                    attempts: item["attempts"]?.flowInteger ?? 0, milliseconds: item["milliseconds"]?.flowInteger ?? 0,
                    finished: item["finished"]?.flowNumber ?? 0))
            }
        }
        self.init(id: id, workflow: workflow, created: json["created"]?.flowNumber ?? 0, state: state, event: event,
                  outcomes: outcomes, error: json["error"]?.flowString, starts: json["starts"]?.flowInteger ?? 0)
    }
}
