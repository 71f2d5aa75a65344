import Foundation
import Synchronization
import Testing
@testable import CallFlowRuntime

/// The SQLite state: request logs, rate-limit windows and the alert throttle.
@Suite struct StateStoreTests {
    let folder = TemporaryFolder()
    var path: String { folder.path + "/nested/state.sqlite" }

    func entry(_ number: Int, element: String = "GETAPI") -> RequestLogEntry {
        RequestLogEntry(flow: "Lead", element: element, started: Double(number), method: "GET", url: "https://x/\(number)",
                        requestHeaders: [HTTPHeader(name: "Authorization", value: "Basic ***")], requestBody: nil, status: 200,
                        responseHeaders: [HTTPHeader(name: "Content-Type", value: "application/json")], responseBody: "{\"n\":\(number)}",
                        attempts: 1, milliseconds: number, error: nil, alert: nil)
    }

    @Test func theLastTwentyRequestsOfAnElementAreKept() async throws {
        let store = try StateStore(path: path)
        for number in 1...23 { try await store.record(entry(number)) }
        try await store.record(entry(99, element: "Other"))
        let log = try await store.requestLog(flow: "Lead", element: "GETAPI")
        #expect(log.map(\.milliseconds) == Array((4...23).reversed()))
        #expect(log.first == entry(23))
        #expect(try await store.requestLog(flow: "Lead", element: "Other").count == 1)
        // A second connection, as another process would open, sees the same.
        #expect(try await StateStore(path: path).requestLog(flow: "Lead", element: "GETAPI").count == 20)
    }

    /// Calls queue their entries and go on; a read sees them at once, another process once
    /// they are flushed, and a failure to write reaches the caller's handler.
    @Test func queuedEntriesAreWrittenInBatchesAndFailuresReported() async throws {
        let store = try StateStore(path: path)
        let failures = Mutex<[String]>([])
        for number in 1...300 { store.log(entry(number)) { error in failures.withLock { $0.append(error.description) } } }
        let log = try await store.requestLog(flow: "Lead", element: "GETAPI")
        #expect(log.map(\.milliseconds) == Array((281...300).reversed()))

        store.log(entry(301)) { error in failures.withLock { $0.append(error.description) } }
        await store.flush()
        #expect(try await StateStore(path: path).requestLog(flow: "Lead", element: "GETAPI").first?.milliseconds == 301)
        #expect(failures.withLock { $0 }.isEmpty)

        // Another process drops the table: the next batch cannot be written and says so.
        try StateStore(path: path).execute("DROP TABLE request_log")
        store.log(entry(302)) { error in failures.withLock { $0.append(error.description) } }
        await store.flush()
        #expect(failures.withLock { $0 }.count == 1)
        #expect(failures.withLock { $0 }.first?.contains("no such table: request_log") == true)
    }

    @Test func aRateLimitWindowSlides() async throws {
        let store = try StateStore(path: path)
        let limit = RateLimit(count: 2, seconds: 60)
        #expect(try await store.admit("Lead.GETAPI", under: limit, at: 1000))
        #expect(try await store.admit("Lead.GETAPI", under: limit, at: 1010))
        #expect(try await !store.admit("Lead.GETAPI", under: limit, at: 1020))
        #expect(try await store.admit("Other.GETAPI", under: limit, at: 1020))
        // The first request leaves the window 60 s after it was made.
        #expect(try await !store.admit("Lead.GETAPI", under: limit, at: 1059.9))
        #expect(try await store.admit("Lead.GETAPI", under: limit, at: 1060.1))
    }

    @Test func connectionsOnOneDatabaseShareOneLimit() async throws {
        // Eight connections, as eight processes would hold, asking at once: exactly the limit passes.
        let stores = try (0..<8).map { _ in try StateStore(path: path) }
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
    }

    @Test func oneAlertAnHour() async throws {
        let store = try StateStore(path: path)
        let first = try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000)
        #expect(first == .reserved(previous: nil))
        #expect(try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3599) == .alreadySent(at: 5000))
        #expect(try await store.reserveAlert(flow: "Lead", element: "Other", at: 5001) == .reserved(previous: nil))
        let later = try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3600)
        #expect(later == .reserved(previous: 5000))
        // A mail that failed gives the reservation back: the next failure may mail.
        try await store.release(later, flow: "Lead", element: "GETAPI")
        #expect(try await store.reserveAlert(flow: "Lead", element: "GETAPI", at: 5000 + 3601) == .reserved(previous: 5000))
    }

    @Test func aDatabaseThatCannotBeOpenedSaysWhere() {
        #expect { try StateStore(path: "/proc/callflow/state.sqlite") } throws: { error in
            "\(error)".hasPrefix("cannot open the state database /proc/callflow/state.sqlite: ")
        }
    }
}
