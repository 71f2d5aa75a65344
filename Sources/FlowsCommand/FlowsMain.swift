import ArgumentParser
import CallFlowRuntime

#if canImport(Glibc)
import Glibc
#endif

/// The entry point of a `flows` executable: parses the command line and runs it against the
/// flows and workflows compiled into that executable.
public enum FlowsMain {
    /// - Parameters:
    ///   - flows: `GeneratedFlows.all`.
    ///   - workflows: `GeneratedFlows.workflows`; the workflows the calls of this process fire.
    public static func main(flows: [CompiledFlow], workflows: [CompiledWorkflow] = [],
                            arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        do {
            var command = try FlowsRootCommand.parseAsRoot(arguments)
            switch command {
            case let list as ListCommand:
                list.run(flows)
                exit(0)
            case let run as RunCommand:
                exit(await run.run(flows, workflows: workflows))
            case let list as WorkflowsListCommand:
                exit(await list.run(workflows))
            case let runs as WorkflowRunsCommand:
                exit(await runs.run())
            case let show as WorkflowShowCommand:
                exit(await show.run())
            case let retry as WorkflowRetryCommand:
                exit(await retry.run(workflows))
            case let purge as WorkflowPurgeCommand:
                exit(await purge.run())
            case let logs as LogsCommand:
                exit(await logs.run(flows))
            case let test as TestCommand:
                exit(await test.run(flows, workflows: workflows))
            case let serve as ServeCommand:
                exit(await serve.run(flows, workflows: workflows))
            case let trial as TryCommand:
                exit(await trial.run(flows))
            case let alerts as AlertsListCommand:
                exit(await alerts.run(flows))
            case let reset as AlertsResetCommand:
                exit(await reset.run(flows))
            default:
                try command.run()
                exit(0)
            }
        } catch {
            FlowsRootCommand.exit(withError: error)
        }
    }
}

struct FlowsRootCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: executableName,
            abstract: "List, run and test the compiled call flows.",
            subcommands: [ListCommand.self, RunCommand.self, ServeCommand.self, TryCommand.self, LogsCommand.self, TestCommand.self, AlertsCommand.self,
                          WorkflowsCommand.self]
        )
    }

    /// The name the executable was started by, for its help: `flows` in a user's package,
    /// `callflow-examples` in this repository.
    static var executableName: String {
        CommandLine.arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "flows"
    }
}

func printError(_ text: String) {
    Terminal.error(text)
}
