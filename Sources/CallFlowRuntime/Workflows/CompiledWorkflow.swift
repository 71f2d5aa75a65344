/// A compiled workflow as a value: what `flowc generate` makes of each workflow file (its
/// type's `compiled`), and what `flows` fires on a call's events.
public struct CompiledWorkflow: Sendable {
    /// The `Workflow` name.
    public let name: String
    public let summary: String?
    public let trigger: WorkflowTrigger
    /// `Flow`: only calls of this flow fire it; nil for calls of any flow.
    public let flow: String?
    /// The secrets its actions read, by name (`FLOW_SECRET_<NAME>`).
    public let secrets: [String]
    /// The actions, in the order they run.
    public let actions: [WorkflowActionInfo]
    private let conditions: @Sendable (WorkflowContext) -> Bool
    private let build: @Sendable (Int, WorkflowContext) -> WorkflowAction

    public init(name: String, summary: String? = nil, trigger: WorkflowTrigger, flow: String? = nil, secrets: [String] = [],
                actions: [WorkflowActionInfo], conditions: @escaping @Sendable (WorkflowContext) -> Bool = { _ in true },
                action: @escaping @Sendable (Int, WorkflowContext) -> WorkflowAction) {
        self.name = name
        self.summary = summary
        self.trigger = trigger
        self.flow = flow
        self.secrets = secrets
        self.actions = actions
        self.conditions = conditions
        self.build = action
    }

    /// Whether `event` starts a run: its trigger, its flow, and every condition.
    public func matches(_ event: WorkflowEvent) -> Bool {
        event.trigger == trigger && (flow == nil || flow == event.flow) && conditions(WorkflowContext(event: event, outcomes: []))
    }

    /// The action at `index`, made from the event and the outcomes of the actions before it.
    public func action(at index: Int, in context: WorkflowContext) -> WorkflowAction {
        build(index, context)
    }
}

/// An action as `flows workflows` lists it.
public struct WorkflowActionInfo: Sendable, Equatable {
    public var name: String
    /// `APIRequest`, `SMS`, `Slack`, `Transcription`.
    public var type: String

    public init(_ name: String, _ type: String) {
        self.name = name
        self.type = type
    }
}

/// One action, ready to perform: what generated code makes of an action's keys.
public enum WorkflowAction: Sendable {
    /// An `APIRequest` action; its response is checked against `result` when it declares one.
    case request(RequestPlan, result: ResultShape?)
    case sms(SMSMessage)
    case slack(SlackMessage)
    /// A `Transcription`: its result is `{Text, Confidence}`.
    case transcription(SpeechTranscription)
}

/// What a run's conditions and actions read: the event that fired it and the outcomes of the
/// actions done so far. Generated code reads it through these members.
public struct WorkflowContext: Sendable {
    public let event: WorkflowEvent
    /// The outcome of each action done, in order.
    public let outcomes: [ActionOutcome]

    public init(event: WorkflowEvent, outcomes: [ActionOutcome]) {
        self.event = event
        self.outcomes = outcomes
    }

    public var variables: CallVariables { event.variables }
    public var contact: ContactVariables { event.contact }
    /// `call.flow`, `call.result_code`, `call.duration`.
    public var flow: String { event.flow }
    public var resultCode: String? { event.resultCode }
    public var duration: Double? { event.duration }
    public var recordingFile: String? { event.recordingFile }
    public var recordingDuration: Double? { event.recordingDuration }
    public var requestElement: String? { event.requestElement }
    public var requestStatus: Int? { event.requestStatus }
    public var requestError: String? { event.requestError }

    /// A property of the call's flow as text, or nil when the call never set it.
    public func property(_ name: String) -> String? { event.properties[name] }
    /// A number property; nil when unset.
    public func numberProperty(_ name: String) -> Double? { event.properties[name].flatMap { Double($0) } }
    /// A boolean property; nil when unset.
    public func booleanProperty(_ name: String) -> Bool? { event.properties[name].map { $0 == "true" } }
    /// A property holding a list or an object; nil when unset.
    public func jsonProperty(_ name: String) -> JSONValue? { event.properties[name].flatMap { try? JSONParser.parse($0) } }
    /// The digits a CollectInput of the call's flow read; nil when it never ran.
    public func digits(_ element: String) -> String? { event.digits[element] }

    /// The status of the action at `index` (done, so it ran before the one reading it).
    public func status(_ index: Int) -> Int? { outcomes.flowElement(at: index)?.status }
    /// The declared result of the APIRequest action at `index`.
    public func result(_ index: Int) -> JSONValue? { outcomes.flowElement(at: index)?.result }
}
