import Testing
@testable import CallFlowCompiler

/// The build checks of workflow files, each asserting whole diagnostic lines.
@Suite struct WorkflowCheckTests {
    /// A flow for workflows to name: a menu that sets a property and ends with one of two codes.
    static let menu = """
        Flow: Menu
        Elements:
          - Name: Choice
            Type: CollectInput
            Text: "Press 1"
            OnNoInput: Nothing
          - Name: Keep
            Type: SetProperty
            PropertyName: Picked
            Value: <<Choice.Value>>
          - Name: Lookup
            Type: APIRequest
            URL: https://api.example.com/x
            Result: {id: string}
            ResultCode: LOOKED_UP
          - Name: Nothing
            Type: Hangup
            ResultCode: NO_CHOICE
        """

    /// The diagnostics of `workflow` checked beside the flow `Menu`.
    func lines(_ workflow: String) -> [String] {
        FlowCompiler.check([.init(path: "Flows/Menu.yaml", text: Self.menu), .init(path: "Flows/Follow.yaml", text: workflow)], readFile: { _ in nil })
            .diagnostics.map(\.description)
    }

    func notes(_ workflow: String) -> [[String]] {
        FlowCompiler.check([.init(path: "Flows/Menu.yaml", text: Self.menu), .init(path: "Flows/Follow.yaml", text: workflow)], readFile: { _ in nil })
            .diagnostics.map(\.notes)
    }

    @Test func theExampleOfTheIssueChecksClean() {
        let workflow = """
            Workflow: MissedChoiceFollowUp
            Trigger: CallEnded
            Flow: Menu
            Secrets: [SMS_KEY_ID, SMS_KEY_SECRET, SLACK_TOKEN]
            Conditions:
              - {Source: <<call.result_code>>, Operand: Equals, Value: NO_CHOICE}
            Actions:
              - Name: CRM
                Type: APIRequest
                Action: POST
                URL: https://crm.example.com/calls
                Body: {phone: <<call.phonenum>>, picked: <<Picked ?? "none">>, digits: <<Choice.Value ?? "">>}
                Result: {id: string}
              - Name: Text
                Type: SMS
                Sender: "+442071234567"
                Recipient: <<call.phonenum>>
                Text: "Sorry we missed you (case <<CRM.Result.id>>)."
                KeyId: <<secrets.SMS_KEY_ID>>
                KeySecret: <<secrets.SMS_KEY_SECRET>>
              - Name: Tell
                Type: Slack
                Token: <<secrets.SLACK_TOKEN>>
                Channel: "#support"
                Text: "*Missed choice* from <<call.phonenum>>, after <<call.duration>> s, SMS <<Text.Status>>"
                IconEmoji: ":telephone_receiver:"
            """
        #expect(lines(workflow) == [])
    }

