#if canImport(Glibc)
import Glibc
#endif

/// What must hold across calls and across `flows` processes: the request log, rate-limit
/// windows, the alert throttle and workflow runs.
///
/// Two backends keep it: `SQLiteStateStore`, a file that the processes of one machine share
/// (the default), and `RedisStateStore`, one Redis server that a fleet of machines shares.
/// Both pass the same tests: what a call sees does not depend on where its state is.
public protocol StateStore: AnyObject, Sendable {
    /// Where the state is, for messages: a file path or a `redis://` URL without its password.
    var location: String { get }

    /// Counts one request against `limit` for `key` in a sliding window; false, and nothing
    /// counted, when `limit.count` requests were already made in the last `limit.seconds`.
    /// Every process on the store shares the window, and the decision is one atomic step.
    /// `now` is the store's own clock when nil.
    func admit(_ key: String, under limit: RateLimit, at now: Double?) async throws(StateStoreError) -> Bool

    /// Takes the right to send the failure alert of one element: true at most once within
    /// `interval` seconds, across processes. `release` gives it back when the mail failed.
    func reserveAlert(flow: String, element: String, interval: Double, at now: Double?) async throws(StateStoreError) -> AlertReservation

    /// Undoes a reservation whose mail could not be sent, so that the next failure tries again.
    func release(_ reservation: AlertReservation, flow: String, element: String) async throws(StateStoreError)

    /// The last alert mailed for each element, oldest first.
    func alertsSent() async throws(StateStoreError) -> [SentAlert]

    /// Forgets the last alert of an element, so that its next failure is mailed; false when
    /// there was none to forget.
    func clearAlert(flow: String, element: String) async throws(StateStoreError) -> Bool

    /// Queues `entry` for the log and returns at once, so that a call never waits for the
    /// store; `onFailure` hears of an entry that could not be written. Reads of this store see
    /// every entry queued before them; `flush()` waits until all are written.
    func log(_ entry: RequestLogEntry, onFailure: @escaping @Sendable (StateStoreError) -> Void)

    /// Adds `entry` now, keeping the last `RequestLogEntry.keptPerElement` of its element.
    func record(_ entry: RequestLogEntry) async throws(StateStoreError)

    /// Records what became of the alert of the entry that started at `started`.
    func setAlert(_ alert: String, flow: String, element: String, started: Double) async throws(StateStoreError)

    /// The kept entries of one element, newest first.
    func requestLog(flow: String, element: String) async throws(StateStoreError) -> [RequestLogEntry]

    /// Waits until every entry queued by `log` has been written (or reported as failed).
    func flush() async

    // MARK: Workflow runs

