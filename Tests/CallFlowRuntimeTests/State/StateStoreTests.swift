import Foundation
import Synchronization
import Testing
@testable import CallFlowRuntime

/// The state both backends keep, the same tests run against each: request logs, rate-limit
/// windows and the alert throttle.
@Suite struct StateStoreTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, redis
        var testDescription: String { rawValue }
    }

    /// A fresh store of one backend: a database file in a folder of its own, or a Redis server
    /// of its own. `another()` opens a second connection to it, as another process would.
    final class Fixture: Sendable {
        let folder = TemporaryFolder()
        let redis: RedisServer?

        init(_ backend: Backend) async throws {
            redis = backend == .redis ? try await RedisServer() : nil
        }

        var path: String { folder.path + "/nested/state.sqlite" }

        func another() throws -> any StateStore {
            // The 200 ms bound of a call's decision is tested on its own; on two busy cores a
            // test's first script may take longer.
            if let redis { return RedisStateStore(redis.address, decisionTimeout: .seconds(5)) }
            return try SQLiteStateStore(path: path)
        }
    }

    func entry(_ number: Int, element: String = "GETAPI") -> RequestLogEntry {
        RequestLogEntry(flow: "Lead", element: element, started: Double(number), method: "GET", url: "https://x/\(number)",
                        requestHeaders: [HTTPHeader(name: "Authorization", value: "Basic ***")], requestBody: nil, status: 200,
                        responseHeaders: [HTTPHeader(name: "Content-Type", value: "application/json")], responseBody: "{\"n\":\(number)}",
                        attempts: 1, milliseconds: number, error: nil, alert: nil)
    }

    @Test(arguments: Backend.allCases) func theLastTwentyRequestsOfAnElementAreKept(_ backend: Backend) async throws {
        let fixture = try await Fixture(backend)
        let store = try fixture.another()
        for number in 1...23 { try await store.record(entry(number)) }
        try await store.record(entry(99, element: "Other"))
        let log = try await store.requestLog(flow: "Lead", element: "GETAPI")
        #expect(log.map(\.milliseconds) == Array((4...23).reversed()))
        #expect(log.first == entry(23))
        #expect(try await store.requestLog(flow: "Lead", element: "Other").count == 1)
        // A second connection, as another process would open, sees the same.
        #expect(try await fixture.another().requestLog(flow: "Lead", element: "GETAPI").count == 20)

        // What became of an entry's alert is recorded on that entry.
        try await store.setAlert("mailed to ops@example.com", flow: "Lead", element: "GETAPI", started: 22)
        let alerted = try await store.requestLog(flow: "Lead", element: "GETAPI")
        #expect(alerted.map(\.alert) == [nil, "mailed to ops@example.com"] + Array(repeating: nil, count: 18))
        #expect(alerted[1].requestHeaders == entry(22).requestHeaders && alerted[1].responseBody == entry(22).responseBody)
    }

    /// Calls queue their entries and go on; a read sees them at once, another process once
    /// they are flushed, and a failure to write reaches the caller's handler.
    @Test(arguments: Backend.allCases) func queuedEntriesAreWrittenInBatchesAndFailuresReported(_ backend: Backend) async throws {
        let fixture = try await Fixture(backend)
        let store = try fixture.another()
        let failures = Mutex<[String]>([])
        for number in 1...300 { store.log(entry(number)) { error in failures.withLock { $0.append(error.description) } } }
        let log = try await store.requestLog(flow: "Lead", element: "GETAPI")
        #expect(log.map(\.milliseconds) == Array((281...300).reversed()))

        store.log(entry(301)) { error in failures.withLock { $0.append(error.description) } }
        await store.flush()
        #expect(try await fixture.another().requestLog(flow: "Lead", element: "GETAPI").first?.milliseconds == 301)
        #expect(failures.withLock { $0 }.isEmpty)

        // Another process breaks the log: the next batch cannot be written and says so.
        if let redis = fixture.redis {
            try await redis.command("SET", "callflow:log:Lead.GETAPI", "not a list")
        } else {
            try SQLiteStateStore(path: fixture.path).execute("DROP TABLE request_log")
        }
        store.log(entry(302)) { error in failures.withLock { $0.append(error.description) } }
        await store.flush()
        #expect(failures.withLock { $0 }.count == 1)
        #expect(failures.withLock { $0 }.first?.contains(backend == .redis ? "WRONGTYPE" : "no such table: request_log") == true,
                "\(failures.withLock { $0 })")
    }

    @Test(arguments: Backend.allCases) func aRateLimitWindowSlides(_ backend: Backend) async throws {
        let fixture = try await Fixture(backend)
        let store = try fixture.another()
        let limit = RateLimit(count: 2, seconds: 60)
        #expect(try await store.admit("Lead.GETAPI", under: limit, at: 1000))
        #expect(try await store.admit("Lead.GETAPI", under: limit, at: 1010))
        #expect(try await !store.admit("Lead.GETAPI", under: limit, at: 1020))
        #expect(try await store.admit("Other.GETAPI", under: limit, at: 1020))
        // The first request leaves the window 60 s after it was made.
        #expect(try await !store.admit("Lead.GETAPI", under: limit, at: 1059.9))
        #expect(try await store.admit("Lead.GETAPI", under: limit, at: 1060.1))
        withExtendedLifetime(fixture) {}
    }

    @Test(arguments: Backend.allCases) func connectionsToOneStoreShareOneLimit(_ backend: Backend) async throws {
        // Eight connections, as eight processes would hold, asking at once: exactly the limit passes.
        let fixture = try await Fixture(backend)
        let stores = try (0..<8).map { _ in try fixture.another() }
        let limit = RateLimit(count: 20, seconds: 60)
        let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores {
                group.addTask {
                    var count = 0
                    for _ in 0..<5 where try await store.admit("Lead.GETAPI", under: limit) { count += 1 }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(admitted == 20)
        withExtendedLifetime(fixture) {}
    }

    @Test(arguments: Backend.allCases) func oneAlertAnHour(_ backend: Backend) async throws {
        let fixture = try await Fixture(backend)
        let store = try fixture.another()
        let first = try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000)
        #expect(first == .reserved(previous: nil))
        #expect(try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3599) == .alreadySent(at: 5000))
        #expect(try await store.reserveAlert(flow: "Lead", element: "Other", at: 5001) == .reserved(previous: nil))
        let later = try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3600)
        #expect(later == .reserved(previous: 5000))
        // A mail that failed gives the reservation back: the next failure may mail.
        try await store.release(later, flow: "Lead", element: "GETAPI")
        #expect(try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3601) == .reserved(previous: 5000))
        // Another process sees the same throttle; `flows alerts` lists and clears it.
        #expect(try await fixture.another().reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3602) == .alreadySent(at: 5000 + 3601))
        #expect(try await store.alertsSent() == [SentAlert(flow: "Lead", element: "Other", at: 5001),
                                                SentAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3601)])
        #expect(try await store.clearAlert(flow: "Lead", element: "GETAPI"))
        #expect(try await !store.clearAlert(flow: "Lead", element: "GETAPI"))
        #expect(try await store.alertsSent().map(\.element) == ["Other"])
    }

    @Test func aDatabaseThatCannotBeOpenedSaysWhere() {
        #expect { try SQLiteStateStore(path: "/proc/callflow/state.sqlite") } throws: { error in
            "\(error)".hasPrefix("cannot open the state database /proc/callflow/state.sqlite: ")
        }
    }
}
