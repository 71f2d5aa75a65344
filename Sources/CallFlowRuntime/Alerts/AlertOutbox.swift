import Synchronization

/// Alert mails on their way, beside the calls: a call hands its failure's mail over and goes
/// on at once, so an SMTP server that is slow or never answers costs the caller no dead air.
/// A process that ends with its call (`flows run`) waits for the mails with `drain(within:)`.
public final class AlertOutbox: Sendable {
    private let pending = Mutex<(next: Int, tasks: [Int: Task<Void, Never>])>((0, [:]))

    public init() {}

    /// One outbox for calls whose process does not wait for their mails: it is not drained.
    public static let unwatched = AlertOutbox()

    /// Runs `send` in the background, until it is done.
    func post(_ send: @escaping @Sendable () async -> Void) {
        pending.withLock { pending in
            let id = pending.next
            pending.next += 1
            pending.tasks[id] = Task {
                await send()
                self.pending.withLock { _ = $0.tasks.removeValue(forKey: id) }
            }
        }
    }

    /// Waits until every mail posted so far went out or failed, at most `bound`; false when
    /// some were still on their way then (they go on in the background).
    public func drain(within bound: Duration) async -> Bool {
        let tasks = pending.withLock { Array($0.tasks.values) }
        guard !tasks.isEmpty else { return true }
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            let timer = Task {
                try? await Task.sleep(for: bound)
                if answer.claim() { continuation.resume(returning: false) }
            }
            Task {
                for task in tasks { await task.value }
                if answer.claim() {
                    timer.cancel()
                    continuation.resume(returning: true)
                }
            }
        }
    }
}

/// Lets only the first of two racing tasks resume a continuation.
private final class FirstAnswer: Sendable {
    private let claimed = Atomic<Bool>(false)

    func claim() -> Bool {
        !claimed.exchange(true, ordering: .acquiringAndReleasing)
    }
}
