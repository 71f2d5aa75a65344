import Foundation

/// A python3 HTTP server on 127.0.0.1, started for a test and stopped when released.
final class TestServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    /// Starts `script` (a path) with `arguments`; the script prints its port on the first line,
    /// or, with `port` given, is waited for until that port accepts connections.
    init(script: String, arguments: [String] = [], port fixedPort: Int? = nil) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let fixedPort {
            port = fixedPort
            var tries = 0
            while tries < 100, process.isRunning, !Self.accepts(port) {
                usleep(50_000)
                tries += 1
            }
            guard process.isRunning else { throw StartFailure(message: "\(script) exited; is port \(fixedPort) in use?") }
        } else {
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }
    }

    /// Starts the server off Swift's cooperative pool: python's start-up may take seconds on a
    /// busy machine, and would hold one of the pool's few threads (and every test's calls) all
    /// that time.
    static func start(script: String, arguments: [String] = [], port: Int? = nil) async throws -> TestServer {
        try await offThePool { try TestServer(script: script, arguments: arguments, port: port) }
    }

    deinit {
        // SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    struct StartFailure: Error {
        var message: String
    }

    static func accepts(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        return withSocketAddress("127.0.0.1", port) { connect(socket, $0, $1) } == 0
    }

    static let smtpScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_server.py").path
    static let providerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("provider_server.py").path
    static let echoScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("echo_server.py").path
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Collects a call's events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []

    func append(_ line: String) { lock.withLock { list.append(line) } }
    var lines: [String] { lock.withLock { list } }
}

/// Calls `body` with an IPv4 socket address (`connect`, `bind`) and its length; its result.
func withSocketAddress<T>(_ host: String, _ port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr(host)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
