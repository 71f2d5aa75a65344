import Foundation
import Testing
@testable import CallFlowRuntime

/// A `redis-server` of the test's own on a free loopback port, without persistence, killed
/// when released. It can be paused (SIGSTOP: a Redis that takes connections and never
/// answers), killed, and started again on the same port.
final class RedisServer: @unchecked Sendable {
    let port: Int
    private var running: ServeTests.Running?

    init() async throws {
        port = ServeTests.freePorts(1)
        try await start()
    }

    var url: String { "redis://127.0.0.1:\(port)/0" }
    var address: RedisAddress { try! RedisAddress(url: url) }

    /// Starts it (again), once it answers PING.
    func start() async throws {
        running = try ServeTests.Running("/usr/bin/redis-server", [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
        ])
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if (try? await offThePool { [self] in try command("PING") }) == "PONG" { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("redis-server did not answer on \(port): \(running?.output ?? [])")
    }

    func kill() {
        running = nil
    }

    func pause() { Foundation.kill(running!.process.processIdentifier, SIGSTOP) }
    func resume() { Foundation.kill(running!.process.processIdentifier, SIGCONT) }

    /// Runs one command through redis-cli, returning what it printed.
    @discardableResult
    func command(_ arguments: String...) throws -> String {
        try FixturePackageTests.runBlocking("/usr/bin/redis-cli", ["-p", String(port)] + arguments, in: URL(fileURLWithPath: "/"))
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        if let running { Foundation.kill(running.process.processIdentifier, SIGCONT) }
    }
}
