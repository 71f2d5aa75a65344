/// What fired a workflow run, with everything its conditions and actions may read: the call's
/// variables, and what the trigger adds. It is kept with the run (as JSON), so a run resumed by
/// another process reads the same values.
public struct WorkflowEvent: Sendable, Equatable {
    public var trigger: WorkflowTrigger
    public var variables: CallVariables
    public var contact: ContactVariables
    /// `call.flow`: the flow the call ran.
    public var flow: String
    /// `call.result_code`, once the call has ended.
    public var resultCode: String?
    /// `call.duration`, whole seconds, once the call has ended.
    public var duration: Double?
    /// The properties the flow set, as text (the last value of each), and the digits each
    /// CollectInput read (`***` for a `Sensitive` one: such digits never leave the call).
    public var properties: [String: String]
    public var digits: [String: String]
    /// `RecordingUploaded`: the file and its length in seconds.
    public var recordingFile: String?
    public var recordingDuration: Double?
    /// `RequestFailed`: which element's request failed, its status (0 when no response came)
    /// and error.
    public var requestElement: String?
    public var requestStatus: Int?
    public var requestError: String?
    /// The call's SIP Call-ID, when it came over SIP: what ties a run to the call's trace.
    public var callID: String?

    public init(trigger: WorkflowTrigger, variables: CallVariables, contact: ContactVariables, flow: String,
                resultCode: String? = nil, duration: Double? = nil, properties: [String: String] = [:], digits: [String: String] = [:],
                recordingFile: String? = nil, recordingDuration: Double? = nil,
                requestElement: String? = nil, requestStatus: Int? = nil, requestError: String? = nil) {
        self.trigger = trigger
        self.variables = variables
        self.contact = contact
        self.flow = flow
        self.resultCode = resultCode
        self.duration = duration
        self.properties = properties
        self.digits = digits
        self.recordingFile = recordingFile
        self.recordingDuration = recordingDuration
        self.requestElement = requestElement
        self.requestStatus = requestStatus
        self.requestError = requestError
    }
}

/// What starts a workflow run.
public enum WorkflowTrigger: String, Sendable, CaseIterable {
    /// The call was answered (`flows run`: it began).
    case callStarted = "CallStarted"
    /// The call ended, however it ended.
    case callEnded = "CallEnded"
    /// `flows serve --record` finished a recording of the call.
    case recordingUploaded = "RecordingUploaded"
    /// A request of the call's flow failed (a workflow's own failing action never fires it).
    case requestFailed = "RequestFailed"
}

// MARK: - JSON, as the run keeps it

extension WorkflowEvent {
    var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        func map(_ values: [String: String]) -> JSONValue { .object(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }
        let call: [(key: String, value: JSONValue)] = CallVariables.names.map { name in
            name == "waiting_time" ? (name, .number(variables.waiting_time)) : (name, .string(variables.text(name)))
        }
        let contactFields: [(key: String, value: JSONValue)] = [
            ("name", .string(contact.name)), ("id", .string(contact.id)), ("title", .string(contact.title)),
            ("company", .string(contact.company)), ("industry", .string(contact.industry)), ("address", .string(contact.address)),
            ("city", .string(contact.city)), ("zip", .string(contact.zip)), ("state", .string(contact.state)), ("type", .string(contact.type)),
            ("tags", .array(contact.tags.map(JSONValue.string))), ("emails", .array(contact.emails.map(JSONValue.string))),
            ("custom_fields", map(contact.custom_fields)),
        ]
        return .object([
            ("trigger", .string(trigger.rawValue)), ("flow", .string(flow)), ("call", .object(call)), ("contact", .object(contactFields)),
            ("resultCode", text(resultCode)), ("duration", number(duration)),
            ("properties", map(properties)), ("digits", map(digits)),
            ("recordingFile", text(recordingFile)), ("recordingDuration", number(recordingDuration)),
            ("requestElement", text(requestElement)), ("requestStatus", number(requestStatus.map(Double.init))),
            ("requestError", text(requestError)), ("callID", text(callID)),
        ])
    }

    /// The event `json` wrote; nil when it is not one.
    init?(json: JSONValue) {
        guard let trigger = json["trigger"]?.flowString.flatMap(WorkflowTrigger.init(rawValue:)), let flow = json["flow"]?.flowString else { return nil }
        func map(_ value: JSONValue?) -> [String: String] {
            guard case .object(let members)? = value else { return [:] }
            return Dictionary(members.compactMap { member in member.value.flowString.map { (member.key, $0) } }, uniquingKeysWith: { $1 })
        }
        var variables = CallVariables()
        if case .object(let members)? = json["call"] {
            for member in members {
                _ = variables.set(member.key, member.value.flowString ?? member.value.flowNumber.map(FlowText.number) ?? "")
            }
        }
        var contact = ContactVariables()
        if case .object(let members)? = json["contact"] {
            for member in members {
                switch member.value {
                case .string(let text): _ = contact.set(member.key, text)
                case .array(let items) where member.key == "tags": contact.tags = items.compactMap(\.flowString)
                case .array(let items) where member.key == "emails": contact.emails = items.compactMap(\.flowString)
                default: if member.key == "custom_fields" { contact.custom_fields = map(member.value) }
                }
            }
        }
        self.init(trigger: trigger, variables: variables, contact: contact, flow: flow,
                  resultCode: json["resultCode"]?.flowString, duration: json["duration"]?.flowNumber,
                  properties: map(json["properties"]), digits: map(json["digits"]),
                  recordingFile: json["recordingFile"]?.flowString, recordingDuration: json["recordingDuration"]?.flowNumber,
                  requestElement: json["requestElement"]?.flowString, requestStatus: json["requestStatus"]?.flowInteger,
                  requestError: json["requestError"]?.flowString)
        callID = json["callID"]?.flowString
    }
}