    @Test func aTriggerThatCannotProvideWhatIsRead() {
        let workflow = """
            Workflow: Early
            Trigger: CallStarted
            Actions:
              - Name: Post
                Type: APIRequest
                Action: POST
                URL: https://api.example.com/x
                Body: {code: <<call.result_code>>, file: <<recording.file>>}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:8:18: error: `call.result_code` is known once the call has ended, but `Trigger: CallStarted` fires while it goes on [trigger-mismatch]",
            "Flows/Follow.yaml:8:46: error: `<<recording.…>>` is set by the `RecordingUploaded` trigger, but this workflow's trigger is `CallStarted` [trigger-mismatch]",
        ])
    }

    @Test func aResultCodeTheFlowNeverEndsWith() {
        let workflow = """
            Workflow: Typo
            Trigger: CallEnded
            Flow: Menu
            Conditions:
              - {Source: <<call.result_code>>, Operand: Equals, Value: NO_CHOISE}
            Actions:
              - {Name: Post, Type: APIRequest, URL: "https://api.example.com/x"}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:5:53: warning: `Menu` never ends with the result code `NO_CHOISE`, so this condition never holds [unknown-result-code]",
        ])
        #expect(notes(workflow) == [[
            "its calls end with `ABANDONED`, `INBOUND`, `LOOKED_UP`, `NO_CHOICE`, `STEP_LIMIT`",
            "did you mean `NO_CHOICE`?",
        ]])
    }

    @Test func aFlowValueIsReadWithAFallback() {
        let workflow = """
            Workflow: Unset
            Trigger: CallEnded
            Flow: Menu
            Actions:
              - {Name: Post, Type: APIRequest, Action: POST, URL: "https://api.example.com/x", Body: {a: <<Picked>>, b: <<Lookup.Result.id>>}}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:5:94: error: `<<Picked>>` is the flow's, and a caller can hang up at any element, so it may be unset when the workflow runs; add a fallback, as in `<<Picked ?? \"\">>` [maybe-unset]",
            "Flows/Follow.yaml:5:109: error: `Lookup` is an APIRequest element of the flow; a workflow reads the flow's properties and its CollectInput digits (`<<Name.Value>>`), not other elements' values [unknown-reference]",
        ])
    }

    @Test func anActionReadsOnlyEarlierActions() {
        let workflow = """
            Workflow: Order
            Trigger: CallEnded
            Actions:
              - {Name: First, Type: APIRequest, Action: POST, URL: "https://api.example.com/x", Body: {next: <<Second.Status>>}}
              - {Name: Second, Type: APIRequest, URL: "https://api.example.com/<<First.Status>>", Result: {id: string}}
              - {Name: Third, Type: APIRequest, URL: "https://api.example.com/<<Second.Result.idd>>/<<Second.Error>>"}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:4:98: error: `Second` is an action that runs after this one; an action reads only the results of the actions before it, and the conditions read none [unknown-reference]",
            "Flows/Follow.yaml:6:67: error: `Second.Result` has no field `idd` [unknown-field]",
            "Flows/Follow.yaml:6:89: error: `Second.Error` is never set where it could be read: a run stops at the first action that fails, so the actions after it do not run [no-result]",
        ])
    }

    @Test func credentialsAreSecretsAndSecretsStayInCredentials() {
        let workflow = """
            Workflow: Leaky
            Trigger: CallEnded
            Secrets: [TOKEN]
            Actions:
              - Name: Tell
                Type: Slack
                Token: xoxb-written-in-git
                Channel: "#support"
                Text: "token <<secrets.TOKEN>>"
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:7:12: error: a credential here must be one secret, as in `<<secrets.API_KEY>>`: a key written in the file is in git for anyone who reads it [secret-leak]",
            "Flows/Follow.yaml:9:18: error: the secret `TOKEN` would be spoken, stored or logged here; secrets may only be used in an APIRequest's URL, Query, Header or Body, and in a workflow action's credential keys (AccountSid, Key, KeyId, KeySecret, Token) [secret-leak]",
        ])
    }

    @Test func smsNumbersAndProviders() {
        let workflow = """
            Workflow: Texts
            Trigger: CallEnded
            Secrets: [ID, SECRET]
            Actions:
              - {Name: A, Type: SMS, Sender: "0207 123", Recipient: "+44", Text: hi, KeyId: "<<secrets.ID>>", KeySecret: "<<secrets.SECRET>>", AccountSid: "<<secrets.ID>>"}
              - {Name: B, Type: SMS, Provider: Twilio, Sender: "ACME Ltd", Recipient: "<<call.phonenum>>", Text: hi, KeyId: "<<secrets.ID>>", KeySecret: "<<secrets.SECRET>>"}
              - {Name: C, Type: SMS, Provider: Twilio, Sender: "Far too long a name", Recipient: "<<call.phonenum>>", Text: hi, KeyId: "<<secrets.ID>>", KeySecret: "<<secrets.SECRETS>>", AccountSid: "<<secrets.ID>>"}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:5:26: error: `0207 123` is not an E.164 number; write `+` and 8 to 15 digits, with no spaces, such as `+442071234567` (an alphanumeric sender ID needs `Provider: Twilio`) [invalid-value]",
            "Flows/Follow.yaml:5:46: error: `+44` is not an E.164 number; write `+` and 8 to 15 digits, with no spaces, such as `+442071234567` [invalid-value]",
            "Flows/Follow.yaml:5:132: error: `AccountSid` is Twilio's; CloudTalk needs only `KeyId` and `KeySecret`, so remove it or set `Provider: Twilio` [invalid-value]",
            "Flows/Follow.yaml:6:26: error: `Provider: Twilio` needs `AccountSid: <<secrets.NAME>>`, the account the message is sent from [missing-key]",
            "Flows/Follow.yaml:7:44: error: `Far too long a name` is neither an E.164 number nor an alphanumeric sender ID; Twilio takes `+` and 8 to 15 digits, or up to 11 letters, digits and spaces with at least one letter [invalid-value]",
            "Flows/Follow.yaml:7:154: error: `SECRETS` is not listed under `Secrets`; add it there to read it from FLOW_SECRET_SECRETS at run time [unknown-field]",
        ])
    }

    @Test func keysNamesAndTypes() {
        let workflow = """
            Workflow: Keys
            Trigger: CallEnds
            Flow: Menus
            Actions:
              - {Name: Post, Type: APIRequest, URL: "https://api.example.com/x", OnFailure: Post}
              - {Name: Post, Type: Email}
              - {Name: request, Type: Slack, Token: "<<secrets.X>>", Channel: "#a", Text: hi}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:2:1: error: `Trigger` must be one of CallStarted, CallEnded, RecordingUploaded, RequestFailed; found `CallEnds` [invalid-value]",
            "Flows/Follow.yaml:3:1: error: no flow is named `Menus` [unknown-reference]",
            "Flows/Follow.yaml:5:70: error: unknown key `OnFailure` for `Post` (APIRequest) [unknown-key]",
            "Flows/Follow.yaml:6:6: error: another action is already named `Post` [duplicate-name]",
            "Flows/Follow.yaml:6:18: error: `Email` is not an action type; the types are APIRequest, SMS, Slack, Transcription [invalid-value]",
            "Flows/Follow.yaml:7:6: error: `request` is reserved for the `<<request.…>>` fillpoints; choose another name [invalid-name]",
            "Flows/Follow.yaml:7:42: error: `X` is not listed under `Secrets`; add it there to read it from FLOW_SECRET_X at run time [unknown-field]",
        ])
    }

    @Test func aWorkflowAndAFlowCannotShareAName() {
        let workflow = """
            Workflow: Menu
            Trigger: CallEnded
            Actions:
              - {Name: Post, Type: APIRequest, URL: "https://api.example.com/x"}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:1:1: error: another flow is already named `Menu`; flow and workflow names become Swift type names and must be unique [duplicate-name]",
        ])
    }

    @Test func triggerValuesReadUnderTheirTrigger() {
        let workflow = """
            Workflow: Failures
            Trigger: RequestFailed
            Flow: Menu
            Conditions:
              - {Source: <<request.element>>, Operand: Equals, Value: Lookup}
              - {Source: <<request.status>>, Operand: GreaterOrEqual, Value: 500}
            Actions:
              - {Name: Post, Type: APIRequest, Action: POST, URL: "https://api.example.com/x", Body: {error: <<request.error>>, flow: <<call.flow>>, x: <<request.code>>}}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:8:141: error: `request` has no field `code` [unknown-field]",
        ])
    }

    @Test func transcriptionOnlyAfterARecordingAndItsKeys() {
        let workflow = """
            Workflow: Transcripts
            Trigger: CallEnded
            Secrets: [STT]
            Actions:
              - {Name: A, Type: Transcription}
              - {Name: B, Type: Transcription, Engine: local, Key: "<<secrets.STT>>", Model: video, Language: de-DE}
              - {Name: C, Type: Transcription, Key: "<<secrets.STT>>", Model: command_and_search, Enhanced: true}
              - {Name: D, Type: Slack, Token: "<<secrets.STT>>", Channel: "#a", Text: "<<C.Text>> <<C.Confidence>> <<C.Words>>"}
            """
        #expect(lines(workflow) == [
            "Flows/Follow.yaml:5:15: error: a Transcription with the google engine is missing the required key `Key` (<<secrets.NAME>>: a Google Cloud API key) [missing-key]",
            "Flows/Follow.yaml:5:15: error: a Transcription transcribes the call's recording, which only `Trigger: RecordingUploaded` gives; this workflow's trigger is `CallEnded` [trigger-mismatch]",
            "Flows/Follow.yaml:6:15: error: a Transcription transcribes the call's recording, which only `Trigger: RecordingUploaded` gives; this workflow's trigger is `CallEnded` [trigger-mismatch]",
            "Flows/Follow.yaml:6:51: error: the local engine needs no `Key`; remove it, or use `Engine: google` [invalid-value]",
            "Flows/Follow.yaml:6:75: error: `Model` chooses among Google's models; the local engine has one, so remove it or use `Engine: google` [invalid-value]",
            "Flows/Follow.yaml:6:89: error: the local engine knows US English (`en-US`) only; use `Engine: google` for `de-DE` [invalid-value]",
            "Flows/Follow.yaml:7:15: error: a Transcription transcribes the call's recording, which only `Trigger: RecordingUploaded` gives; this workflow's trigger is `CallEnded` [trigger-mismatch]",
            "Flows/Follow.yaml:7:87: error: `Enhanced: true` is for the `phone_call` and `video` models; this action's `Model` is `command_and_search` [invalid-value]",
            "Flows/Follow.yaml:8:104: error: `C` is a Transcription; read its `C.Text`, `C.Confidence` or `C.Status` [unknown-field]",
        ])
    }

    @Test func aTranscriptIsReadAfterARecording() {
        let workflow = """
            Workflow: Transcripts
            Trigger: RecordingUploaded
            Secrets: [STT, SLACK]
            Actions:
              - {Name: Transcribe, Type: Transcription, Key: "<<secrets.STT>>", Model: phone_call, Enhanced: true, Language: en-GB}
              - {Name: Post, Type: Slack, Token: "<<secrets.SLACK>>", Channel: "#a", Text: "<<Transcribe.Text>> (<<Transcribe.Confidence>>) from <<recording.file>>"}
            """
        #expect(lines(workflow) == [])
    }
}
