import ArgumentParser
import CallFlowRuntime

/// `--state PATH`: the database of request logs, rate limits and alert throttles, which every
/// `flows` process on the machine shares unless told otherwise.
struct StateOption: ParsableArguments {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "The state database (request logs, rate limits, alert throttle).",
        discussion: "Default: FLOW_STATE_DB, else $XDG_STATE_HOME/callflow/state.sqlite, else ~/.local/state/callflow/state.sqlite.",
        valueName: "path"))
    var path: String?

    /// The opened store, or nil after printing why it could not be opened.
    func open() -> StateStore? {
        do {
            return try StateStore(path: path ?? StateStore.defaultPath)
        } catch {
            printError("flows: error: \(error); choose another with --state PATH or FLOW_STATE_DB")
            return nil
        }
    }
}
