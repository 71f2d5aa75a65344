/// What a `WorkflowRunner` tells its process: each run recorded, taken up, each action done,
/// each run finished, and what went wrong beside them. Secrets are already `***`.
public enum WorkflowReport: Sendable {
    /// `call`: the SIP Call-ID of the call that fired it, when it came over SIP.
    case recorded(run: String, workflow: String, trigger: WorkflowTrigger, call: String?)
    /// The store did not take the run in time; it waits in this machine's spool.
    case spooled(run: String, workflow: String, reason: String)
    /// A run left by another process, taken up at the action `from` (counted from 0).
    case resumed(run: String, workflow: String, from: Int)
    case action(run: String, workflow: String, ActionOutcome)
    case finished(run: String, workflow: String, state: WorkflowRunRecord.State, error: String?)
    case warning(String)

    /// The report as one line of JSON for `--trace json`: events `workflow`, `spooled`, `resume`,
    /// `action`, `workflowEnd` and `warning`.
    public var json: String {
        func object(_ members: [(String, JSONValue)]) -> String { JSONValue.object(members.map { (key: $0.0, value: $0.1) }).compactText }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        switch self {
        case .recorded(let run, let workflow, let trigger, let call):
            // A served call's Call-ID first, as on the call's own lines.
            return object((call.map { [("call", JSONValue.string($0))] } ?? []) + [
                ("event", .string("workflow")), ("workflow", .string(workflow)), ("run", .string(run)), ("trigger", .string(trigger.rawValue)),
            ])
        case .spooled(let run, let workflow, let reason):
            return object([("event", .string("spooled")), ("workflow", .string(workflow)), ("run", .string(run)), ("reason", .string(reason))])
        case .resumed(let run, let workflow, let from):
            return object([("event", .string("resume")), ("workflow", .string(workflow)), ("run", .string(run)), ("from", .number(Double(from)))])
        case .action(let run, let workflow, let outcome):
            return object([
                ("event", .string("action")), ("workflow", .string(workflow)), ("run", .string(run)), ("action", .string(outcome.action)),
                ("type", .string(outcome.type)), ("method", .string(outcome.method)), ("url", .string(outcome.url)),
                ("status", .number(Double(outcome.status))), ("attempts", .number(Double(outcome.attempts))),
                ("ms", .number(Double(outcome.milliseconds))), ("error", text(outcome.error)),
            ])
        case .finished(let run, let workflow, let state, let error):
            return object([("event", .string("workflowEnd")), ("workflow", .string(workflow)), ("run", .string(run)),
                           ("state", .string(state.rawValue)), ("error", text(error))])
        case .warning(let message):
            return object([("event", .string("warning")), ("element", .null), ("message", .string(message))])
        }
    }
}
