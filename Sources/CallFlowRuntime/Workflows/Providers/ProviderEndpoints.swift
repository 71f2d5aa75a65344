/// The base URLs of the providers' APIs that SMS, Slack and Transcription actions call. Each can be moved
/// (a test server, a proxy) by an environment variable.
public struct ProviderEndpoints: Sendable {
    /// CloudTalk's API, under which `/sms/send.json` is; `FLOW_SMS_CLOUDTALK_URL`.
    public var cloudTalk: String
    /// Twilio's API, under which `/2010-04-01/Accounts/…` is; `FLOW_SMS_TWILIO_URL`.
    public var twilio: String
    /// Slack's Web API, under which `/chat.postMessage` is; `FLOW_SLACK_URL`.
    public var slack: String
    /// Google Cloud Speech-to-Text, under which `/v1/speech:recognize` is; `FLOW_STT_URL`.
    public var speech: String

    public init(cloudTalk: String = "https://my.cloudtalk.io/api", twilio: String = "https://api.twilio.com", slack: String = "https://slack.com/api",
                speech: String = "https://speech.googleapis.com") {
        self.cloudTalk = cloudTalk
        self.twilio = twilio
        self.slack = slack
        self.speech = speech
    }

    /// The providers' own URLs, or those the environment gives.
    public static var fromEnvironment: ProviderEndpoints {
        let defaults = ProviderEndpoints()
        return ProviderEndpoints(cloudTalk: ProcessEnvironment.value("FLOW_SMS_CLOUDTALK_URL") ?? defaults.cloudTalk,
                                 twilio: ProcessEnvironment.value("FLOW_SMS_TWILIO_URL") ?? defaults.twilio,
                                 slack: ProcessEnvironment.value("FLOW_SLACK_URL") ?? defaults.slack,
                                 speech: ProcessEnvironment.value("FLOW_STT_URL") ?? defaults.speech)
    }

    /// `base` without a trailing `/`, so `base + "/path"` has one.
    static func trimmed(_ base: String) -> String {
        base.hasSuffix("/") ? String(base.dropLast()) : base
    }
}
