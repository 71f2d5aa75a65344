/// The keys of a scenario file (FLOW-LANGUAGE.md §8), for the decoder and the JSON schema.
public enum ScenarioKeys {
    public typealias Key = ElementType.Key

    public static let scenario: [Key] = [
        Key("Scenario", required: true, "what the scenario shows, one line"),
        Key("Flow", required: true, "the Flow name of the flow to run"),
        Key("Call", "call variables: a mapping such as {leadid: \"42\", name: Ann}"),
        Key("Contact", "contact variables; tags and emails take lists"),
        Key("Inputs", "digits answering each CollectInput in turn; none left means no input"),
        Key("Secrets", "values for the flow's secrets, by name"),
        Key("Responses", "mocked HTTP answers by element, or by Workflow.Action; a list answers attempts in order"),
        Key("Recording", "a WAV file, relative to the scenario file: the call's recording, which fires RecordingUploaded"),
        Key("Expect", required: true, "what must come of the call"),
    ]

    public static let response: [Key] = [
        Key("Status", "the status code; default 200"),
        Key("Headers", "response headers, a mapping"),
        Key("Body", "a mapping or list (sent as JSON) or text (sent as it is)"),
        Key("Delay", "seconds before the answer comes; past the Timeout the attempt times out"),
        Key("Fail", "connection, closed or timeout: no usable answer at all"),
    ]

    public static let expect: [Key] = [
        Key("Path", "the elements entered, in order, exactly"),
        Key("Said", "texts said, in this order; others may come between"),
        Key("Requests", "by element, or by Workflow.Action: what its last request sent (URL, Method, Headers, Body)"),
        Key("Properties", "the value each named property holds when the call ends"),
        Key("ResultCode", "the result code the call ends with"),
        Key("Workflows", "by workflow: succeeded or failed; exactly the workflows the call ran ({} for none)"),
    ]

    public static let request: [Key] = [
        Key("URL", "the URL as sent, query included"),
        Key("Method", "GET, POST, PUT, PATCH, DELETE or HEAD"),
        Key("Headers", "headers that must have been sent with these values; others may be"),
        Key("Body", "the body as sent: a mapping or list compares as JSON, text byte for byte"),
    ]
}
