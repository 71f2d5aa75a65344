import Foundation
import Testing
@testable import CallFlowRuntime

/// Requests as generated code makes them, against a real HTTP server on 127.0.0.1.
@Suite(.serialized) struct CallRequestTests {
    let server: TestServer
    let events = EventLog()
    let folder = TemporaryFolder()
    let store: any StateStore

    init() async throws {
        server = try await TestServer.start(script: TestServer.echoScript)
        store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
    }

    func call(secrets: [String: String] = ["TOKEN": "s3cr et/+"]) -> Call {
        let events = events
        return Call(flow: "Test", variables: CallVariables(), contact: ContactVariables(), secrets: secrets, caller: ScriptedDigits([]),
                    http: HTTPClient(), store: store, mailer: AlertMailer(serverURL: nil), observer: { events.append($0.json) })
    }

    func echo(_ outcome: Call.Outcome<JSONValue>) -> JSONValue { outcome.value ?? .null }

    @Test func valuesAreEncodedForWhereTheyStand() async throws {
        var plan = RequestPlan(method: .post, url: [.text(server.base + "/echo?fixed=1&path="), .value("a b/c")])
        plan.query = [(name: "q", value: [.value("x&y=z")]), (name: "key", value: [.secret("TOKEN")])]
        plan.headers = [(name: "X-Value", value: [.text("v: "), .value("a, b")]), (name: "Authorization", value: [.text("Bearer "), .secret("TOKEN")])]
        plan.body = .json([
            (path: ["customer", "firstname"], value: [.value("Ann")], format: .auto),
            (path: ["customer", "age"], value: [.value("42")], format: .auto),
            (path: ["customer", "vip"], value: [.value("yes")], format: .boolean),
            (path: ["id"], value: [.value("007")], format: .string),
            (path: ["tags"], value: [.json(.array([.string("a")]))], format: .auto),
        ])
        let outcome = await call().request("Echo", plan, decode: { $0 })
        #expect(outcome.succeeded && outcome.status == 200)
        let echo = echo(outcome)
        #expect(echo["method"] == .string("POST"))
        #expect(echo["rawQuery"] == .string("fixed=1&path=a%20b%2Fc&q=x%26y%3Dz&key=s3cr+et%2F%2B"))
        #expect(echo["headers"]?["x-value"] == .string("v: a, b"))
        #expect(echo["headers"]?["authorization"] == .string("Bearer s3cr et/+"))
        #expect(echo["headers"]?["content-type"] == .string("application/json"))
        #expect(echo["body"] == .string(#"{"customer":{"firstname":"Ann","age":42,"vip":true},"id":"007","tags":["a"]}"#))
        // The secret is in the URL as sent, and nowhere in what is reported.
        let log = events.lines.joined(separator: "\n")
        #expect(log.contains("key=***"))
        #expect(!log.contains("s3cr"))
    }

    @Test func formAndRawBodies() async {
        var plan = RequestPlan(method: .put, url: [.text(server.base + "/echo")])
        plan.body = .form([(name: "name", value: [.value("A B")]), (name: "city", value: [.value("x&y")])])
        #expect(echo(await call().request("Form", plan, decode: { $0 }))["body"] == .string("name=A+B&city=x%26y"))
        plan.body = .raw([.text("id="), .value("7")])
        plan.contentType = [.text("text/plain")]
        let raw = echo(await call().request("Raw", plan, decode: { $0 }))
        #expect(raw["body"] == .string("id=7"))
        #expect(raw["headers"]?["content-type"] == .string("text/plain"))
    }

    @Test func aHeaderWithALineBreakIsRefusedAndNothingIsSent() async {
        var plan = RequestPlan(method: .get, url: [.text(server.base + "/sequence/crlf?codes=200")])
        plan.headers = [(name: "X-Injected", value: [.value("a\r\nX-Evil: 1")])]
        let outcome = await call().request("Inject", plan)
        #expect(outcome.error == "Header X-Injected would contain a line break; nothing was sent")
        #expect(outcome.status == 0)
        // The next request to the same sequence is its first.
        let next = await call().request("Next", RequestPlan(method: .get, url: [.text(server.base + "/sequence/crlf?codes=200")]), decode: { $0 })
        #expect(next.value?["attempt"] == .number(1))
    }

