import Testing
@testable import CallFlowCompiler

/// The flow-sensitive checks: maybe-unset over success and failure edges, unreachable
/// elements, loops, property types, and references in their places.
@Suite struct FlowAnalysisTests {
    @Test func aValueSetOnEveryPathIsSet() {
        let yaml = """
            Flow: Paths
            Elements:
              - Name: Ask
                Type: CollectInput
                Text: Press a key
                OnNoInput: Default
              - Name: Route
                Type: Branch
                Source: <<Ask.Value>>
                Conditions:
                  - {Operand: Equals, Value: "1", Goto: One}
                Default: Default
              - Name: One
                Type: SetProperty
                PropertyName: Choice
                Value: one
                Next: Say
              - Name: Default
                Type: SetProperty
                PropertyName: Choice
                Value: other
              - Name: Say
                Type: TTS
                Text: You chose <<Choice>>
            """
        #expect(diagnosticLines(yaml) == [])
    }

    @Test func aValueSetOnOnlySomePathsNamesAPathWithoutIt() {
        let yaml = """
            Flow: Paths
            Elements:
              - Name: Ask
                Type: CollectInput
                Text: Press a key
              - Name: Route
                Type: Branch
                Source: <<Ask.Value>>
                Conditions:
                  - {Operand: Equals, Value: "1", Goto: One}
                Default: Say
              - Name: One
                Type: SetProperty
                PropertyName: Choice
                Value: one
              - Name: Say
                Type: TTS
                Text: You chose <<Choice>>, <<Choice ?? "nothing">>
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.description) == [
            "Flows/Test.yaml:18:21: error: `Choice` may be unset when `Say` runs; set it on every path to `Say`, or add a fallback such as `<<Choice ?? \"\">>` [maybe-unset]",
        ])
        #expect(found.first?.notes == ["not set on the path Ask → Route (default) → Say"])
    }

    @Test func errorIsSetOnFailureOnlyAndStatusOnBoth() {
        let yaml = """
            Flow: Exits
            Elements:
              - Name: Call
                Type: APIRequest
                URL: https://api.example.com/x
                OnFailure: Failed
              - Name: Fine
                Type: TTS
                Text: Status <<Call.Status>> error <<Call.Error>>
                Next: Done
              - Name: Failed
                Type: TTS
                Text: Status <<Call.Status>> error <<Call.Error>>
              - Name: Done
                Type: Hangup
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:9:40: error: `Call.Error` may be unset when `Fine` runs; set it on every path to `Fine`, or add a fallback such as `<<Call.Error ?? \"\">>` [maybe-unset]",
        ])
    }

    @Test func resultsMappingSetsPropertiesOnSuccessOnly() {
        let yaml = """
            Flow: Mapping
            Elements:
              - Name: Lookup
                Type: APIRequest
                URL: https://api.example.com/x
                Result: {data: {id: integer}}
                Results: {LeadId: data.id}
                Fallback: Stop
              - Name: Say
                Type: TTS
                Text: Lead <<LeadId>>
            """
        #expect(diagnosticLines(yaml) == [])
    }

    @Test func fallbackContinueMakesTheResultMaybeUnset() {
        let yaml = """
            Flow: Mapping
            Elements:
              - Name: Lookup
                Type: APIRequest
                URL: https://api.example.com/x
                Result: {data: {id: integer}}
                Results: {LeadId: data.idd}
              - Name: Say
                Type: TTS
                Text: Lead <<LeadId>>
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:7:15: error: `Lookup.Result.data` has no field `idd` [unknown-field]",
            "Flows/Test.yaml:10:16: error: `LeadId` may be unset when `Say` runs; set it on every path to `Say`, or add a fallback such as `<<LeadId ?? \"\">>` [maybe-unset]",
        ])
    }

    @Test func manyReadsOfOneValueAreEachDecided() {
        // Later reads of `Choice` reuse what earlier searches learnt; each still gets its answer.
        let yaml = """
            Flow: Reads
            Elements:
              - Name: Ask
                Type: CollectInput
                Text: Press a key
              - Name: Route
                Type: Branch
                Source: <<Ask.Value>>
                Conditions:
                  - {Operand: Equals, Value: "1", Goto: One}
                Default: Two
              - Name: One
                Type: SetProperty
                PropertyName: Choice
                Value: one
              - Name: SayOne
                Type: TTS
                Text: <<Choice>>
              - Name: SayOneAgain
                Type: TTS
                Text: <<Choice>> again
                Next: End
              - Name: Two
                Type: TTS
                Text: <<Choice>>
              - Name: End
                Type: Hangup
                Text: <<Choice>>
            """
        let found = diagnostics(yaml)
        #expect(found.map { "\($0.location.line): \($0.notes.joined())" } == [
            "25: not set on the path Ask → Route (default) → Two",
            "28: not set on the path Ask → Route (default) → Two → End",
        ])
    }

    @Test func aLoopMayReadWhatItSetsOnTheWayRound() {
        let yaml = """
            Flow: Retry
            Elements:
              - Name: Ask
                Type: CollectInput
                Text: Enter your PIN
                MaxDigits: 4
              - Name: Check
                Type: Branch
                Source: <<Ask.Value>>
                Conditions:
                  - {Operand: IsEmpty, Goto: Ask}
                Default: Done
              - Name: Done
                Type: Hangup
                Text: You entered <<Ask.Value>>
            """
        #expect(diagnosticLines(yaml) == [])
    }

    @Test func aLoopThatSpeaksIsFine() {
        let yaml = """
            Flow: Music
            Elements:
              - Name: Hold
                Type: Play
                Phrase: music.wav
                Next: Hold
            """
        #expect(diagnosticLines(yaml) == [])
    }

    @Test func aSelfLoopWithoutInputIsWarned() {
        let yaml = """
            Flow: Spin
            Elements:
              - Name: Poll
                Type: APIRequest
                URL: https://api.example.com/x
                Next: Poll
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:3:5: warning: `Poll` loops to itself without playing, speaking or reading input, so a call could spin here forever [loop-without-input]",
        ])
    }

    @Test func aPropertySetWithTwoTypes() {
        let yaml = """
            Flow: Types
            Elements:
              - Name: A
                Type: SetProperty
                PropertyName: Amount
                Value: 12
              - Name: B
                Type: SetProperty
                PropertyName: Amount
                Value: twelve
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:10:5: error: `Amount` is set to text here but to a number at Flows/Test.yaml:6:5; a property holds one type [type-mismatch]",
        ])
    }

    @Test func propertyTypesFlowThroughOtherProperties() {
        let yaml = """
            Flow: Chain
            Elements:
              - Name: A
                Type: SetProperty
                PropertyName: Waited
                Value: <<call.waiting_time>>
              - Name: B
                Type: SetProperty
                PropertyName: Copy
                Value: <<Waited>>
              - Name: Route
                Type: Branch
                Source: Copy
                Conditions:
                  - {Operand: GreaterThan, Value: 60, Goto: Done}
                  - {Operand: Equals, Value: long, Goto: Done}
                Default: Done
              - Name: Done
                Type: Hangup
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:16:27: error: `Copy` is a number, so it never equals `long`; compare it with a number [type-mismatch]",
        ])
    }

    @Test func orderingABooleanIsATypeMismatch() {
        let yaml = """
            Flow: Bool
            Elements:
              - Name: Check
                Type: APIRequest
                URL: https://api.example.com/x
                Result: {ok: boolean}
                Fallback: Stop
              - Name: Route
                Type: Branch
                Source: <<Check.Result.ok>>
                Conditions:
                  - {Operand: LessThan, Value: 1, Goto: Done}
                  - {Operand: Equals, Value: maybe, Goto: Done}
                  - {Operand: Matches, Value: "([a-z", Goto: Done}
                Default: Done
              - Name: Done
                Type: Hangup
            """
        let lines = diagnosticLines(yaml)
        #expect(lines.count == 3)
        #expect(lines[0] == "Flows/Test.yaml:12:10: error: `LessThan` orders numbers, but `Check.Result.ok` is a boolean [type-mismatch]")
        #expect(lines[1] == "Flows/Test.yaml:13:27: error: `Check.Result.ok` is a boolean, so compare it with `true` or `false`, not `maybe` [type-mismatch]")
        #expect(lines[2].hasPrefix("Flows/Test.yaml:14:28: error: `([a-z` is not a valid regular expression: "))
    }

    @Test func secretsAreAllowedOnlyInRequests() {
        let yaml = """
            Flow: Secrets
            Secrets: [KEY]
            Elements:
              - Name: Call
                Type: APIRequest
                Action: POST
                URL: https://api.example.com/x?key=<<secrets.KEY>>
                Query: {k: <<secrets.KEY>>}
                Header: {X-Key: <<secrets.KEY>>}
                Body: {key: <<secrets.KEY>>}
                ContentType: <<secrets.KEY>>
                Fallback: Stop
              - Name: Keep
                Type: SetProperty
                PropertyName: Copy
                Value: <<secrets.KEY>>
              - Name: Say
                Type: Hangup
                Text: <<secrets.NOPE>>
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:11:18: error: the secret `KEY` would be sent as the Content-Type here; secrets may only be used in an APIRequest's URL, Query, Header or Body, and in a workflow action's credential keys (AccountSid, Key, KeyId, KeySecret, Token) [secret-leak]",
            "Flows/Test.yaml:16:12: error: the secret `KEY` would be spoken, stored or logged here; secrets may only be used in an APIRequest's URL, Query, Header or Body, and in a workflow action's credential keys (AccountSid, Key, KeyId, KeySecret, Token) [secret-leak]",
            "Flows/Test.yaml:19:11: error: `NOPE` is not listed under `Secrets`; add it there to read it from FLOW_SECRET_NOPE at run time [unknown-field]",
        ])
    }

    @Test func referencesToElementsThatHaveNoSuchValue() {
        let yaml = """
            Flow: Kinds
            Elements:
              - Name: Hello
                Type: TTS
                Text: hi
              - Name: Ping
                Type: APIRequest
                Action: HEAD
                URL: https://api.example.com/x
              - Name: Bare
                Type: APIRequest
                URL: https://api.example.com/x
              - Name: Say
                Type: Hangup
                Text: <<Hello.Result.x>> <<Ping.Result.x>> <<Bare.Result.x>> <<Hello.Value>> <<Ping>> <<Ping.Stat>>
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:15:11: error: `Hello` is a TTS element and has no `Result`; only an APIRequest element has one [no-result]",
            "Flows/Test.yaml:15:30: error: `Ping` is a HEAD request, whose response has no body, so it has no `Result`; read `Ping.Status` [no-result]",
            "Flows/Test.yaml:15:48: error: `Bare` declares no `Result`; add `Result:` (the response's shape) or `ResultSample:` to the element to read its response [no-result]",
            "Flows/Test.yaml:15:66: error: `Hello` is a TTS element and has no `Value`; only a CollectInput element has one [no-result]",
            "Flows/Test.yaml:15:82: error: `<<Ping>>` names an element; read one of its values: `Ping.Result`, `Ping.Status`, `Ping.Error` [unknown-field]",
            "Flows/Test.yaml:15:91: error: `Ping` has no `Stat`; an APIRequest element has Result, Status, Error [unknown-field]",
        ])
    }

    @Test func pathsThroughResultShapes() {
        let yaml = """
            Flow: Shapes
            Elements:
              - Name: Get
                Type: APIRequest
                URL: https://api.example.com/x
                Result:
                  status: [string]
                  owner: {name: string}
                Fallback: Stop
              - Name: Say
                Type: Hangup
                Text: <<Get.Result.status.0>> <<Get.Result.status.name>> <<Get.Result.owner.0>> <<Get.Result.owner.nam>> <<call.name.first>> <<contact.tags[1]>>
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:12:35: error: `Get.Result.status` is a list, not an object, so it has no field `name`; index a list with a number, as in `Get.Result.status.0` [unknown-field]",
            "Flows/Test.yaml:12:62: error: `Get.Result.owner` is an object, not a list, so it cannot be indexed with `0` [unknown-field]",
            "Flows/Test.yaml:12:85: error: `Get.Result.owner` has no field `nam` [unknown-field]",
            "Flows/Test.yaml:12:110: error: `call.name` is text, not an object, so it has no field `first` [unknown-field]",
        ])
    }

    @Test func urlsAndBodies() {
        let yaml = """
            Flow: Urls
            Secrets: [PORT]
            Elements:
              - Name: Local
                Type: APIRequest
                URL: http://localhost:8080/x
                Next: Loop
              - Name: Loop
                Type: APIRequest
                URL: http://127.0.0.9/x
                Next: Var
              - Name: Var
                Type: APIRequest
                URL: http://<<call.dnis>>/x
                Next: Ftp
              - Name: Ftp
                Type: APIRequest
                URL: ftp://example.com/x
                Next: Post
              - Name: Post
                Type: APIRequest
                Action: POST
                URL: https://api.example.com/x
                Body: {a.b: 1, a: 2, n: {Value: abc, Format: Number}}
                BodyType: Raw
              - Name: Port
                Type: APIRequest
                URL: http://127.0.0.1:<<secrets.PORT>>/x
              - Name: HostFromValue
                Type: APIRequest
                URL: http://127.0.0.1<<secrets.PORT>>/x
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:14:5: error: an `http://` URL whose host comes from a fillpoint may leave this machine unencrypted; use `https://` [insecure-url]",
            "Flows/Test.yaml:14:17: error: `<<call.dnis>>` is in the scheme, host or port of the URL, and the caller controls it: whoever places a call would choose where this request, and its secrets, go [untrusted-host]",
            "Flows/Test.yaml:18:5: error: the URL must start with `https://` (or `http://` for a loopback host); found `ftp://example.com/x` [invalid-value]",
            "Flows/Test.yaml:24:20: error: `a` conflicts with the body key at Flows/Test.yaml:24:12: one key cannot be both a value and an object [invalid-value]",
            "Flows/Test.yaml:24:42: error: `n` is sent as a number, but `abc` is not one; a number is an integer or a decimal with a dot, such as `12` or `12.5` [type-mismatch]",
            "Flows/Test.yaml:25:5: error: `BodyType: Raw` sends a string as it is, but `Body` is a mapping; write the body as a string, or use JSON or Form [invalid-value]",
            "Flows/Test.yaml:31:5: error: an `http://` URL whose host comes from a fillpoint may leave this machine unencrypted; use `https://` [insecure-url]",
        ])
    }

    /// A value the caller controls may not choose where a request goes: not in the scheme,
    /// host or port, directly or through properties set from it, nor as digits read.
    @Test func untrustedHosts() {
        let yaml = """
            Flow: Hosts
            Secrets: [API_HOST]
            Elements:
              - Name: Digits
                Type: CollectInput
                Text: "Your branch?"
              - Name: Copy
                Type: SetProperty
                PropertyName: Branch
                Value: "<<Digits.Value ?? 1>>"
              - Name: Again
                Type: SetProperty
                PropertyName: Server
                Value: "branch<<Branch>>.example.com"
              - Name: Lookup
                Type: APIRequest
                URL: "https://<<contact.custom_fields.host>>/x?q=<<call.name>>"
                Result: {next: string}
              - Name: FromDigits
                Type: APIRequest
                URL: "https://api.example.com:<<Digits.Value ?? 443>>/x"
              - Name: ThroughProperties
                Type: APIRequest
                URL: "https://<<Server>>/x"
              - Name: WholeURL
                Type: APIRequest
                URL: "<<call.external_number>>"
              - Name: Allowed
                Type: APIRequest
                URL: "https://<<secrets.API_HOST>>/leads/<<call.leadid>>?n=<<Digits.Value ?? 0>>"
              - Name: Paged
                Type: APIRequest
                URL: '<<Lookup.Result.next ?? "https://api.example.com">>/more/<<call.leadid>>'
            """
        let untrusted = "is in the scheme, host or port of the URL, and the caller controls it: whoever places a call would choose where this request, and its secrets, go [untrusted-host]"
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:17:19: error: `<<contact.custom_fields.host>>` \(untrusted)",
            "Flows/Test.yaml:21:35: error: `<<Digits.Value>>` \(untrusted)",
            "Flows/Test.yaml:24:19: error: `<<Server>>`, which holds `Digits.Value`, \(untrusted)",
            "Flows/Test.yaml:27:11: error: `<<call.external_number>>` \(untrusted)",
        ])
    }

    @Test func headerValuesWithLineBreaksAreRejected() {
        let yaml = """
            Flow: Breaks
            Elements:
              - Name: Api
                Type: APIRequest
                URL: https://api.example.com
                Header: {X-A: "a\\r\\nX-Evil: 1", X-B: "b\\nc"}
              - Name: Other
                Type: APIRequest
                URL: https://api.example.com
                Header: "X-C: c\\r\\nd"
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:6:14: error: the value of header `X-A` contains a line break [invalid-header]",
            "Flows/Test.yaml:6:37: error: the value of header `X-B` contains a line break [invalid-header]",
            "Flows/Test.yaml:10:5: error: the value of header `X-C` contains a line break [invalid-header]",
        ])
    }

    @Test func otherValueChecks() {
        let yaml = """
            Flow: Values
            Elements:
              - Name: Ask
                Type: CollectInput
                MinDigits: 4
                MaxDigits: 2
                Terminator: #
              - Name: Out
                Type: Transfer
                To: "+44 20 7123 4567"
              - Name: Api
                Type: APIRequest
                URL: https://api.example.com
                OnFailure: Out
                Fallback: Stop
                SuccessStatus: [200, 700]
                AlertEmail: [not-an-address]
                RateLimit: lots
                Result: {a: string}
                ResultSample: a.json
              - Name: Fire
                Type: APIRequest
                URL: https://api.example.com
                ParseResponse: false
                OnSuccess: Out
            """
        #expect(diagnosticLines(yaml) == [
            "Flows/Test.yaml:6:5: error: `MaxDigits` (2) is less than `MinDigits` (4) [invalid-value]",
            "Flows/Test.yaml:7:5: error: `Terminator` is empty; a bare `#` starts a YAML comment, so quote it: `Terminator: \"#\"` [invalid-value]",
            "Flows/Test.yaml:10:5: error: `+44 20 7123 4567` is not an E.164 number; write `+` and 8 to 15 digits, with no spaces, such as `+442071234567` [invalid-value]",
            "Flows/Test.yaml:11:5: warning: no path from `Ask`, where the call starts, reaches `Api` [unreachable]",
            "Flows/Test.yaml:15:5: error: `Fallback` says what happens on failure when there is no `OnFailure`; this element goes to `Out` on failure, so remove one of them [invalid-value]",
            "Flows/Test.yaml:16:26: error: `SuccessStatus` lists HTTP status codes from 100 to 599; found `700` [invalid-value]",
            "Flows/Test.yaml:17:18: error: `not-an-address` is not an email address [invalid-value]",
            "Flows/Test.yaml:18:5: error: `RateLimit` is a count per second, minute, hour or day, such as `10/minute`; found `lots` [invalid-value]",
            "Flows/Test.yaml:20:5: error: give `Result` or `ResultSample`, not both; `ResultSample` infers the shape that `Result` declares [invalid-value]",
            "Flows/Test.yaml:21:5: warning: no path from `Ask`, where the call starts, reaches `Fire` [unreachable]",
            "Flows/Test.yaml:25:5: error: with `ParseResponse: false` the flow goes on at once, before success or failure is known, so `OnSuccess` is never taken; use `Next` [invalid-value]",
        ])
    }

    @Test func structuralProblems() {
        #expect(diagnosticLines("") == ["Flows/Test.yaml:1:1: error: the file is empty; a flow file is a mapping with `Flow` and `Elements` [missing-key]"])
        #expect(diagnosticLines("- a\n- b\n") == ["Flows/Test.yaml:1:1: error: a flow file is a mapping with `Flow` and `Elements`; found a list [invalid-value]"])
        #expect(diagnosticLines("Flow: x\nElements: []\n") == [
            "Flows/Test.yaml:1:1: error: `x` is not a valid flow name; it becomes a Swift type name, so start with a capital letter and use letters and digits only [invalid-name]",
            "Flows/Test.yaml:2:1: error: `Elements` must be a non-empty list of elements; found an empty list [invalid-value]",
        ])
        #expect(diagnosticLines("Flow: A\nElements:\n  - Name: X\n    Type: Speak\n") == [
            "Flows/Test.yaml:4:5: error: `Speak` is not an element type; the types are APIRequest, SetProperty, Branch, TTS, Play, CollectInput, Transfer, Hangup [invalid-value]",
        ])
        #expect(diagnosticLines("Flow: A\nStart: Nowhere\nElements:\n  - {Name: call, Type: Hangup}\n") == [
            "Flows/Test.yaml:2:1: error: `Start: Nowhere` names no element of this flow [unknown-target]",
            "Flows/Test.yaml:4:6: error: `call` is reserved for the `<<call.…>>` fillpoints; choose another name [invalid-name]",
        ])
    }

    @Test func allErrorsOfAllFilesInOneRun() {
        let result = FlowCompiler.check([
            .init(path: "a.yaml", text: "Flow: A\nElements:\n  - {Name: X, Type: TTS, Text: <<nope>>}\n  - {Name: Y, Type: Hangup, Next: Z}\n"),
            .init(path: "b.yaml", text: "Flow: B\nElements: [\n"),
            .init(path: "c.yaml", text: "Flow: C\nElements:\n  - {Name: X, Type: TTS, Text: <<call.nam>>}\n"),
        ], readFile: { _ in nil })
        #expect(result.diagnostics.map { "\($0.file):\($0.code.rawValue)" } == [
            "a.yaml:unknown-reference", "a.yaml:unknown-target", "b.yaml:yaml-syntax", "c.yaml:unknown-field",
        ])
    }
}
