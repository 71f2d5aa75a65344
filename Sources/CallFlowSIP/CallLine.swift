import CSIPShim
import CallFlowRuntime
import Synchronization

/// One answered call as audio and keys: what plays to the caller, and the keys they press.
/// Every wait ends when the caller hangs up.
public final class CallLine: Sendable {
    /// The server's number for the call.
    public let id: UInt64
    /// The Request-URI user (the number or flow called) and the caller: the
    /// P-Asserted-Identity user, else the From user.
    public let to: String
    public let from: String
    public let callID: String
    /// The INVITE's `X-Call-*` and `X-Contact-*` headers, in order.
    public let headers: [(name: String, value: String)]
    private let handle: ServerHandle
    private let state = Mutex(State())
    private let keyObserving = Mutex(KeyObserving())

    /// Who hears each key, and the keys to tell them once they listen.
    private struct KeyObserving {
        var observer: (@Sendable (Character, _ masked: Bool) -> Void)?
        var untold: [(Character, Bool)] = []
    }

    private struct State {
        var nextToken: UInt64 = 0
        /// What waits for each queued piece of audio to be played.
        var playing: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Keys pressed and not yet read, and whether each has been told to the observer.
        var keys: [(key: Character, told: Bool)] = []
        var keyWaiter: (id: UInt64, continuation: CheckedContinuation<Character?, Never>, timer: Task<Void, Never>)?
        var transfer: CheckedContinuation<TransferOutcome, Never>?
        /// While a CollectInput reads keys, and whether they are a secret (observed masked,
        /// the recording silent); whether any input of the call was.
        var collecting = false
        var sensitive = false
        var hadSensitiveInput = false
        /// While true, a key stops what plays (a prompt being barged into).
        var keyStopsAudio = false
        var hungUp = false
        /// What runs as the call ends.
        var closeHandlers: [@Sendable () -> Void] = []
    }

    init(id: UInt64, to: String, from: String, callID: String, headers: [(name: String, value: String)], handle: ServerHandle) {
        self.headers = headers
        self.id = id
        self.to = to
        self.from = from
        self.callID = callID
        self.handle = handle
    }

    /// True once the caller (or the server) has ended the call.
    public var hasHungUp: Bool { state.withLock { $0.hungUp } }

    /// Ends the call with a BYE once what plays has played; the server's `closed` event
    /// follows. A call already ended asks nothing of the server (it would only wake its thread).
    public func hangUp() {
        guard !hasHungUp else { return }
        handle.withServer { cf_sip_hangup($0, id) }
    }

