import Foundation
import Testing
@testable import CallFlowRuntime
import FaultFlows

/// `AlertEmail` through libcurl's SMTP to a real SMTP server on 127.0.0.1.
@Suite struct AlertMailTests {
    let api: TestServer
    let folder = TemporaryFolder()
    var mailbox: String { folder.path + "/mails.jsonl" }
    let smtp: TestServer
    let store: any StateStore

    init() async throws {
        api = try await TestServer.start(script: TestServer.echoScript)
        smtp = try await TestServer.start(script: TestServer.smtpScript, arguments: [folder.path + "/mails.jsonl"])
        store = try SQLiteStateStore(path: folder.path + "/state.sqlite")
    }

    struct Mail: Decodable {
        var from: String
        var to: [String]
        var data: String
    }

    var mails: [Mail] {
        guard let text = try? String(contentsOfFile: mailbox, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Mail.self, from: Data($0.utf8)) }
    }

    func failingCall(mailer: AlertMailer) async -> CallHarness.Run {
        let harness = CallHarness(store: store, mailer: mailer)
        let faults = GeneratedFlows.all.first { $0.name == "Faults" }!
        return await harness.run(faults, variables: ["referenceid": "shape"], secrets: ["TOKEN": "hush-hush", "PORT": String(api.port)])
    }

    @Test func aFailureIsMailedOnceAnHour() async throws {
        let mailer = AlertMailer(serverURL: "smtp://127.0.0.1:\(smtp.port)", from: "ivr@example.com")
        let first = await failingCall(mailer: mailer)
        #expect(first.events.contains(.alert(element: "Fetch", to: ["ops@example.com"], error: nil)))
        #expect(first.resultCode == "FAILED")
        let second = await failingCall(mailer: mailer)
        #expect(second.events.contains(.alert(element: "Fetch", to: ["ops@example.com"],
                                              error: "not sent: one alert an element an hour, and one was sent within the last hour")))
        #expect(second.resultCode == "FAILED")

        let mails = mails
        try #require(mails.count == 1)
        #expect(mails[0].from == "<ivr@example.com>" && mails[0].to == ["<ops@example.com>"])
        #expect(mails[0].data.contains("Subject: CallFlow alert: Faults.Fetch failed: Response structure changed: `Value` is a number, expected text"))
        #expect(mails[0].data.contains("Status: 200"))
        let log = try await store.requestLog(flow: "Faults", element: "Fetch")
        #expect(log.map(\.alert) == ["not sent: one alert an element an hour, and one was sent within the last hour",
                                     "mailed to ops@example.com"])
    }

    @Test func aMailThatCannotBeSentNeverBreaksTheCall() async throws {
        let unreachable = await failingCall(mailer: AlertMailer(serverURL: "smtp://127.0.0.1:1"))
        #expect(unreachable.entered == ["Fetch", "Failed"] && unreachable.resultCode == "FAILED")
        let alert = unreachable.events.first { if case .alert = $0 { true } else { false } }
        guard case .alert(_, _, let error)? = alert else { Issue.record("no alert event"); return }
        #expect(error?.hasPrefix("not sent: ") == true)
        let unset = await failingCall(mailer: AlertMailer(serverURL: nil))
        #expect(unset.events.contains(.alert(element: "Fetch", to: ["ops@example.com"], error: "not sent: FLOW_SMTP_URL is not set")))
        // Neither took the hour's alert: the next failure is mailed.
        let mailed = await failingCall(mailer: AlertMailer(serverURL: "smtp://127.0.0.1:\(smtp.port)"))
        #expect(mailed.events.contains(.alert(element: "Fetch", to: ["ops@example.com"], error: nil)))
        #expect(mails.count == 1)
    }

    /// An SMTP server that accepts and never answers costs the caller no dead air: the call
    /// ends first, the alert reports its outcome when it is known, and the hour is not used up.
    @Test func aMailServerThatNeverAnswersDoesNotHoldTheCall() async throws {
        let silent = try await TestServer.start(script: TestServer.smtpScript, arguments: [folder.path + "/never.jsonl", "--hang"])
        var mailer = AlertMailer(serverURL: "smtp://127.0.0.1:\(silent.port)")
        mailer.timeoutMilliseconds = 3_000
        let run = await failingCall(mailer: mailer)
        #expect(run.resultCode == "FAILED")
        let end = run.events.firstIndex(of: .end(resultCode: "FAILED"))
        let alert = run.events.firstIndex { if case .alert = $0 { true } else { false } }
        #expect(end != nil && alert != nil && end! < alert!, "\(run.events)")
        guard let alert, case .alert(_, _, let error) = run.events[alert] else { return }
        #expect(error?.hasPrefix("not sent: ") == true)
        // The unsent mail gave the hour back: the next failure is mailed.
        let mailed = await failingCall(mailer: AlertMailer(serverURL: "smtp://127.0.0.1:\(smtp.port)"))
        #expect(mailed.events.contains(.alert(element: "Fetch", to: ["ops@example.com"], error: nil)))
    }

    @Test func messageHeadersCannotBeInjected() {
        let message = String(decoding: AlertMailer.message(from: "a@b", to: ["c@d"], subject: "x\r\nBcc: e@f", body: "line\nnext", date: 0), as: UTF8.self)
        #expect(message == "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\nFrom: CallFlow <a@b>\r\nTo: c@d\r\nSubject: x Bcc: e@f\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nline\r\nnext\r\n")
    }
}
