import Dispatch
import Synchronization

/// Request-log entries queued by calls and not yet written, for a store that writes them in
/// batches behind the calls: a batch goes `delay` after its first entry (at once when
/// `batchLimit` are waiting), so that a busy process wakes its writer once a batch rather
/// than once a request.
final class PendingRequestLog: Sendable {
    private let waiting = Mutex<[Entry]>([])

    /// How long a queued entry waits for others to be written with it.
    static let delay = DispatchTimeInterval.milliseconds(20)
    /// The number of waiting entries that starts a write at once.
    static let batchLimit = 256

    struct Entry: Sendable {
        let entry: RequestLogEntry
        let onFailure: @Sendable (StateStoreError) -> Void
    }

    /// Queues `entry`, and schedules the batch's write on `queue` when it is the first of one
    /// or fills it.
    func add(_ entry: RequestLogEntry, onFailure: @escaping @Sendable (StateStoreError) -> Void, writeOn queue: DispatchQueue,
             _ write: @escaping @Sendable () -> Void) {
        let count = waiting.withLock { waiting in
            waiting.append(Entry(entry: entry, onFailure: onFailure))
            return waiting.count
        }
        if count == 1 {
            queue.asyncAfter(deadline: .now() + Self.delay, execute: write)
        } else if count == Self.batchLimit {
            queue.async(execute: write)
        }
    }

    /// Takes every waiting entry and writes them with `write`; each entry of a batch that
    /// failed hears of it. Returns how many failed.
    @discardableResult
    func write(_ write: ([RequestLogEntry]) throws(StateStoreError) -> Void) -> Int {
        let batch = waiting.withLock { waiting in defer { waiting.removeAll() }; return waiting }
        guard !batch.isEmpty else { return 0 }
        do throws(StateStoreError) {
            try write(batch.map(\.entry))
            return 0
        } catch {
            for queued in batch { queued.onFailure(error) }
            return batch.count
        }
    }
}
