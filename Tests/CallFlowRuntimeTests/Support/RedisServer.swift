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
        // Bounded generously: every suite starts at once, and on two busy cores this wait may
        // get no thread for seconds.
        let answered = await eventually(within: 30) { try await command("PING") == "PONG" }
        if !answered { Issue.record("redis-server did not answer on \(port): \(running?.output ?? [])") }
    }

    func kill() {
        running = nil
    }

    func pause() { Foundation.kill(running!.process.processIdentifier, SIGSTOP) }
    func resume() { Foundation.kill(running!.process.processIdentifier, SIGCONT) }

    /// Runs one command through redis-cli, off the cooperative pool, returning what it printed.
    @discardableResult
    func command(_ arguments: String...) async throws -> String {
        let arguments = ["-p", String(port)] + arguments
        return try await offThePool {
            try FixturePackageTests.runBlocking("/usr/bin/redis-cli", arguments, in: URL(fileURLWithPath: "/"))
                .output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    deinit {
        if let running { Foundation.kill(running.process.processIdentifier, SIGCONT) }
    }
}
