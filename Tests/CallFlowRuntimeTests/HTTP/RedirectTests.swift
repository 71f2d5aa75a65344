import Foundation
import Testing
@testable import CallFlowRuntime

/// Every hop of a redirect passes the URL rules, against real servers on 127.0.0.1 (two plain,
/// one TLS): nothing a server answers can make a request downgrade, leave loopback in clear
/// text, or carry a secret to another origin.
@Suite(.serialized) struct RedirectTests {
    let first: TestServer
    let second: TestServer
    let certificates: TestCertificates
    let secure: TestServer
    let events = EventLog()
    let folder = TemporaryFolder()
    let store: any StateStore

    init() async throws {
        first = try await TestServer.start(script: TestServer.echoScript)
        second = try await TestServer.start(script: TestServer.echoScript)
        certificates = try await offThePool { try TestCertificates() }
        secure = try await TestServer.start(script: TestServer.echoScript, arguments: ["--tls", certificates.certificate, certificates.key])
        store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
    }

    func call(http: HTTPClient? = nil) -> Call {
        let events = events
        return Call(flow: "Test", variables: CallVariables(), contact: ContactVariables(), secrets: ["TOKEN": "hush-token"],
                    caller: ScriptedDigits([]), http: http ?? HTTPClient(caBundle: certificates.authority), store: store,
                    mailer: AlertMailer(serverURL: nil), observer: { events.append($0.json) })
    }

    /// `/redirect` on `server` answering `status` with `Location: to`.
    func redirect(_ base: String, _ status: Int = 302, to: String) -> String {
        base + "/redirect?status=\(status)&to=" + Encoding.formEncoded(to)
    }

    /// What `server` was sent, in order.
    func seen(_ server: TestServer) async -> [JSONValue] {
        let outcome = await call().request("Seen", RequestPlan(method: .get, url: [.text(server.base + "/seen")]), decode: { $0 })
        guard case .array(let requests)? = outcome.value else { return [] }
        return requests
    }

