import CallFlowCompiler
import FaultFlows
@testable import FlowsCommand
import Testing

/// Scenarios run against the fault-test flows with mocked responses: each mock behaviour, each
/// expectation, and the errors and differences a user reads.
struct ScenarioRunTests {
    /// Runs the one scenario of `yaml`, which must decode cleanly.
    func run(_ yaml: String) async throws -> ScenarioRun.Outcome {
        let decoded = ScenarioDecoder.decode(Array(yaml.utf8), file: "Tests/S.yaml")
        #expect(decoded.diagnostics.map(\.description) == [])
        let scenario = try #require(decoded.scenarios.first)
        return await ScenarioRun(scenario: scenario, flows: GeneratedFlows.all).run()
    }

    @Test func answersGoToAttemptsInOrderAndTheRequestIsComparedAsSent() async throws {
        let outcome = try await run("""
            Scenario: a 500 and a closed connection are retried
            Flow: Retrying
            Call: {referenceid: a b}
            Secrets: {TOKEN: t0k, PORT: "8080"}
            Responses:
              Fetch: [{Status: 500}, {Fail: closed}, {Body: {Value: gold}, Headers: {X-Id: "1"}}]
            Expect:
              Path: [Fetch, Fetched, Done]
              Said: ["Got gold"]
              Requests:
                Fetch: {Method: GET, URL: "http://127.0.0.1:8080/a%20b", Headers: {authorization: Bearer t0k}}
              ResultCode: INBOUND
            """)
        #expect(outcome.errors == [])
        #expect(outcome.differences == [])
    }

    @Test func theLastAnswerRepeatsForEveryFurtherAttempt() async throws {
        let outcome = try await run("""
            Scenario: three attempts, three 503s
            Flow: Retrying
            Call: {referenceid: x}
            Secrets: {TOKEN: s3cr3t, PORT: "61234"}
            Responses: {Fetch: {Status: 503}}
            Expect: {Said: ["Failed with status 503"], ResultCode: FAILED}
            """)
        #expect(outcome.passed)
    }

    @Test func aDelayPastTheTimeoutTimesOutAndADelayWithinItDoesNot() async throws {
        let late = try await run("""
            Scenario: late
            Flow: Faults
            Call: {referenceid: x}
            Secrets: {TOKEN: s3cr3t, PORT: "61234"}
            Responses: {Fetch: {Delay: 5, Body: {Value: gold}}}
            Expect: {Path: [Fetch, Failed], ResultCode: FAILED}
            """)
        #expect(late.passed, "\(late.differences)")
        let prompt = try await run("""
            Scenario: in time
            Flow: Faults
            Call: {referenceid: x}
            Secrets: {TOKEN: s3cr3t, PORT: "61234"}
            Responses: {Fetch: {Delay: 0.2, Body: {Value: gold}}}
            Expect: {Said: ["Got gold"]}
            """)
        #expect(prompt.passed, "\(prompt.differences)")
    }

    @Test func requestsNotWaitedForFallbacksAndJSONBodies() async throws {
        let outcome = try await run("""
            Scenario: fallbacks
            Flow: Fallbacks
            Secrets: {PORT: "61239"}
            Responses:
              Notify: {Status: 204}
              Optional: {Status: 503}
              Required: [{Fail: connection}]
            Expect:
              Path: [Notify, Optional, Said, Required]
              Said: ["Optional ended with 503: HTTP status 503"]
              Requests:
                Notify: {Method: POST, Body: {event: call-started}, Headers: {Content-Type: application/json}}
              ResultCode: API_DOWN
            """)
        #expect(outcome.errors == [])
        #expect(outcome.differences == [])
    }

    @Test func eachScenarioStartsWithAnUnusedRateLimit() async throws {
        let scenario = """
            Scenario: limited
            Flow: Limited
            Secrets: {PORT: "61234"}
            Responses: {Fetch: {Body: {Value: v}}}
            Expect: {Said: ["Got v"]}
            """
        for _ in 0..<3 {
            let outcome = try await run(scenario)
            #expect(outcome.passed, "\(outcome.differences)")
        }
    }