    @Test func failuresAreDataWithTheirErrors() async {
        let c = call()
        #expect(await c.request("S", RequestPlan(method: .get, url: [.text(server.base + "/status/404")])).error == "HTTP status 404")
        #expect(await c.request("T", RequestPlan(method: .get, url: [.text(server.base + "/text")]), decode: { $0 }).error == "Response is not JSON")
        let shape = await c.request("J", RequestPlan(method: .get, url: [.text(server.base + "/json?body=%7B%22Value%22%3A1%7D")]),
                                    decode: { json throws(ResponseShapeError) in try ResponseDecoding.string(ResponseDecoding.object(json, at: "")["Value"], at: "Value") })
        #expect(shape.error == "Response structure changed: `Value` is a number, expected text")
        #expect(shape.status == 200)
        let refused = await c.request("R", RequestPlan(method: .get, url: [.text("http://127.0.0.1:1/x")]))
        #expect(refused.status == 0)
        #expect(refused.error?.hasPrefix("Could not connect (Failed to connect to 127.0.0.1 port 1") == true)
        let missing = await call(secrets: [:]).request("M", RequestPlan(method: .get, url: [.text(server.base + "/echo?k="), .secret("TOKEN")]))
        #expect(missing.error == "Missing secret TOKEN: set the environment variable FLOW_SECRET_TOKEN")
        let insecure = await c.request("I", RequestPlan(method: .get, url: [.text("http://"), .value("example.com"), .text("/x")]))
        #expect(insecure.error?.hasPrefix("Refused: only https:// URLs") == true)
    }

    @Test func retriesFollowFailuresThatMayPass() async {
        var plan = RequestPlan(method: .get, url: [.text(server.base + "/sequence/retry?codes=500,503,200")], retries: 2)
        let outcome = await call().request("Retry", plan, decode: { $0 })
        #expect(outcome.succeeded && outcome.value?["attempt"] == .number(3))
        #expect(events.lines.last?.contains(#""attempts":3"#) == true)
        plan = RequestPlan(method: .get, url: [.text(server.base + "/sequence/no-retry?codes=404,200")], retries: 2)
        #expect(await call().request("NoRetry", plan).error == "HTTP status 404")
    }

    @Test func theTimeoutIsABudgetForTheWholeRequest() async {
        let clock = ContinuousClock()
        let started = clock.now
        let plan = RequestPlan(method: .get, url: [.text(server.base + "/slow?ms=3000")], timeout: 1, retries: 3)
        let outcome = await call().request("Slow", plan)
        #expect(outcome.status == 0)
        #expect(outcome.error?.contains("Timeout") == true || outcome.error?.contains("Timed out") == true)
        #expect(clock.now - started < .seconds(2))
    }

    @Test func successStatusDecidesSuccess() async {
        let plan = RequestPlan(method: .get, url: [.text(server.base + "/status/404")], successStatus: [404])
        #expect(await call().request("Missing", plan).succeeded)
    }

    @Test(arguments: [RequestPlan.Method.get, .post, .put, .patch, .delete, .head])
    func everyMethod(_ method: RequestPlan.Method) async {
        let plan = RequestPlan(method: method, url: [.text(server.base + "/echo")])
        if method == .head {
            // No body comes back from HEAD; the status is the answer.
            let outcome = await call().request("Method", plan)
            #expect(outcome.status == 200 && outcome.succeeded)
        } else {
            let outcome = await call().request("Method", plan, decode: { $0 })
            #expect(outcome.status == 200 && outcome.value?["method"] == .string(method.rawValue))
        }
    }

    /// One client reuses its handles: nothing of a request (method, body, header) may leak into
    /// the next. The calls run on the client's own thread, as a busy process runs them.
    @Test func consecutiveRequestsOnOneClientShareNothingButTheConnection() async {
        let http = HTTPClient()
        let events = events
        let store = store
        let base = server.base
        await withTaskExecutorPreference(http.executor) {
            func call() -> Call {
                Call(flow: "Test", variables: CallVariables(), contact: ContactVariables(), secrets: [:], caller: ScriptedDigits([]),
                     http: http, store: store, mailer: AlertMailer(serverURL: nil), observer: { events.append($0.json) })
            }
            var post = RequestPlan(method: .post, url: [.text(base + "/echo")])
            post.body = .raw([.text("first")])
            post.headers = [(name: "X-Only-Once", value: [.text("1")])]
            let sequence: [(RequestPlan, method: String, body: String)] = [
                (post, "POST", "first"),
                (RequestPlan(method: .get, url: [.text(base + "/echo")]), "GET", ""),
                (RequestPlan(method: .delete, url: [.text(base + "/echo")]), "DELETE", ""),
                (post, "POST", "first"),
                (RequestPlan(method: .patch, url: [.text(base + "/echo")]), "PATCH", ""),
            ]
            for (plan, method, body) in sequence {
                let echo = echo(await call().request("Reuse", plan, decode: { $0 }))
                #expect(echo["method"] == .string(method))
                #expect(echo["body"] == .string(body))
                #expect((echo["headers"]?["x-only-once"] != nil) == (method == "POST" && body == "first"))
            }
            let head = await call().request("Reuse", RequestPlan(method: .head, url: [.text(base + "/echo")]))
            #expect(head.status == 200)
            let after = echo(await call().request("Reuse", RequestPlan(method: .get, url: [.text(base + "/echo")]), decode: { $0 }))
            #expect(after["method"] == .string("GET"))

            // Many at once, on the one thread.
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { await call().request("Many", RequestPlan(method: .get, url: [.text(base + "/echo")])).status } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 40))
        }
    }
}
