import Dispatch

extension DispatchQueue {
    /// Runs `body` on this queue, off Swift's cooperative pool (the stores' calls block), and
    /// returns what it returned or threw.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws(StateStoreError) -> T) async throws(StateStoreError) -> T {
        let result: Result<T, StateStoreError> = await withCheckedContinuation { continuation in
            async { continuation.resume(returning: Result { () throws(StateStoreError) in try body() }) }
        }
        return try result.get()
    }
}