    @Test func aHopFromHTTPSBackToHTTPIsRefusedAndTheSecretStaysHome() async {
        let back = first.base + "/echo"
        let viaTLS = redirect("https://127.0.0.1:\(secure.port)", to: back)
        var plan = RequestPlan(method: .get, url: [.text(redirect(first.base, to: viaTLS))])
        plan.headers = [(name: "Authorization", value: [.text("Bearer "), .secret("TOKEN")])]
        let outcome = await call().request("Downgrade", plan)
        #expect(outcome.error == "Refused a redirect from https:// to http://")
        #expect(outcome.status == 302)
        let targets = await seen(first).map { $0["target"] }
        #expect(!targets.contains(.string("/echo")))
        // The event names every hop that was made.
        let line = events.lines.first { $0.contains(#""element":"Downgrade""#) } ?? ""
        #expect(line.contains(#""redirects":["https://127.0.0.1:\#(secure.port)/redirect"#))
    }

    @Test func aLoopbackServiceCannotSendTheCallersDataToAnotherHostInClearText() async {
        var plan = RequestPlan(method: .post, url: [.text(redirect(first.base, 307, to: "http://other-host.example/collect"))])
        plan.body = .json([(path: ["card"], value: [.value("4111")], format: .string)])
        let outcome = await call().request("Leak", plan)
        #expect(outcome.error == "Refused a redirect to http:// on a host that is not loopback")
    }

    @Test func anotherOriginGetsNeitherSecretHeadersNorASecretBody() async {
        let target = second.base + "/echo"
        // A header holding a secret, and the standard credential headers, are dropped.
        var plan = RequestPlan(method: .post, url: [.text(redirect(first.base, 307, to: target))])
        plan.headers = [(name: "X-Api-Key", value: [.secret("TOKEN")]), (name: "Cookie", value: [.text("session=1")]),
                        (name: "X-Plain", value: [.text("kept")])]
        plan.body = .json([(path: ["name"], value: [.value("Ann")], format: .string)])
        let followed = await call().request("Cross", plan, decode: { $0 })
        #expect(followed.succeeded)
        let echo = followed.value ?? .null
        #expect(echo["method"] == .string("POST"))
        #expect(echo["body"] == .string(#"{"name":"Ann"}"#))
        #expect(echo["headers"]?["x-api-key"] == nil)
        #expect(echo["headers"]?["cookie"] == nil)
        #expect(echo["headers"]?["x-plain"] == .string("kept"))

        // A 307 would send the body again: refused when the body holds a secret.
        plan.body = .json([(path: ["token"], value: [.secret("TOKEN")], format: .string)])
        let refused = await call().request("CrossSecret", plan)
        #expect(refused.error == "Refused a redirect to another origin: it would send the body, which holds a secret, there")
        #expect(!(await seen(second)).contains { $0["body"]?.compactText.contains("hush") == true })

        // The same origin keeps everything.
        plan.url = [.text(redirect(first.base, 307, to: first.base + "/echo"))]
        let same = await call().request("Same", plan, decode: { $0 })
        #expect(same.value?["headers"]?["x-api-key"] == .string("hush-token"))
    }

    @Test func seeOtherAfterAPostGoesOnAsAGetWithoutTheBody() async {
        var plan = RequestPlan(method: .post, url: [.text(redirect(first.base, 303, to: "/echo"))])
        plan.body = .raw([.text("hello")])
        let outcome = await call().request("SeeOther", plan, decode: { $0 })
        #expect(outcome.value?["method"] == .string("GET"))
        #expect(outcome.value?["body"] == .string(""))
        #expect(outcome.value?["headers"]?["content-type"] == nil)
    }

    @Test func atMostThreeHops() async {
        var url = first.base + "/ok"
        for _ in 0..<4 { url = redirect(first.base, to: url) }
        let outcome = await call().request("Loop", RequestPlan(method: .get, url: [.text(url)]))
        #expect(outcome.error == "More than 3 redirects")
        #expect(outcome.status == 302)
        var three = first.base + "/ok"
        for _ in 0..<3 { three = redirect(first.base, to: three) }
        #expect(await call().request("Three", RequestPlan(method: .get, url: [.text(three)])).succeeded)
    }

    /// From a host that is not loopback, no hop may reach loopback or a private network, by
    /// address literal or by a name that resolves to one.
    @Test func aPublicHostCannotRedirectIntoThePrivateNetwork() async {
        let request = PreparedRequest(method: .get, url: "https://api.example.com/x", headers: [], body: nil)
        for target in ["https://10.0.0.5/admin", "https://127.0.0.1:8080/", "https://[::1]/", "https://192.168.1.1/",
                       "https://169.254.169.254/latest/meta-data", "https://[fd00::1]/", "https://172.16.0.1/", "http://localhost/"] {
            guard case .refuse(let message) = Redirects.next(after: request, status: 302, location: target) else {
                Issue.record("followed \(target)")
                continue
            }
            #expect(message.hasPrefix("Refused a redirect"), "\(target)")
        }
        guard case .follow(let next) = Redirects.next(after: request, status: 302, location: "https://cdn.example.net/y") else {
            Issue.record("a public hop was refused")
            return
        }
        #expect(next.refusesPrivateAddresses)

        // An internal service may redirect within the private network, but not to loopback;
        // where a response came from is its address when known.
        let inside = PreparedRequest(method: .get, url: "https://10.0.0.5/a", headers: [], body: nil)
        guard case .follow = Redirects.next(after: inside, status: 301, location: "/a/") else { Issue.record("refused a same-origin hop"); return }
        guard case .refuse = Redirects.next(after: inside, status: 302, location: "https://127.0.0.1/") else { Issue.record("internal to loopback"); return }
        let named = PreparedRequest(method: .get, url: "https://crm.internal/a", headers: [], body: nil)
        guard case .follow = Redirects.next(after: named, status: 302, location: "https://10.1.1.1/b", sourceAddress: "10.0.0.7") else {
            Issue.record("refused an internal hop from a name that resolved to a private address")
            return
        }
        guard case .refuse = Redirects.next(after: named, status: 302, location: "https://10.1.1.1/b", sourceAddress: "93.184.216.34") else {
            Issue.record("followed a public address into the private network")
            return
        }
        // IPv4 carried in IPv6, and the special IPv4 ranges.
        for host in ["[64:ff9b::a00:1]", "[::a00:1]", "[2002:a00:1::]", "[fec0::1]", "198.18.0.1", "192.0.0.8", "[::ffff:192.168.0.1]"] {
            #expect(URLParts("https://\(host)/")?.isPrivateAddress == true, "\(host)")
        }
        #expect(URLParts("https://[2002:5db8:d822::]/")?.isPrivateAddress == false)

        // A host name is checked by the address it resolves to, when the connection opens.
        let guarded = PreparedRequest(method: .get, url: "http://localhost:\(first.port)/echo", headers: [], body: nil,
                                      refusesPrivateAddresses: true)
        let before = await seen(first).count
        let result = await HTTPClient().send(guarded, timeoutMilliseconds: 3000)
        guard case .failure(let failure) = result else {
            Issue.record("connected to a private address")
            return
        }
        #expect(failure.message == "Refused a redirect from a public host to a private address")
        #expect(await seen(first).count == before)
    }

    /// libcurl's proxy variables are ignored; `FLOW_HTTP_PROXY` (the `proxy` of the client) is
    /// the one way to use a proxy.
    @Test func onlyTheNamedProxyIsUsed() async {
        let proxy = second.base
        // The client reads no proxy from the environment it was made in.
        setenv("http_proxy", proxy, 1)
        setenv("ALL_PROXY", proxy, 1)
        let direct = await call(http: HTTPClient()).request("Direct", RequestPlan(method: .get, url: [.text(first.base + "/echo")]))
        unsetenv("http_proxy")
        unsetenv("ALL_PROXY")
        #expect(direct.succeeded)
        #expect(await seen(second).isEmpty)

        let viaProxy = await call(http: HTTPClient(proxy: proxy)).request("Proxied", RequestPlan(method: .get, url: [.text(first.base + "/echo")]))
        #expect(viaProxy.succeeded)
        #expect(await seen(second).first?["target"] == .string(first.base + "/echo"))
    }

    @Test func aPathSegmentFromAFillpointCannotBeEmptyOrClimb() async {
        let before = await seen(first).count
        for value in ["..", ".", ""] {
            let plan = RequestPlan(method: .get, url: [.text(first.base + "/leads/"), .fillpoint(value, source: "call.leadid"), .text("/fields/158")])
            let outcome = await call().request("Dots", plan)
            let shown = value.isEmpty ? "empty" : "`\(value)`"
            #expect(outcome.error == "The URL path segment of <<call.leadid>> would be \(shown); nothing was sent")
        }
        #expect(await seen(first).count == before)
        // A server that decodes %2F would see two steps in `../admin`.
        for value in ["../admin", "a/./b", "..\\x"] {
            let plan = RequestPlan(method: .get, url: [.text(first.base + "/leads/"), .fillpoint(value, source: "call.leadid")])
            #expect(await call().request("Steps", plan).error == "The URL path segment of <<call.leadid>> would hold a `.` or `..` step (`\(value)`); nothing was sent")
        }
        // Dots inside a value are data: percent-encoding keeps them in one segment.
        let fine = RequestPlan(method: .get, url: [.text(first.base + "/echo/"), .fillpoint("a..b", source: "call.leadid")])
        #expect(await call().request("Fine", fine).status == 404)
        // What is reported is what was sent: libcurl sends the path as it is.
        let constant = RequestPlan(method: .get, url: [.text(first.base + "/a/../echo")])
        _ = await call().request("Constant", constant)
        #expect(await seen(first).last?["target"] == .string("/a/../echo"))
    }

    /// A whole URL from an API result is used as it is; a value in the host or port cannot add
    /// a `@` or a `/` that would name another server.
    @Test func valuesInTheSchemeAndHost() async {
        let whole = RequestPlan(method: .get, url: [.fillpoint(first.base + "/echo?from=api", source: "Lookup.Result.next")])
        #expect(await call().request("Whole", whole, decode: { $0 }).value?["rawQuery"] == .string("from=api"))

        let before = await seen(first).count
        let smuggled = RequestPlan(method: .get, url: [.text("http://"), .fillpoint("api.example.com@127.0.0.1:\(first.port)", source: "Lookup.Result.host"), .text("/echo")])
        let outcome = await call().request("Smuggled", smuggled)
        #expect(!outcome.succeeded)
        #expect(events.lines.contains { $0.contains("api.example.com%40127.0.0.1") })
        #expect(await seen(first).count == before)
    }

    @Test func queryConstantsAreEncodedLikeValues() async {
        var plan = RequestPlan(method: .get, url: [.text(first.base + "/echo")])
        plan.query = [(name: "q", value: [.text("a&admin=1")]), (name: "t", value: [.text("é")]), (name: "s", value: [.text("a b")])]
        let outcome = await call().request("Query", plan, decode: { $0 })
        #expect(outcome.value?["rawQuery"] == .string("q=a%26admin%3D1&t=%C3%A9&s=a+b"))
    }

    @Test func aRawBodyIsPlainTextAndANumberThatIsNotOneIsRefused() async {
        var plan = RequestPlan(method: .post, url: [.text(first.base + "/echo")])
        plan.body = .raw([.text("hello")])
        #expect(await call().request("Raw", plan, decode: { $0 }).value?["headers"]?["content-type"] == .string("text/plain; charset=utf-8"))
        plan.body = .json([(path: ["age"], value: [.value("Ann")], format: .number)])
        let before = await seen(first).count
        #expect(await call().request("Number", plan).error == "Body field `age` is sent as a number, but `Ann` is not one (an integer or a decimal with a dot); nothing was sent")
        #expect(await seen(first).count == before)
        plan.body = .json([(path: ["id"], value: [.value("12345678901234567")], format: .auto)])
        #expect(await call().request("Digits", plan, decode: { $0 }).value?["body"] == .string(#"{"id":12345678901234567}"#))
    }

    @Test func oversizedHeadersAreNamedAndNotRetried() async {
        for path in ["/headers?bytes=200000", "/longheader?bytes=200000"] {
            let plan = RequestPlan(method: .get, url: [.text(first.base + path)], retries: 2)
            let outcome = await call().request("Headers", plan)
            #expect(outcome.error == "Response headers larger than 65536 bytes", "\(path)")
        }
        let attempts = events.lines.filter { $0.contains(#""element":"Headers""#) }
        #expect(attempts.allSatisfy { $0.contains(#""attempts":1"#) })
    }

    @Test func aBodyOverTheCapKeepsItsStatus() async {
        let plan = RequestPlan(method: .get, url: [.text(first.base + "/big")])
        let small = Call(flow: "Test", variables: CallVariables(), contact: ContactVariables(), secrets: [:], caller: ScriptedDigits([]),
                         http: HTTPClient(maximumResponseBytes: 1000), store: store, mailer: AlertMailer(serverURL: nil), observer: { _ in })
        let outcome = await small.request("Big", plan)
        #expect(outcome.error == "Response larger than 1000 bytes")
        #expect(outcome.status == 200)
    }

    @Test func theErrorsOfEveryAttemptAreJoinedInOrder() async {
        let plan = RequestPlan(method: .get, url: [.text(first.base + "/sequence/joined?codes=500,503,502")], retries: 2)
        #expect(await call().request("Joined", plan).error == "HTTP status 500; then HTTP status 503; then HTTP status 502")
    }

    @Test func duplicateKeysInAResponseTakeTheLastValue() async {
        let plan = RequestPlan(method: .get, url: [.text(first.base + "/duplicate")])
        let outcome = await call().request("Duplicate", plan, decode: { json throws(ResponseShapeError) in
            try ResponseDecoding.string(ResponseDecoding.object(json, at: "")["Value"], at: "Value")
        })
        #expect(outcome.value == "two")
    }
}