    /// Runs `handler` once the call has ended (at once if it has).
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if !state.hungUp { state.closeHandlers.append(handler) }
            return state.hungUp
        }
        if now { handler() }
    }

    /// Whether keys wait to be read.
    public var hasKeys: Bool { state.withLock { !$0.keys.isEmpty } }

    /// Plays 8 kHz samples after what is queued; returns once they have been played, stopped,
    /// or the call has ended (at once when it has, or when a key waits that stops audio).
    public func play(_ samples: [Int16]) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let token: UInt64? = state.withLock { state in
                // A key already pressed stops a prompt before it starts.
                if state.hungUp || (state.keyStopsAudio && !state.keys.isEmpty) { return nil }
                state.nextToken += 1
                state.playing[state.nextToken] = continuation
                return state.nextToken
            }
            guard let token else { return continuation.resume() }
            send(samples, token: token, loop: false)
            // A key that came between the check above and the audio reaching the queue found
            // nothing to stop.
            if state.withLock({ $0.keyStopsAudio && !$0.keys.isEmpty }) { stopPlaying() }
        }
    }

    /// Plays samples again and again until `stopPlaying`.
    public func loop(_ samples: [Int16]) {
        let token: UInt64? = state.withLock { state in
            if state.hungUp { return nil }
            state.nextToken += 1
            return state.nextToken
        }
        if let token { send(samples, token: token, loop: true) }
    }

    /// Stops what plays and drops what is queued.
    public func stopPlaying() {
        handle.withServer { cf_sip_stop_playing($0, id) }
    }

    /// Hears every key (it must not block), `masked` when it is sensitive input: as it is
    /// pressed while a CollectInput reads keys; else once one reads it (the next input may be
    /// a PIN), or as the call ends.
    public func observeKeys(_ observer: @escaping @Sendable (Character, _ masked: Bool) -> Void) {
        keyObserving.withLock { observing in
            observing.observer = observer
            for (key, masked) in observing.untold { observer(key, masked) }
            observing.untold = []
        }
    }

    /// A CollectInput starts reading keys; `sensitive` ones (a card number, a PIN) are observed
    /// masked, and the call's recording is silent until `endCollecting`.
    public func beginCollecting(sensitive: Bool) {
        state.withLock { state in
            state.collecting = true
            state.sensitive = sensitive
            state.hadSensitiveInput = state.hadSensitiveInput || sensitive
        }
        if sensitive { handle.withServer { cf_sip_mute_recording($0, id, true) } }
    }

    public func endCollecting() {
        let wasSensitive = state.withLock { state in
            defer { (state.collecting, state.sensitive) = (false, false) }
            return state.sensitive
        }
        if wasSensitive { handle.withServer { cf_sip_mute_recording($0, id, false) } }
    }

    private func tell(_ keys: [(Character, Bool)]) {
        guard !keys.isEmpty else { return }
        keyObserving.withLock { observing in
            if let observer = observing.observer { for (key, masked) in keys { observer(key, masked) } } else { observing.untold += keys }
        }
    }

    /// While `on`, a key pressed stops what plays.
    public func keysStopAudio(_ on: Bool) {
        state.withLock { $0.keyStopsAudio = on }
    }

    /// The next key pressed (one already pressed at once), or nil when none comes within
    /// `timeout` or the call ends.
    public func nextKey(within timeout: Duration) async -> Character? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Character?, Never>) in
            // One look under the lock: a key taken, or the wait set up, so that no key can slip
            // in between.
            let buffered: (key: Character, told: Bool, masked: Bool)?? = state.withLock { state in
                if !state.keys.isEmpty {
                    let (key, told) = state.keys.removeFirst()
                    return (key, told, state.sensitive)
                }
                if state.hungUp { return .some(nil) }
                state.nextToken += 1
                let id = state.nextToken
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.keyWaitExpired(id)
                }
                state.keyWaiter = (id, continuation, timer)
                return nil
            }
            switch buffered {
            case .some(.some(let key)):
                if !key.told { tell([(key.key, key.masked)]) }
                continuation.resume(returning: key.key)
            case .some(.none):
                continuation.resume(returning: nil)
            case .none:
                break
            }
        }
    }

    /// Transfers the call by REFER to `target`, a SIP URI, or with `isUser` the user part of
    /// one at the caller's Contact (its PBX); returns once the outcome is known. The call
    /// stays up.
    public func transfer(to target: String, isUser: Bool) async -> TransferOutcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<TransferOutcome, Never>) in
            let refused: TransferOutcome? = state.withLock { state in
                if state.hungUp { return .failed("the caller hung up") }
                if state.transfer != nil { return .failed("a transfer is already under way") }
                state.transfer = continuation
                return nil
            }
            if let refused { return continuation.resume(returning: refused) }
            if !handle.withServer({ cf_sip_transfer($0, id, target, isUser) }) { transferEnded(status: 0, reason: "the server has stopped") }
        }
    }

    private func keyWaitExpired(_ id: UInt64) {
        let waiter = state.withLock { state -> CheckedContinuation<Character?, Never>? in
            guard let waiter = state.keyWaiter, waiter.id == id else { return nil }
            state.keyWaiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: nil)
    }

    private func send(_ samples: [Int16], token: UInt64, loop: Bool) {
        let sent = samples.withUnsafeBufferPointer { buffer in
            handle.withServer { cf_sip_play($0, id, buffer.baseAddress, buffer.count, token, loop) }
        }
        if !sent { played(token) }
    }

    // MARK: - From the server's thread

    func received(_ key: Character) {
        let (told, waiter, stopsAudio) = state.withLock { state -> ([(Character, Bool)], CheckedContinuation<Character?, Never>?, Bool) in
            let told = state.collecting ? [(key, state.sensitive)] : []
            guard let waiter = state.keyWaiter else {
                state.keys.append((key, state.collecting))
                return (told, nil, state.keyStopsAudio)
            }
            state.keyWaiter = nil
            waiter.timer.cancel()
            return (told, waiter.continuation, state.keyStopsAudio)
        }
        tell(told)
        waiter?.resume(returning: key)
        if stopsAudio { stopPlaying() }
    }

    func transferEnded(status: Int, reason: String) {
        let outcome: TransferOutcome = (200..<300).contains(status) ? .transferred : .failed(reason)
        state.withLock { state in defer { state.transfer = nil }; return state.transfer }?.resume(returning: outcome)
    }

    func played(_ token: UInt64) {
        state.withLock { $0.playing.removeValue(forKey: token) }?.resume()
    }

    func closed() {
        let (playing, waiter, transfer, untold, handlers) = state.withLock { state in
            state.hungUp = true
            defer {
                state.playing = [:]
                state.keyWaiter = nil
                state.transfer = nil
                state.keys = []
                state.closeHandlers = []
            }
            let untold = state.keys.filter { !$0.told }.map { ($0.key, state.hadSensitiveInput) }
            return (Array(state.playing.values), state.keyWaiter, state.transfer, untold, state.closeHandlers)
        }
        for handler in handlers { handler() }
        tell(untold)
        for continuation in playing { continuation.resume() }
        transfer?.resume(returning: .failed("the call ended"))
        waiter?.timer.cancel()
        waiter?.continuation.resume(returning: nil)
    }
}
