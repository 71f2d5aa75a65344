/// One workflow file, decoded: a trigger, conditions and actions that run around calls
/// (docs/workflows.md).
public struct Workflow: Sendable {
    public enum Trigger: String, Sendable, CaseIterable {
        case callStarted = "CallStarted", callEnded = "CallEnded", recordingUploaded = "RecordingUploaded", requestFailed = "RequestFailed"

        /// Whether the call has ended when the trigger fires, so `call.result_code` and
        /// `call.duration` are known.
        var callHasEnded: Bool { self == .callEnded || self == .recordingUploaded }
    }

    public var name: Located<String>
    public var file: String
    public var description: String?
    public var trigger: Located<Trigger>?
    /// `Flow`: only calls of this flow; its properties and digits become readable.
    public var flow: Located<String>?
    public var secrets: [Located<String>]
    public var conditions: [Condition]
    public var actions: [Action]

    /// A condition: `{Source, Operand, Value}`, compared as a Branch compares.
    public struct Condition: Sendable {
        public var source: Fillpoint
        public var sourceLocation: SourceLocation
        public var operand: Branch.Operand
        public var operandLocation: SourceLocation
        public var value: Template?
        public var valueLocation: SourceLocation?
    }

    public struct Action: Sendable {
        public var name: String
        public var nameLocation: SourceLocation
        public var index: Int
        public var description: String?
        /// nil when its `Type` is missing or unknown (already reported).
        public var kind: Kind?

        public var type: ActionType? { kind?.type }
    }

    public enum Kind: Sendable {
        case apiRequest(APIRequest)
        case sms(SMS)
        case slack(Slack)
        case transcription(Transcription)

        public var type: ActionType {
            switch self {
            case .apiRequest: .apiRequest
            case .sms: .sms
            case .slack: .slack
            case .transcription: .transcription
            }
        }
    }

    /// An `SMS` action.
    public struct SMS: Sendable {
        public enum Provider: String, Sendable, CaseIterable {
            case cloudTalk = "CloudTalk", twilio = "Twilio"
        }

        public var provider: Provider
        public var sender: Located<Template>
        public var recipient: Located<Template>
        public var text: Template
        public var keyId: Located<Template>
        public var keySecret: Located<Template>
        public var accountSid: Located<Template>?
    }

    /// A `Transcription` action: the call's recording as text.
    public struct Transcription: Sendable {
        public enum Engine: String, Sendable, CaseIterable {
            case google, local
        }

        public enum Model: String, Sendable, CaseIterable {
            case `default`, commandAndSearch = "command_and_search", phoneCall = "phone_call", video
        }

        public var engine: Engine
        public var language: String
        public var model: Model
        public var enhanced: Bool
        public var key: Located<Template>?
        /// The `Type` key, where a trigger without a recording is reported.
        public var typeLocation: SourceLocation

        /// What a later action reads of it: `Text` and `Confidence` (the mean over segments).
        public static let result = ValueType.object([ValueType.Field(name: "Text", type: .string), ValueType.Field(name: "Confidence", type: .number)])
    }

    /// A `Slack` action.
    public struct Slack: Sendable {
        public var token: Located<Template>
        public var channel: Template
        public var text: Template
        public var iconEmoji: Template?
        public var iconURL: Template?
        public var useMarkdown: Bool
    }
}
