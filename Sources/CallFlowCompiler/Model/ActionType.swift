/// The action types of a workflow and the keys each one takes: the one table the decoder,
/// the docs and the schema read, as `ElementType` is for elements.
public enum ActionType: String, Sendable, CaseIterable {
    case apiRequest = "APIRequest"
    case sms = "SMS"
    case slack = "Slack"
    case transcription = "Transcription"

    public typealias Key = ElementType.Key

    /// The keys whose value must be one secret fillpoint and nothing else.
    public static let credentialKeys: Set<String> = ["KeyId", "KeySecret", "AccountSid", "Token", "Key"]

    /// Keys every action has.
    public static let commonKeys: [Key] = [
        Key("Name", required: true, "identifier later actions read its results by"),
        Key("Type", required: true, "the action type: APIRequest, SMS, Slack or Transcription"),
        Key("Description", "free text"),
    ]

    /// The common keys and this type's keys.
    public var allKeys: [Key] {
        switch self {
        case .apiRequest: Self.allAPIRequestKeys
        case .sms: Self.allSMSKeys
        case .slack: Self.allSlackKeys
        case .transcription: Self.allTranscriptionKeys
        }
    }

    /// This type's keys, besides the common ones.
    public var keys: [Key] {
        switch self {
        case .apiRequest: Self.apiRequestKeys
        case .sms: Self.smsKeys
        case .slack: Self.slackKeys
        case .transcription: Self.transcriptionKeys
        }
    }

    private static let allAPIRequestKeys = commonKeys + apiRequestKeys
    private static let allSMSKeys = commonKeys + smsKeys
    private static let allSlackKeys = commonKeys + slackKeys
    private static let allTranscriptionKeys = commonKeys + transcriptionKeys

    /// An APIRequest element's keys that mean something off a call: no Phrase, exits, alerts
    /// or rate limits.
    private static let apiRequestKeys: [Key] = {
        let kept: Set<String> = ["Action", "Timeout", "URL", "Header", "Query", "Body", "BodyType", "ContentType", "Retries",
                                 "Result", "ResultSample", "SuccessStatus"]
        return ElementType.apiRequest.keys.filter { kept.contains($0.name) }
    }()

    private static let smsKeys: [Key] = [
        Key("Provider", "CloudTalk (default) or Twilio"),
        Key("Sender", required: true, "the number it is sent from, E.164 (Twilio: or an alphanumeric sender ID)"),
        Key("Recipient", required: true, "the number it goes to, E.164"),
        Key("Text", required: true, "the message"),
        Key("KeyId", required: true, "<<secrets.NAME>>: the provider's access key id (Twilio: API key SID or account SID)"),
        Key("KeySecret", required: true, "<<secrets.NAME>>: the provider's access key secret (Twilio: API key secret or auth token)"),
        Key("AccountSid", "<<secrets.NAME>>: Twilio's account SID (Twilio only, required there)"),
    ]

    private static let slackKeys: [Key] = [
        Key("Token", required: true, "<<secrets.NAME>>: a bot token with chat:write"),
        Key("Channel", required: true, "a channel name (#support) or id"),
        Key("Text", required: true, "the message; values in it are escaped for Slack"),
        Key("IconEmoji", "an emoji as the message's icon (needs chat:write.customize)"),
        Key("IconURL", "an image URL as the message's icon (needs chat:write.customize)"),
        Key("UseMarkdown", "whether Slack formats the text as markdown (default true)"),
    ]

    private static let transcriptionKeys: [Key] = [
        Key("Engine", "google (Google Cloud Speech-to-Text, the default) or local (pocketsphinx, on this machine)"),
        Key("Language", "the language spoken, a BCP-47 tag (default en-US; the local engine knows en-US only)"),
        Key("Model", "default (the default), command_and_search, phone_call or video: Google's models"),
        Key("Enhanced", "Google's enhanced model, for phone_call and video only (default false)"),
        Key("Key", "<<secrets.NAME>>: a Google Cloud API key with Speech-to-Text enabled (google only, required there)"),
    ]

    /// The keys of a workflow file's top-level mapping.
    public static let workflowKeys: [Key] = [
        Key("Workflow", required: true, "the workflow's name, a Swift type name"),
        Key("Description", "free text"),
        Key("Trigger", required: true, "CallStarted, CallEnded, RecordingUploaded or RequestFailed"),
        Key("Flow", "only calls of this flow; its properties become readable"),
        Key("Secrets", "names of secrets read at run time"),
        Key("Conditions", "list of {Source, Operand, Value}; all must hold"),
        Key("Actions", required: true, "the actions, run in order; a non-empty list"),
    ]

    /// The keys of a workflow condition.
    public static let conditionKeys: [Key] = [
        Key("Source", required: true, "one fillpoint, such as <<call.result_code>>"),
        Key("Operand", required: true, "how the source is compared, as in a Branch"),
        Key("Value", "the value compared with (not for IsEmpty and IsNotEmpty)"),
    ]
}
