import Foundation
import Testing
@testable import CallFlowRuntime
import FaultFlows

/// The fault matrix: whole calls of compiled flows (Flows/Faults.yaml and its kin) against real
/// servers on 127.0.0.1 that misbehave on purpose. Each fault ends in the element's failure exit
/// with the expected error, and the call ends cleanly.
@Suite struct FaultTests {
    static let secret = "s3cr et/+"
    static let faults = GeneratedFlows.all.first { $0.name == "Faults" }!
    static let secureFaults = GeneratedFlows.all.first { $0.name == "SecureFaults" }!
    static let limited = GeneratedFlows.all.first { $0.name == "Limited" }!
    static let retrying = GeneratedFlows.all.first { $0.name == "Retrying" }!

    let server: TestServer
    let folder = TemporaryFolder()
    let harness: CallHarness

    init() async throws {
        server = try await TestServer.start(script: TestServer.echoScript)
        harness = CallHarness(store: try SQLiteStateStore(path: folder.path + "/state.sqlite"))
    }

    func fault(_ name: String, in flow: CompiledFlow = FaultTests.faults, port: Int? = nil,
               secrets: [String: String] = ["TOKEN": FaultTests.secret]) async -> CallHarness.Run {
        await harness.run(flow, variables: ["referenceid": name], secrets: secrets.merging(["PORT": String(port ?? server.port)]) { $1 })
    }

    /// The failure exit was taken, the call ended with its result code, and the error is as given.
    func expectFailure(_ run: CallHarness.Run, status: Int = 0, attempts: Int? = nil, _ error: (String) -> Bool,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.entered == ["Fetch", "Failed"], sourceLocation: sourceLocation)
        #expect(run.resultCode == "FAILED", sourceLocation: sourceLocation)
        // The alert of the failure may be settled after the end: it goes out beside the call.
        #expect(run.events.last { if case .alert = $0 { false } else { true } } == .end(resultCode: "FAILED"), sourceLocation: sourceLocation)
        #expect(run.request?.status == status, sourceLocation: sourceLocation)
        let message = run.request?.error ?? "(no error)"
        if let attempts { #expect(run.request?.attempts == attempts, "error was: \(message)", sourceLocation: sourceLocation) }
        #expect(error(message), "error was: \(message)", sourceLocation: sourceLocation)
        #expect(run.events.contains(.say(element: "Failed", text: "Failed with status \(status)")), sourceLocation: sourceLocation)
    }

    @Test func connectionRefusedIsRetriedThenFails() async {
        // Nothing listens on port 1 (only root could).
        // Every attempt fails at once; the budget is long so that a busy machine cannot use it up.
        expectFailure(await fault("ok", in: Self.retrying, port: 1), attempts: 3) { $0.hasPrefix("Could not connect") }
    }

    @Test func serverClosingMidResponse() async {
        expectFailure(await fault("close", in: Self.retrying), attempts: 3) {
            $0.hasPrefix("The server closed the connection before the response was complete")
        }
    }

