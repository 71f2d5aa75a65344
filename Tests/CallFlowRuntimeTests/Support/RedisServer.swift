import Foundation
import Testing
@testable import CallFlowRuntime

/// A `redis-server` of the test's own on a free loopback port, without persistence, killed
/// when released. It can be paused (SIGSTOP: a Redis that takes connections and never
/// answers), killed, and started again on the same port. It may be a replica, or a Sentinel.
final class RedisServer: @unchecked Sendable {
    let port: Int
    /// What clients (and a server's replicas) must give; nil for a Sentinel that is not guarded.
    let password: String?
    private let arguments: [String]
    private var running: ServeTests.Running?
    /// Its working folder: a replica writes what it is sent there (and a server would read it
    /// at its start), and a Sentinel rewrites its configuration file there.
    private let folder = TemporaryFolder()

    /// A server; `arguments` are added to its command line (`--replicaof HOST PORT`). With a
    /// `password`, it asks it of clients and gives it to its master.
    init(_ arguments: [String] = [], password: String? = nil) async throws {
        port = ServeTests.freePorts(1)
        self.password = password
        self.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path, "--save", "", "--appendonly", "no",
                          "--protected-mode", "no"] + (password.map { ["--requirepass", $0, "--masterauth", $0] } ?? []) + arguments
        try await start()
    }

    /// A Sentinel watching `master` under `name`, given the master's password. It calls a
    /// master down after 1 s without an answer, and alone it is a quorum, so it fails over
    /// within seconds. If `guarded`, it asks clients for the master's password too.
    init(sentinelFor master: RedisServer, name: String, guarded: Bool = false) async throws {
        port = ServeTests.freePorts(1)
        password = guarded ? master.password : nil
        let configuration = folder.path + "/sentinel.conf"
        try """
            sentinel monitor \(name) 127.0.0.1 \(master.port) 1
            sentinel down-after-milliseconds \(name) 1000
            sentinel failover-timeout \(name) 10000
            \(master.password.map { "sentinel auth-pass \(name) \($0)" } ?? "")
            \(password.map { "requirepass \($0)" } ?? "")

            """.write(toFile: configuration, atomically: true, encoding: .utf8)
        arguments = [configuration, "--sentinel", "--port", String(port), "--bind", "127.0.0.1", "--dir", folder.path, "--protected-mode", "no"]
        try await start()
    }

    var url: String { "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/0" }
    var address: RedisAddress { try! RedisAddress(url: url) }

    /// Starts it (again), once it answers PING.
    func start() async throws {
        running = try ServeTests.Running("/usr/bin/redis-server", arguments)
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
    /// It is given 30 s (a paused server would keep it waiting for ever).
    @discardableResult
    func command(_ arguments: String...) async throws -> String {
        let arguments = ["30", "/usr/bin/redis-cli", "-p", String(port)] + (password.map { ["-a", $0, "--no-auth-warning"] } ?? []) + arguments
        return try await offThePool {
            try FixturePackageTests.runBlocking("/usr/bin/timeout", arguments, in: URL(fileURLWithPath: "/"))
                .output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    deinit {
        if let running { Foundation.kill(running.process.processIdentifier, SIGCONT) }
    }
}
