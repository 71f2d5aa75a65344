import Foundation
import Synchronization
import Testing
@testable import CallFlowRuntime

/// A temporary folder, removed with everything in it when released.
final class TemporaryFolder: Sendable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("callflow-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Collects a call's events as values.
final class CallEvents: Sendable {
    private let list = Mutex<[CallEvent]>([])

    func append(_ event: CallEvent) { list.withLock { $0.append(event) } }
    var all: [CallEvent] { list.withLock { $0 } }

    /// Every request event, in order.
    var requests: [CallEvent.RequestRecord] {
        all.compactMap { if case .request(let record) = $0 { record } else { nil } }
    }

    /// The elements entered, in order.
    var entered: [String] {
        all.compactMap { if case .enter(let element, _) = $0 { element } else { nil } }
    }
}

/// Runs whole calls of compiled flows the way `flows run` does, with a store and a mailer the
/// test chooses.
struct CallHarness {
    var store: any StateStore
    var http = HTTPClient()
    var mailer = AlertMailer(serverURL: nil)
    var alerts = AlertOutbox()

    struct Run {
        var resultCode: String
        var events: [CallEvent]
        var request: CallEvent.RequestRecord?
        var entered: [String]
    }

    func run(_ flow: CompiledFlow, variables: [String: String] = [:], secrets: [String: String] = [:]) async -> Run {
        var callVariables = CallVariables()
        for (key, value) in variables { _ = callVariables.set(key, value) }
        let events = CallEvents()
        let call = Call(flow: flow.name, variables: callVariables, contact: ContactVariables(), secrets: secrets,
                        caller: ScriptedDigits([]), http: http, store: store, mailer: mailer, alerts: alerts,
                        observer: { events.append($0) })
        let resultCode = await flow.run(on: call)
        await call.end(resultCode)
        // As `flows run` does: the alert mails go on after the end.
        #expect(await alerts.drain(within: .seconds(30)))
        return Run(resultCode: resultCode, events: events.all, request: events.requests.last, entered: events.entered)
    }
}

/// Runs blocking work (a child process, a pipe read) on a dispatch thread, so that it never holds
/// one of the few threads of Swift's cooperative pool that every test's async code shares.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
