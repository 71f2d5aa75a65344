import ArgumentParser
import CallFlowRuntime

/// `flows alerts` and `flows alerts reset FLOW.ELEMENT`: the throttle of `AlertEmail` mails
/// (one an element an hour), shown and cleared.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Show when each element last mailed an alert, or clear that with `reset`.",
        subcommands: [AlertsListCommand.self, AlertsResetCommand.self],
        defaultSubcommand: AlertsListCommand.self
    )

    /// How long after an alert the next one of the same element may go.
    static let interval: Double = 3600
}

/// `flows alerts`: each element's last alert and when the next may go.
struct AlertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Show when each element last mailed an alert.")

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow], now: Double = WallClock.now()) async -> Int32 {
        await state.withStore { store in
            let sent = try await store.alertsSent()
            guard !sent.isEmpty else {
                Terminal.out("No alert has been mailed (\(store.location)).")
                return 0
            }
            let names = sent.map { "\($0.flow).\($0.element)" }
            let width = names.map(\.count).max() ?? 0
            Terminal.out("The last alert of each element, and when the next may go (\(store.location)):")
            for (name, alert) in zip(names, sent) {
                let next = alert.at + AlertsCommand.interval
                let when = next <= now ? "the next may go now" : "the next may go at \(LogsCommand.time(next))"
                Terminal.out(Terminal.printable("  \(name.padding(to: width))  mailed \(LogsCommand.time(alert.at)); \(when)"))
            }
            return 0
        }
    }
}

/// `flows alerts reset FLOW.ELEMENT`: the element's next failure is mailed, whenever it comes.
struct AlertsResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Let an element's next failure be mailed at once.",
        discussion: "Clears the element's last alert from the throttle, for every process that shares the state database."
    )

    @Argument(help: ArgumentHelp("The APIRequest element, as FLOW.ELEMENT.", valueName: "flow.element"))
    var element: String

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow]) async -> Int32 {
        guard let target = RequestElement.find(element, in: flows) else { return 64 }
        return await state.withStore { store in
            if try await store.clearAlert(flow: target.flow.name, element: target.element) {
                Terminal.out("Cleared: the next failure of \(target.name) is mailed.")
            } else {
                Terminal.out("\(target.name) has no alert to clear: its next failure is mailed.")
            }
            return 0
        }
    }
}
