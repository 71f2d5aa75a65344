import Dispatch

/// Runs blocking work (a child process, a pipe read) on a dispatch thread, so that it never
/// holds one of the cooperative pool's threads: there are as many as cores (two in CI), and
/// every suite's async tests, started at once, wait for them.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
