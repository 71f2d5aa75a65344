import Synchronization

/// Turns one call's life into workflow triggers: `CallStarted`, `RequestFailed` for each
/// request of the flow that fails, `CallEnded` and `RecordingUploaded`. It watches the call's
/// events for what workflows read (the properties set, the digits read), so generated flows
/// need to know nothing of workflows.
public final class CallTriggers: Sendable {
    private let runner: WorkflowRunner
    private let flow: String
    private let variables: CallVariables
    private let contact: ContactVariables
    private let callID: String?
    private let started = ContinuousClock.now
    private let state = Mutex(Seen())

    private struct Seen {
        var properties: [String: String] = [:]
        var digits: [String: String] = [:]
        /// Known once the flow has ended, and once the recording is complete: `RecordingUploaded`
        /// fires when both are.
        var resultCode: String?
        var duration: Double?
        var recording: (file: String, seconds: Double)?
        /// Triggers fired while the call goes on, still being recorded.
        var firing: [Task<Void, Never>] = []
    }

    /// - Parameter callID: the SIP Call-ID of a served call, kept with its runs.
    public init(runner: WorkflowRunner, flow: String, variables: CallVariables, contact: ContactVariables, callID: String? = nil) {
        self.runner = runner
        self.flow = flow
        self.variables = variables
        self.contact = contact
        self.callID = callID
    }

    private func event(_ trigger: WorkflowTrigger) -> WorkflowEvent {
        let seen = state.withLock { ($0.properties, $0.digits) }
        var event = WorkflowEvent(trigger: trigger, variables: variables, contact: contact, flow: flow, properties: seen.0, digits: seen.1)
        event.callID = callID
        return event
    }

    /// The call was answered.
    public func callStarted() {
        guard runner.listens(to: .callStarted) else { return }
        fire(event(.callStarted))
    }

    /// Watches one event of the call (pass every event of its observer here).
    public func observe(_ event: CallEvent) {
        switch event {
        case .set(_, let property, let value):
            state.withLock { $0.properties[property] = value }
        case .collect(let element, let digits):
            state.withLock { $0.digits[element] = digits }
        case .request(let record) where record.error != nil && runner.listens(to: .requestFailed):
            var failed = self.event(.requestFailed)
            failed.requestElement = record.element
            failed.requestStatus = record.status
            failed.requestError = record.error
            fire(failed)
        default:
            break
        }
    }

    private func fire(_ event: WorkflowEvent) {
        let task = Task { [runner] in await runner.fire(event) }
        state.withLock { $0.firing.append(task) }
    }

    /// The call ended with `resultCode`: fires `CallEnded` and returns once every run of this
    /// call is recorded, so that the call's end may then be reported.
    public func callEnded(_ resultCode: String) async {
        let duration = Double((ContinuousClock.now - started).milliseconds / 1000)
        let recording = state.withLock { seen in
            seen.resultCode = resultCode
            seen.duration = duration
            return seen.recording
        }
        if runner.listens(to: .callEnded) {
            var ended = event(.callEnded)
            ended.resultCode = resultCode
            ended.duration = duration
            fire(ended)
        }
        if let recording { fireRecording(recording, resultCode: resultCode, duration: duration) }
        await recorded()
    }

    /// The call's recording is complete: fires `RecordingUploaded` once the flow has ended too
    /// (its result code is then known), and returns once its runs are recorded.
    public func recordingUploaded(file: String, seconds: Double) async {
        let ended = state.withLock { seen in
            seen.recording = (file, seconds)
            return seen.resultCode.map { ($0, seen.duration ?? 0) }
        }
        if let ended { fireRecording((file, seconds), resultCode: ended.0, duration: ended.1) }
        await recorded()
    }

    private func fireRecording(_ recording: (file: String, seconds: Double), resultCode: String, duration: Double) {
        guard runner.listens(to: .recordingUploaded) else { return }
        var uploaded = event(.recordingUploaded)
        uploaded.resultCode = resultCode
        uploaded.duration = duration
        uploaded.recordingFile = recording.file
        uploaded.recordingDuration = recording.seconds
        fire(uploaded)
    }

    /// Waits until every trigger fired so far has its runs recorded.
    public func recorded() async {
        while let task = state.withLock({ $0.firing.isEmpty ? nil : $0.firing.removeFirst() }) {
            await task.value
        }
    }
}
