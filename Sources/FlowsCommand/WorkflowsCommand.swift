import ArgumentParser
import CallFlowRuntime
import CallFlowSIP

/// `flows workflows …`: the workflows of this build and their runs, kept in the state store.
struct WorkflowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "List the workflows and their runs; show, retry or purge runs.",
        subcommands: [WorkflowsListCommand.self, WorkflowRunsCommand.self, WorkflowShowCommand.self, WorkflowRetryCommand.self,
                      WorkflowPurgeCommand.self],
        defaultSubcommand: WorkflowsListCommand.self
    )

    /// Days a run is kept unless `FLOW_WORKFLOW_RETENTION_DAYS` says otherwise.
    static let defaultRetentionDays: Double = 30

    static var retentionDays: Double {
        ProcessEnvironment.value("FLOW_WORKFLOW_RETENTION_DAYS").flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? defaultRetentionDays
    }

    /// One run in a line: id, workflow, trigger, state, when, and why it failed.
    static func line(_ run: WorkflowRunRecord) -> String {
        let done = run.done.count
        var text = "\(run.id)  \(run.workflow)  \(run.event.trigger.rawValue)  \(run.state.rawValue)  \(LogsCommand.time(run.created))  \(done) action\(done == 1 ? "" : "s") done"
        if let error = run.error { text += "  \(error)" }
        return Terminal.printable(text)
    }
}

/// `flows workflows`: each workflow, and the most recent runs.
struct WorkflowsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the workflows and their recent runs.")

    @OptionGroup var state: StateOption

    func run(_ workflows: [CompiledWorkflow]) async -> Int32 {
        if workflows.isEmpty { Terminal.out("No workflows: a workflow is a file in Flows/ whose top key is `Workflow`.") }
        for workflow in workflows {
            let flow = workflow.flow.map { " of \($0)" } ?? ""
            Terminal.out(Terminal.printable("\(workflow.name): on \(workflow.trigger.rawValue)\(flow)" + (workflow.summary.map { ": \($0)" } ?? "")))
            for action in workflow.actions { Terminal.out(Terminal.printable("  \(action.name) (\(action.type))")) }
        }
        return await state.withStore { store in
            let runs = try await store.workflowRuns(limit: 10, failedOnly: false)
            Terminal.out(runs.isEmpty ? "No runs yet (\(store.location))." : "Recent runs, newest first (\(store.location)):")
            for run in runs { Terminal.out("  " + WorkflowsCommand.line(run)) }
            return 0
        }
    }
}

/// `flows workflows runs [--failed] [--limit N]`.
struct WorkflowRunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List workflow runs, newest first.")

    @Flag(help: "Only runs that failed.")
    var failed = false

    @Option(help: "The most runs listed.")
    var limit = 50

    @OptionGroup var state: StateOption

    func run() async -> Int32 {
        await state.withStore { store in
            let runs = try await store.workflowRuns(limit: max(1, limit), failedOnly: failed)
            if runs.isEmpty { Terminal.out(failed ? "No failed runs (\(store.location))." : "No runs (\(store.location)).") }
            for run in runs { Terminal.out(WorkflowsCommand.line(run)) }
            return 0
        }
    }
}

/// `flows workflows show ID`: the event that fired a run and every action's request and
/// response, secrets as `***`.
struct WorkflowShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one run: its trigger and every action's request and response.")

    @Argument(help: "The run's id, as `flows workflows runs` lists it.")
    var id: String

    @OptionGroup var state: StateOption

    func run() async -> Int32 {
        await state.withStore { store in
            guard let run = try await store.workflowRun(id: id) else {
                printError("flows: error: no workflow run \(id) in \(store.location); `flows workflows runs` lists them")
                return 1
            }
            var lines = [WorkflowsCommand.line(run), "Call: flow \(run.event.flow)" + (run.event.resultCode.map { ", ended \($0)" } ?? "")
                         + (run.event.variables.phonenum.isEmpty ? "" : ", from \(run.event.variables.phonenum)")
                         + (run.event.callID.map { ", Call-ID \($0)" } ?? "")]
            if let element = run.event.requestElement {
                lines.append("Failed request: \(element), status \(run.event.requestStatus ?? 0): \(run.event.requestError ?? "")")
            }
            if let file = run.event.recordingFile { lines.append("Recording: \(file)") }
            for (index, outcome) in run.outcomes.enumerated() {
                lines.append("")
                lines.append("\(index + 1). \(outcome.action) (\(outcome.type)): \(outcome.succeeded ? "done" : "failed") at \(LogsCommand.time(outcome.finished)), \(outcome.attempts) attempt\(outcome.attempts == 1 ? "" : "s"), \(outcome.milliseconds) ms")
                if !outcome.url.isEmpty { lines.append("   \(outcome.method) \(outcome.url)") }
                if let body = outcome.requestBody { lines.append("   request body: \(body)") }
                lines.append("   status: \(outcome.status)")
                if let body = outcome.responseBody { lines.append("   response body: \(body)") }
                if let error = outcome.error { lines.append("   error: \(error)") }
            }
            for line in lines { Terminal.out(Terminal.printable(line)) }
            return 0
        }
    }
}

/// `flows workflows retry ID`: runs a failed run's remaining actions again, from the one that
/// failed; the actions done before it are not sent again.
struct WorkflowRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Run a failed run's remaining actions again.")

    @Argument(help: "The failed run's id.")
    var id: String

    @OptionGroup var state: StateOption

    func run(_ workflows: [CompiledWorkflow]) async -> Int32 {
        await state.withStore { store in
            let runner = WorkflowRunner(workflows: workflows, store: store, http: HTTPClient(), recognizer: PocketSphinxRecognizer()) { report in
                if case .warning(let message) = report { printError("flows: warning: \(message)") }
                if case .action(_, _, let outcome) = report {
                    Terminal.out(Terminal.printable("\(outcome.action): " + (outcome.error.map { "failed: \($0)" } ?? "done, status \(outcome.status)")))
                }
            }
            guard let run = try await runner.retry(id) else {
                printError("flows: error: no failed workflow run \(id) in \(store.location); `flows workflows runs --failed` lists them")
                return 1
            }
            Terminal.out(WorkflowsCommand.line(run))
            return run.state == .succeeded ? 0 : 1
        }
    }
}

/// `flows workflows purge [--older-than DAYS]`: runs hold callers' personal data, so they are
/// deleted after the retention period; this deletes them sooner.
struct WorkflowPurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete workflow runs older than the retention period, or than --older-than.",
        discussion: "flows serve deletes runs older than FLOW_WORKFLOW_RETENTION_DAYS (default 30) by itself."
    )

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Delete runs created more than this many days ago; 0 deletes every run.", valueName: "days"))
    var olderThan: Double?

    @OptionGroup var state: StateOption

    func validate() throws {
        if let olderThan, olderThan < 0 { throw ValidationError("--older-than takes a number of days, 0 or more") }
    }

    func run(now: Double = WallClock.now()) async -> Int32 {
        let days = olderThan ?? WorkflowsCommand.retentionDays
        return await state.withStore { store in
            let deleted = try await store.purgeRuns(createdBefore: days == 0 ? .infinity : now - days * 86_400)
            Terminal.out("Deleted \(deleted) workflow run\(deleted == 1 ? "" : "s") (\(store.location)).")
            return 0
        }
    }
}
