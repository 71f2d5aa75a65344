import Testing
@testable import CallFlowCompiler

/// One test per diagnostic code of FLOW-LANGUAGE.md §6, each asserting the whole line.
@Suite struct DiagnosticCodeTests {
    @Test func yamlSyntax() {
        let yaml = """
            Flow: Broken
            Elements: [
              {Name: A, Type: Hangup}
            Start: A
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:2:11: error: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence [yaml-syntax]",
        ])
    }

    @Test func yamlSyntaxForDuplicateKey() {
        let yaml = """
            Flow: Twice
            Elements:
              - Name: A
                Type: TTS
                Text: one
                Text: two
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:6:5: error: duplicate key `Text` in this mapping [yaml-syntax]",
        ])
    }

    @Test func unknownKey() {
        let yaml = """
            Flow: Keys
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Timout: 5
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:6:5: error: unknown key `Timout` for `GETAPI` (APIRequest) [unknown-key]",
        ])
        #expect(found.first?.notes == ["did you mean `Timeout`?"])
    }

    @Test func missingKey() {
        let yaml = """
            Flow: Missing
            Elements:
              - Name: GETAPI
                Type: APIRequest
                Action: GET
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:3:5: error: `GETAPI` (APIRequest) is missing the required key `URL` (the URL template; https:// except for loopback hosts) [missing-key]",
        ])
    }

    @Test func invalidValue() {
        let yaml = """
            Flow: Values
            Elements:
              - Name: GETAPI
                Type: APIRequest
                Action: FETCH
                Timeout: 90
                Retries: 5
                URL: https://api.example.com/x
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:5:5: error: `Action` must be one of GET, POST, PUT, PATCH, DELETE, HEAD; found `FETCH` [invalid-value]",
            "Flows/Test.yaml:6:5: error: `Timeout` must be a whole number of seconds from 1 to 60; found `90` [invalid-value]",
            "Flows/Test.yaml:7:5: error: `Retries` must be a whole number from 0 to 3; found `5` [invalid-value]",
        ])
    }

    @Test func invalidName() {
        let yaml = """
            Flow: Names
            Elements:
              - Name: Get API
                Type: Hangup
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:3:5: error: `Get API` is not a valid element name; other elements refer to it, so use letters, digits and `_`, starting with a letter [invalid-name]",
        ])
        #expect(found.first?.notes == ["for example `Get_API`"])
    }

    @Test func duplicateName() {
        let yaml = """
            Flow: Dupes
            Elements:
              - Name: Hello
                Type: TTS
                Text: hi
              - Name: Hello
                Type: Hangup
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:6:5: error: another element is already named `Hello`; element names are unique in a flow [duplicate-name]",
        ])
        #expect(found.first?.notes == ["`Hello` is first defined at Flows/Test.yaml:3:5"])
    }

    @Test func duplicateFlowNameAcrossFiles() {
        let result = FlowCompiler.check([
            .init(path: "Flows/A.yaml", text: "Flow: Same\nElements:\n  - {Name: End, Type: Hangup}\n"),
            .init(path: "Flows/B.yaml", text: "Flow: Same\nElements:\n  - {Name: End, Type: Hangup}\n"),
        ], readFile: { _ in nil })
        #expect(result.diagnostics.map(\.description) == [
            "Flows/B.yaml:1:1: error: another flow is already named `Same`; flow names become Swift type names and must be unique [duplicate-name]",
        ])
        #expect(result.diagnostics.first?.notes == ["`Same` is first defined at Flows/A.yaml:1:1"])
    }

    @Test func unknownTarget() {
        let yaml = """
            Flow: Targets
            Elements:
              - Name: Welcome
                Type: TTS
                Text: hi
                Next: Dne
              - Name: Done
                Type: Hangup
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:6:5: error: `Next: Dne` names no element of this flow [unknown-target]",
        ])
        #expect(found.first?.notes == ["did you mean `Done`?"])
    }

    /// A Transfer's `OnFailure` is an exit like any other: checked, and its target reachable.
    @Test func transferOnFailure() {
        let yaml = """
            Flow: Handover
            Elements:
              - Name: Agent
                Type: Transfer
                To: sales_queue
                OnFailure: Sory
              - Name: Sorry
                Type: Hangup
                Text: Nobody can take your call.
            """
        #expect(diagnostics(yaml).map(\.description) == [
            "Flows/Test.yaml:6:5: error: `OnFailure: Sory` names no element of this flow [unknown-target]",
        ])
        let fixed = yaml.replacingOccurrences(of: "Sory", with: "Sorry")
        #expect(diagnostics(fixed).isEmpty, "Sorry is reached through OnFailure: \(diagnostics(fixed))")
        #expect(diagnostics(fixed.replacingOccurrences(of: "    OnFailure: Sorry\n", with: "")).map(\.code) == [.unreachable])
    }

    @Test func fillpointSyntax() {
        let yaml = """
            Flow: Syntax
            Elements:
              - Name: A
                Type: TTS
                Text: "Hello <<call.name"
              - Name: B
                Type: TTS
                Text: "Hello <<>>"
              - Name: C
                Type: TTS
                Text: Hello <<call..name>>
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:5:18: error: this `<<` is never closed; end the fillpoint with `>>` [fillpoint-syntax]",
            "Flows/Test.yaml:8:18: error: empty fillpoint `<<>>`; write a path such as `<<call.name>>` [fillpoint-syntax]",
            "Flows/Test.yaml:11:17: error: malformed fillpoint `<<call..name>>`: the path has an empty step [fillpoint-syntax]",
        ])
    }

    @Test func unknownReference() {
        let yaml = """
            Flow: Refs
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Result: {Value: string}
              - Name: Say
                Type: TTS
                Text: "It is <<GETAP.Result.Value>>"
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:9:18: error: `GETAP` is not an element, a property, or one of call, contact and secrets [unknown-reference]",
        ])
        #expect(found.first?.notes == ["did you mean `GETAPI`?"])
    }

    @Test func unknownField() {
        let yaml = """
            Flow: Fields
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Result:
                  Value: string
              - Name: Say
                Type: TTS
                Text: "It is <<GETAPI.Result.Valu>>"
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:10:18: error: `GETAPI.Result` has no field `Valu` [unknown-field]",
        ])
        #expect(found.first?.notes == ["did you mean `Value`?"])
    }

    @Test func noResult() {
        let yaml = """
            Flow: NoResult
            Elements:
              - Name: Notify
                Type: APIRequest
                Action: POST
                URL: https://api.example.com/notify
                ParseResponse: false
              - Name: Say
                Type: TTS
                Text: "Status <<Notify.Status>>"
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:10:19: error: `Notify` has `ParseResponse: false`, so the flow goes on before any response and `Notify.Status` is never set [no-result]",
        ])
    }

    @Test func maybeUnset() {
        let yaml = """
            Flow: Unset
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Result: {Value: string}
              - Name: Say
                Type: TTS
                Text: "It is <<GETAPI.Result.Value>>"
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:9:18: error: `GETAPI.Result.Value` may be unset when `Say` runs; set it on every path to `Say`, or add a fallback such as `<<GETAPI.Result.Value ?? \"\">>` [maybe-unset]",
        ])
        #expect(found.first?.notes == ["not set on the path GETAPI (failure) → Say"])
    }

    @Test func typeMismatch() {
        let yaml = """
            Flow: Types
            Elements:
              - Name: Route
                Type: Branch
                Source: <<call.waiting_time>>
                Conditions:
                  - {Operand: Equals, Value: gold, Goto: Done}
                Default: Done
              - Name: Done
                Type: Hangup
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:7:27: error: `call.waiting_time` is a number, so it never equals `gold`; compare it with a number [type-mismatch]",
        ])
    }

    @Test func secretLeak() {
        let yaml = """
            Flow: Leak
            Secrets: [TOKEN]
            Elements:
              - Name: Say
                Type: TTS
                Text: "Your token is <<secrets.TOKEN>>"
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:6:26: error: the secret `TOKEN` would be spoken, stored or logged here; secrets may only be used in an APIRequest's URL, Query, Header or Body, and in a workflow action's credential keys (AccountSid, Key, KeyId, KeySecret, Token) [secret-leak]",
        ])
    }

    @Test func insecureURL() {
        let yaml = """
            Flow: Insecure
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: http://api.example.com/x
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:5:5: error: `http://api.example.com` is not a loopback host, so this request would travel unencrypted; use `https://` [insecure-url]",
        ])
    }

    /// A YAML tag that says the value is of another type than its key takes.
    @Test func typeMismatchOfATag() {
        let yaml = """
            Flow: Tagged
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Timeout: !!str 10
                Retries: !!int 2
                ParseResponse: !!str false
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:6:5: error: `Timeout` takes a whole number, but its value is tagged `!!str`; remove the tag [type-mismatch]",
            "Flows/Test.yaml:8:5: error: `ParseResponse` takes true or false, but its value is tagged `!!str`; remove the tag [type-mismatch]",
        ])
    }

    /// Letters typed in the wrong order are one edit: swapped letters get a did-you-mean anywhere.
    @Test func didYouMeanCountsASwapAsOneEdit() {
        let yaml = """
            Flow: Swapped
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Result: {Value: string}
              - Name: Say
                Type: TTS
                Txet: "Hi"
              - Name: Read
                Type: TTS
                Text: "<<call.nmae>> <<GETAPI.Result.Valeu>>"
            """
        #expect(diagnostics(yaml).map { [$0.description] + $0.notes } == [
            ["Flows/Test.yaml:7:5: error: `Say` (TTS) is missing the required key `Text` (the text to speak) [missing-key]"],
            ["Flows/Test.yaml:9:5: error: unknown key `Txet` for `Say` (TTS) [unknown-key]", "did you mean `Text`?"],
            ["Flows/Test.yaml:12:12: error: `call` has no field `nmae` [unknown-field]", "did you mean `name`?"],
            ["Flows/Test.yaml:12:26: error: `GETAPI.Result` has no field `Valeu` [unknown-field]", "did you mean `Value`?"],
        ])
        #expect(Suggestion.editDistance("nmae", "name", limit: 3) == 1)
        #expect(Suggestion.editDistance("abcd", "badc", limit: 3) == 2)
        #expect(Suggestion.editDistance("kitten", "sitting", limit: 5) == 3)
    }

    @Test func untrustedHost() {
        let yaml = """
            Flow: Hosts
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://<<call.dnis>>/leads
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:5:18: error: `<<call.dnis>>` is in the scheme, host or port of the URL, and the caller controls it: whoever places a call would choose where this request, and its secrets, go [untrusted-host]",
        ])
    }

    @Test func invalidHeader() {
        let yaml = """
            Flow: Headers
            Elements:
              - Name: GETAPI
                Type: APIRequest
                URL: https://api.example.com/x
                Header: "Bad Name: x"
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:6:5: error: `Bad Name` is not a valid header name; a name is letters, digits and !#$%&'*+-.^_`|~ only [invalid-header]",
        ])
    }

    @Test func bodyNotAllowed() {
        let yaml = """
            Flow: Bodies
            Elements:
              - Name: GETAPI
                Type: APIRequest
                Action: GET
                URL: https://api.example.com/x
                Body: {id: 1}
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:7:5: error: a GET request sends no body; remove `Body`, or use POST, PUT or PATCH [body-not-allowed]",
        ])
    }

    @Test func unreachable() {
        let yaml = """
            Flow: Island
            Elements:
              - Name: Welcome
                Type: TTS
                Text: hi
                Next: Done
              - Name: Lost
                Type: TTS
                Text: nobody hears this
              - Name: Done
                Type: Hangup
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:7:5: warning: no path from `Welcome`, where the call starts, reaches `Lost` [unreachable]",
        ])
    }

    @Test func loopWithoutInput() {
        let yaml = """
            Flow: Spin
            Elements:
              - Name: Count
                Type: SetProperty
                PropertyName: Tries
                Value: "1"
              - Name: Again
                Type: Branch
                Source: Tries
                Conditions:
                  - {Operand: Equals, Value: "1", Goto: Count}
                Default: Done
              - Name: Done
                Type: Hangup
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:3:5: warning: `Count`, `Again` loop without playing, speaking or reading input, so a call could spin here forever [loop-without-input]",
        ])
    }

    @Test func foreignFillpoint() {
        let yaml = """
            Flow: Pasted
            Elements:
              - Name: Welcome
                Type: TTS
                Text: "Hello {{call.name}}, and {{ GETAPI.Result.Value }} ok"
              - Name: Plain
                Type: TTS
                Text: Hi {{call.name}} and {{not a path}} and {x}
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:5:18: warning: `{{call.name}}` is not a fillpoint here and would be used as it is written; CallFlow's fillpoints are `<<call.name>>` [foreign-fillpoint]",
            "Flows/Test.yaml:5:37: warning: `{{GETAPI.Result.Value}}` is not a fillpoint here and would be used as it is written; CallFlow's fillpoints are `<<GETAPI.Result.Value>>` [foreign-fillpoint]",
            "Flows/Test.yaml:8:14: warning: `{{call.name}}` is not a fillpoint here and would be used as it is written; CallFlow's fillpoints are `<<call.name>>` [foreign-fillpoint]",
        ])
    }

    @Test func triggerMismatch() {
        let yaml = """
            Workflow: Early
            Trigger: CallStarted
            Actions:
              - {Name: Post, Type: APIRequest, Action: POST, URL: "https://api.example.com/x", Body: {took: <<call.duration>>}}
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:4:97: error: `call.duration` is known once the call has ended, but `Trigger: CallStarted` fires while it goes on [trigger-mismatch]",
        ])
    }

    @Test func unknownResultCode() {
        let flow = """
            Flow: Menu
            Elements:
              - {Name: Bye, Type: Hangup, ResultCode: DONE}
            """
        let workflow = """
            Workflow: After
            Trigger: CallEnded
            Flow: Menu
            Conditions:
              - {Source: <<call.result_code>>, Operand: NotEquals, Value: DNOE}
            Actions:
              - {Name: Post, Type: APIRequest, URL: "https://api.example.com/x"}
            """
        let result = FlowCompiler.check([.init(path: "Flows/Menu.yaml", text: flow), .init(path: "Flows/Test.yaml", text: workflow)], readFile: { _ in nil })
        #expect(result.diagnostics.map(\.description) == [
            "Flows/Test.yaml:5:56: warning: `Menu` never ends with the result code `DNOE`, so this condition always holds [unknown-result-code]",
        ])
    }

    /// Every code of the contract has a test above; this keeps the list complete.
    @Test func everyCodeIsCovered() {
        #expect(DiagnosticCode.allCases.count == 23)
    }
}