    /// Records a new run, owned by `owner` until `leaseUntil` (seconds since 1970). False, with
    /// nothing written, when a run of that id is already there (a spooled run forwarded twice).
    @discardableResult
    func createRun(_ run: WorkflowRunRecord, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool

    /// Writes `run` as `owner`, keeping it until `leaseUntil`; a finished run is let go. False,
    /// with nothing written, when `owner` no longer holds the run (its lease expired and another
    /// process took it).
    func saveRun(_ run: WorkflowRunRecord, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool

    /// Extends `owner`'s lease of a run; false when it no longer holds it.
    func renewRun(id: String, owner: String, leaseUntil: Double) async throws(StateStoreError) -> Bool

    /// Takes one unfinished run whose lease ended before `now` for `owner`, until `leaseUntil`;
    /// nil when there is none. One atomic step: two processes never take the same run.
    func claimExpiredRun(owner: String, now: Double, leaseUntil: Double) async throws(StateStoreError) -> WorkflowRunRecord?

    /// Takes the failed run `id` for `owner` (`flows workflows retry`); nil when there is no
    /// failed run of that id.
    func claimFailedRun(id: String, owner: String, leaseUntil: Double) async throws(StateStoreError) -> WorkflowRunRecord?

    /// The newest runs first, at most `limit`; only failed ones with `failedOnly`.
    func workflowRuns(limit: Int, failedOnly: Bool) async throws(StateStoreError) -> [WorkflowRunRecord]

    func workflowRun(id: String) async throws(StateStoreError) -> WorkflowRunRecord?

    /// Deletes the runs created before `time`, finished or not; returns how many.
    func purgeRuns(createdBefore time: Double) async throws(StateStoreError) -> Int
}

extension StateStore {
    /// `admit(_:under:at:)` on the store's clock.
    public func admit(_ key: String, under limit: RateLimit) async throws(StateStoreError) -> Bool {
        try await admit(key, under: limit, at: nil)
    }

    /// `reserveAlert(flow:element:interval:at:)`: one an hour, on the store's clock.
    public func reserveAlert(flow: String, element: String, interval: Double = 3600, at now: Double? = nil) async throws(StateStoreError) -> AlertReservation {
        try await reserveAlert(flow: flow, element: element, interval: interval, at: now)
    }
}

/// Opens the state store a `--state` value or the environment names.
public enum StateLocation {
    /// `option` (`--state`: a path or a `redis://` URL), else `FLOW_STATE_URL`, else
    /// `FLOW_STATE_DB`, else `$XDG_STATE_HOME/callflow/state.sqlite`, else
    /// `~/.local/state/callflow/state.sqlite`.
    public static func resolve(_ option: String?) -> String {
        if let option { return option }
        if let url = ProcessEnvironment.value("FLOW_STATE_URL") { return url }
        if let path = ProcessEnvironment.value("FLOW_STATE_DB") { return path }
        return defaultFolder + "/state.sqlite"
    }

    /// Where runs wait that Redis could not record in time: `FLOW_WORKFLOW_SPOOL`, else
    /// `workflow-spool.sqlite` beside the default state database.
    public static var spoolPath: String {
        ProcessEnvironment.value("FLOW_WORKFLOW_SPOOL") ?? defaultFolder + "/workflow-spool.sqlite"
    }

    /// `$XDG_STATE_HOME/callflow`, else `~/.local/state/callflow`.
    private static var defaultFolder: String {
        if let state = ProcessEnvironment.value("XDG_STATE_HOME") { return state + "/callflow" }
        return (ProcessEnvironment.value("HOME") ?? ".") + "/.local/state/callflow"
    }

    /// Opens the store at `location`: Redis for a `redis://` or `redis-sentinel://` URL
    /// (connected on first use; `report` hears of outages), else the SQLite file at that path.
    public static func open(_ location: String, report: @escaping @Sendable (String) -> Void = { _ in }) throws(StateStoreError) -> any StateStore {
        if location.hasPrefix("redis://") || location.hasPrefix(RedisAddress.sentinelScheme) || location.hasPrefix("rediss://") {
            return RedisStateStore(try RedisAddress(url: location), report: report)
        }
        return try SQLiteStateStore(path: location)
    }
}

/// The last failure alert mailed for one element.
public struct SentAlert: Sendable, Equatable {
    public var flow: String
    public var element: String
    /// When, in seconds since 1970 (UTC).
    public var at: Double
}

/// Whether a failure alert may go out now.
public enum AlertReservation: Sendable, Equatable {
    /// It may; `previous` is when the last one went, if ever.
    case reserved(previous: Double?)
    /// One already went at this time, within the interval.
    case alreadySent(at: Double)
}

/// `RateLimit`: at most `count` requests in any `seconds`.
public struct RateLimit: Sendable, Equatable {
    public var count: Int
    public var seconds: Int

    public init(count: Int, seconds: Int) {
        self.count = count
        self.seconds = seconds
    }
}

/// The state store could not be opened, reached or written; the message says which and why.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }

    /// What a call is told when the store did not answer (in time): the detail goes to the
    /// process's own warnings, once an outage.
    static let unavailable = StateStoreError("state store unavailable")
}

/// The wall clock, as the state, logs and mails record time.
public enum WallClock {
    /// Seconds since 1970 (UTC).
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