    @Test func whatDiffersIsSaidLineByLine() async throws {
        let outcome = try await run("""
            Scenario: wrong
            Flow: Retrying
            Call: {referenceid: x}
            Secrets: {TOKEN: s3cr3t, PORT: "61234"}
            Responses: {Fetch: {Status: 404}}
            Expect:
              Path: [Fetch, Fetched, Done]
              Said: ["Got gold"]
              Requests:
                Fetch: {URL: "http://127.0.0.1:1/y", Method: POST, Headers: {Authorization: Bearer u, X-Missing: "1"}, Body: "a=1"}
              Properties: {Answer: "42"}
              ResultCode: INBOUND
            """)
        #expect(outcome.errors == [])
        #expect(outcome.differences == [
            """
            Path differs at step 2 (line 7):
              expected: Fetch → Fetched → Done
              actual:   Fetch → Failed
            """,
            """
            Said: "Got gold" was not said (line 8); what was said:
              "Failed with status 404"
            """,
            """
            Requests: Fetch URL differs (line 10):
              expected: http://127.0.0.1:1/y
              actual:   http://127.0.0.1:61234/x
            """,
            "Requests: Fetch method is GET, expected POST (line 10)",
            "Requests: Fetch header Authorization is \"Bearer s3cr3t\", expected \"Bearer u\" (line 10)",
            "Requests: Fetch header X-Missing is not sent, expected \"1\" (line 10)",
            """
            Requests: Fetch body differs (line 10):
              expected: a=1
              actual:   (no body)
            """,
            "Properties: Answer was never set, expected \"42\" (line 11)",
            "ResultCode is FAILED, expected INBOUND (line 12)",
            "Requests that failed:\n  Fetch: HTTP status 404",
        ])
    }

    /// "sent no request" says why: here, a secret the scenario gives no value for.
    @Test func aRequestThatWasNotSentSaysWhy() async throws {
        let outcome = try await run("""
            Scenario: no token
            Flow: Retrying
            Call: {referenceid: x}
            Secrets: {PORT: "61234"}
            Responses: {Fetch: {Body: {Value: gold}}}
            Expect:
              Requests: {Fetch: {Method: GET}}
              ResultCode: INBOUND
            """)
        let missing = "Missing secret TOKEN: set the environment variable FLOW_SECRET_TOKEN"
        #expect(outcome.differences == [
            "Requests: Fetch sent no request (line 7): \(missing)",
            "ResultCode is FAILED, expected INBOUND (line 8)",
            "Requests that failed:\n  Fetch: \(missing)",
        ])
    }

    @Test func saidTextsMustComeInOrder() async throws {
        let outcome = try await run("""
            Scenario: order
            Flow: Fallbacks
            Secrets: {PORT: "61239"}
            Responses: {Notify: {}, Optional: {}, Required: {}}
            Expect: {Said: ["unreachable", "Optional ended with 200: no error"]}
            """)
        #expect(outcome.differences == ["""
            Said: "Optional ended with 200: no error" was not said after the texts before it (line 5); what was said:
              "Optional ended with 200: no error"
              "unreachable"
            """])
    }

    @Test func aRequestWithoutAMockedResponseFailsTheScenario() async throws {
        let outcome = try await run("""
            Scenario: unmocked
            Flow: Limited
            Secrets: {PORT: "61234"}
            Expect: {Said: ["Failed: Could not connect (the scenario mocks no response for Fetch)"]}
            """)
        #expect(outcome.differences == [
            "Fetch sent a request, but the scenario mocks no response for it; add one under Responses",
            "Requests that failed:\n  Fetch: Could not connect (the scenario mocks no response for Fetch)",
        ])
    }

    @Test func unknownFlowsElementsAndVariablesAreErrorsAtTheirLine() async throws {
        let unknownFlow = try await run("""
            Scenario: typo
            Flow: Retryng
            Expect: {}
            """)
        #expect(unknownFlow.errors == ["Tests/S.yaml:2:7: error: no flow named `Retryng`\nnote: did you mean `Retrying`?"])
        let typos = try await run("""
            Scenario: typos
            Flow: Retrying
            Call: {leadId: "1"}
            Secrets: {TOKN: x}
            Responses: {Fetchh: {}}
            Expect: {Path: [Fetch, Faild], Requests: {Done: {}}}
            """)
        #expect(typos.errors == [
            "Tests/S.yaml:3:8: error: `leadId` is not a call variable; they are \(CallVariables.names.joined(separator: ", "))\nnote: did you mean `leadid`?",
            "Tests/S.yaml:5:13: error: Retrying has no APIRequest element `Fetchh`; it has: Fetch\nnote: did you mean `Fetch`?",
            "Tests/S.yaml:6:43: error: Retrying has no APIRequest element `Done`; it has: Fetch",
            "Tests/S.yaml:6:24: error: Retrying has no element `Faild`; it has: Fetch, Fetched, Done, Failed\nnote: did you mean `Failed`?",
            "Tests/S.yaml:4:11: error: the flow Retrying declares no secret `TOKN`\nnote: did you mean `TOKEN`?",
        ])
    }
}

/// Scenario files that cannot be read: exact diagnostics, nothing run.
struct ScenarioDecoderTests {
    func diagnostics(_ yaml: String) -> [String] {
        ScenarioDecoder.decode(Array(yaml.utf8), file: "S.yaml").diagnostics.map { DiagnosticFormat.text.render([$0]) }
    }

    @Test func unknownAndMissingKeys() {
        #expect(diagnostics("""
            Scenario: s
            Flow: F
            Respones: {}
            Expect: {ResultCod: X, Requests: {A: {Url: u}}}
            """) == [
            "S.yaml:3:1: error: unknown key `Respones` for a scenario [unknown-key]\nnote: did you mean `Responses`?\n",
            "S.yaml:4:10: error: unknown key `ResultCod` for `Expect` [unknown-key]\nnote: did you mean `ResultCode`?\n",
            "S.yaml:4:39: error: unknown key `Url` for an expected request [unknown-key]\nnote: did you mean `URL`?\n",
        ])
        #expect(diagnostics("Scenario: s\n") == [
            "S.yaml:1:1: error: a scenario is missing the required key `Flow` (the Flow name of the flow to run) [missing-key]\n",
            "S.yaml:1:1: error: a scenario is missing the required key `Expect` (what must come of the call) [missing-key]\n",
        ])
    }

    @Test func badResponses() {
        #expect(diagnostics("""
            Scenario: s
            Flow: F
            Responses:
              A: {Status: 700}
              B: {Fail: timeot}
              C: {Delay: soon}
              D: []
              E: text
            Expect: {}
            """) == [
            "S.yaml:4:15: error: `Status` is an HTTP status code from 100 to 599 [invalid-value]\n",
            "S.yaml:5:13: error: `Fail` is one of connection, closed, timeout [invalid-value]\nnote: did you mean `timeout`?\n",
            "S.yaml:6:14: error: `Delay` is a number of seconds, such as 0.5 [invalid-value]\n",
            "S.yaml:7:6: error: `D` needs at least one response [invalid-value]\n",
            "S.yaml:8:6: error: a mocked response is a mapping such as `{Status: 200, Body: {Value: gold}}`; found text [invalid-value]\n",
        ])
    }

    @Test func badInputNeverCrashes() {
        #expect(diagnostics("") == ["S.yaml:1:1: error: the file is empty; a scenario is a mapping with `Scenario`, `Flow` and `Expect` [missing-key]\n"])
        #expect(diagnostics("- a\n") == ["S.yaml:1:1: error: a scenario is a mapping with `Scenario`, `Flow` and `Expect`; found a list [invalid-value]\n"])
        #expect(diagnostics("Scenario: [\n").first?.contains("[yaml-syntax]") == true)
        #expect(ScenarioDecoder.decode([0xFF, 0xFE, 0x00], file: "S.yaml").rejected == 1)
    }

    @Test func bodiesAreJSONUnlessGivenAsText() throws {
        let decoded = ScenarioDecoder.decode(Array("""
            Scenario: s
            Flow: F
            Responses:
              A: {Body: {n: 1, f: 1.5, t: true, z: ~, s: "1", l: [a, 01]}}
              B: {Body: plain text}
              C: {Body: '{"quoted": "json"}'}
            Expect: {}
            """.utf8), file: "S.yaml")
        let answers = try #require(decoded.scenarios.first).responses.map { ($0.answers[0].body, $0.answers[0].bodyIsJSON) }
        #expect(answers.map(\.0) == [#"{"n":1,"f":1.5,"t":true,"z":null,"s":"1","l":["a","01"]}"#, "plain text", #"{"quoted": "json"}"#])
        #expect(answers.map(\.1) == [true, false, false])
    }
}
