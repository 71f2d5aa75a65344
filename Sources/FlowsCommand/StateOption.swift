import ArgumentParser
import CallFlowRuntime

/// `--state PATH|URL`: where request logs, rate limits and alert throttles are kept, which
/// every `flows` process on the machine (with a `redis://` URL, every process of the fleet)
/// shares unless told otherwise.
struct StateOption: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "The state store (request logs, rate limits, alert throttle): a SQLite file, redis://[:PASSWORD@]HOST:PORT/DB, or redis-sentinel://[:PASSWORD@]HOST:PORT,…/DB#MASTER.",
        discussion: "Default: FLOW_STATE_URL, else FLOW_STATE_DB, else $XDG_STATE_HOME/callflow/state.sqlite, else ~/.local/state/callflow/state.sqlite.",
        valueName: "path-or-url"))
    var location: String?

    /// The opened store, or nil after printing why it could not be opened. `report` hears when
    /// a Redis store goes away and comes back.
    func open(report: @escaping @Sendable (String) -> Void = { printError("flows: warning: \($0)") }) -> (any StateStore)? {
        let location = StateLocation.resolve(location)
        do {
            return try StateLocation.open(location, report: report)
        } catch {
            printError("flows: error: \(error); choose another with --state PATH|URL, FLOW_STATE_URL or FLOW_STATE_DB")
            return nil
        }
    }

    /// Opens the store and runs `body` on it. A store that cannot be opened, or an error that
    /// `body` throws, is printed and gives the status 1.
    func withStore(_ body: (any StateStore) async throws -> Int32) async -> Int32 {
        guard let store = open() else { return 1 }
        do {
            return try await body(store)
        } catch {
            printError("flows: error: \(error)")
            return 1
        }
    }
}