    @Test func aServerThatDoesNotAnswerTimesOutWithinTheBudget() async {
        let started = ContinuousClock.now
        expectFailure(await fault("hang")) { $0.hasPrefix("Timed out") }
        // Timeout: 4 covers every attempt; the server would take 30 s.
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test func aSlowTricklePastTheBudget() async {
        let started = ContinuousClock.now
        expectFailure(await fault("trickle")) { $0.hasPrefix("Timed out") }
        #expect(ContinuousClock.now - started < .seconds(15))
    }

    @Test func aBodyOverOneMebibyte() async {
        // The 200 came: the status says so, though the body was cut off.
        expectFailure(await fault("big"), status: 200, attempts: 1) { $0 == "Response larger than 1048576 bytes" }
    }

    @Test func aResponseThatIsNotJSON() async {
        expectFailure(await fault("text"), status: 200) { $0 == "Response is not JSON" }
    }

    @Test func aChangedShape() async {
        expectFailure(await fault("shape"), status: 200) { $0 == "Response structure changed: `Value` is a number, expected text" }
    }

    @Test func aMissingSecretSendsNothing() async {
        expectFailure(await fault("ok", secrets: [:]), attempts: 0) { $0 == "Missing secret TOKEN: set the environment variable FLOW_SECRET_TOKEN" }
    }

    @Test func fiveHundredThenTwoHundredWithRetries() async {
        let run = await fault("flaky", in: Self.retrying)
        #expect(run.entered == ["Fetch", "Fetched", "Done"])
        #expect(run.request?.status == 200 && run.request?.attempts == 2 && run.request?.error == nil)
        #expect(run.events.contains(.say(element: "Fetched", text: "Got fine")))
    }

    @Test func tooManyRequestsHonoursRetryAfter() async {
        let run = await fault("busy", in: Self.retrying)
        #expect(run.entered == ["Fetch", "Fetched", "Done"])
        #expect(run.request?.attempts == 2)
        // The server asked for a second's pause before the retry.
        #expect((run.request?.milliseconds ?? 0) >= 1000)
    }

    @Test func aRetryAfterPastTheBudgetFailsAtOnce() async {
        let started = ContinuousClock.now
        expectFailure(await fault("busy-long", in: Self.retrying), status: 429, attempts: 1) {
            $0 == "HTTP status 429; no time left for a retry within the 30 s timeout"
        }
        // The server asked for 60 s.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func theRateLimitIsKeptAcrossCalls() async {
        let secrets = ["PORT": String(server.port)]
        for _ in 1...2 {
            #expect(await harness.run(Self.limited, secrets: secrets).resultCode == "INBOUND")
        }
        let third = await harness.run(Self.limited, secrets: secrets)
        #expect(third.entered == ["Fetch", "Failed"])
        #expect(third.request?.error == "Rate Limit Exceeded" && third.request?.attempts == 0 && third.request?.status == 0)
        #expect(third.events.contains(.say(element: "Failed", text: "Failed: Rate Limit Exceeded")))
        #expect(third.resultCode == "FAILED")
    }

    @Test func tls() async throws {
        let certificates = try await offThePool { try TestCertificates() }
        let secure = try await TestServer.start(script: TestServer.echoScript, arguments: ["--tls", certificates.certificate, certificates.key])
        let variables = { (fault: String) in ["referenceid": fault] }
        let secrets = ["PORT": String(secure.port)]
        var trusting = harness
        trusting.http = HTTPClient(caBundle: certificates.authority)

        let fine = await trusting.run(Self.secureFaults, variables: variables("ok"), secrets: secrets)
        #expect(fine.entered == ["Fetch", "Fetched", "Done"])

        // The system's authorities do not know the test's: the certificate is invalid there.
        var strict = harness
        strict.http = HTTPClient(caBundle: nil)
        let untrusted = await strict.run(Self.secureFaults, variables: variables("ok"), secrets: secrets)
        #expect(untrusted.entered == ["Fetch", "Failed"] && untrusted.resultCode == "FAILED")
        #expect(untrusted.request?.error?.hasPrefix("TLS: the server's certificate could not be verified") == true)

        let redirected = await trusting.run(Self.secureFaults, variables: variables("redirect-\(server.port)"), secrets: secrets)
        #expect(redirected.entered == ["Fetch", "Failed"])
        #expect(redirected.request?.error == "Refused a redirect from https:// to http://")
    }

    /// Every event, log entry and error of a run of faults, searched for the secret in every
    /// form it could take.
    @Test func theSecretAppearsNowhere() async throws {
        var texts: [String] = []
        for name in ["ok", "echo", "text", "shape", "flaky", "big", "close"] {
            texts += await fault(name).events.map(\.json)
        }
        for entry in try await harness.store.requestLog(flow: "Faults", element: "Fetch") {
            texts += [entry.url, entry.requestBody ?? "", entry.responseBody ?? "", entry.error ?? "", entry.alert ?? ""]
            texts += (entry.requestHeaders + entry.responseHeaders).map { "\($0.name): \($0.value)" }
        }
        let all = texts.joined(separator: "\n")
        // The echo endpoint returned the Authorization header in its body: redacted there too.
        #expect(all.contains("Bearer ***"))
        for form in [Self.secret, Encoding.percentEncoded(Self.secret), Encoding.formEncoded(Self.secret), "s3cr"] {
            #expect(!all.contains(form), "found \(form)")
        }
    }

    @Test func fallbacksAndARequestNotWaitedFor() async throws {
        let fallbacks = GeneratedFlows.all.first { $0.name == "Fallbacks" }!
        let run = await harness.run(fallbacks, secrets: ["PORT": String(server.port)])
        #expect(run.entered == ["Notify", "Optional", "Said", "Required"])
        #expect(run.events.contains(.say(element: "Said", text: "Optional ended with 503: HTTP status 503")))
        #expect(run.resultCode == "API_DOWN" && run.events.last == .end(resultCode: "API_DOWN"))
        // The request the flow did not wait for still completed, was reported before the end, and logged.
        let notify = run.events.compactMap { if case .request(let record) = $0, record.element == "Notify" { record } else { nil } }
        #expect(notify.map(\.status) == [200])
        let logged = try await harness.store.requestLog(flow: "Fallbacks", element: "Notify")
        #expect(logged.map(\.requestBody) == [#"{"event":"call-started"}"#])
    }
}
