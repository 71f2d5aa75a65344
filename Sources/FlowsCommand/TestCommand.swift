import ArgumentParser
import CallFlowCompiler
import CallFlowRuntime

/// `flows test [PATH …]`: runs scenario files against the compiled flows, with mocked HTTP.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run scenario tests of the flows.",
        discussion: """
            Each YAML document of a scenario file is a scenario: a call of one flow, the responses \
            its requests get, and what must come of it. Prints one line a scenario, the differences \
            of each that failed, and `N passed, N failed` last. Exits 1 when any failed.
            """
    )

    @Argument(help: ArgumentHelp("Scenario files, or folders searched for *.yaml and *.yml.", valueName: "path"))
    var paths: [String] = ["Flows/Tests"]

    func run(_ flows: [CompiledFlow], workflows: [CompiledWorkflow] = []) async -> Int32 {
        let discovery = FlowFileDiscovery(skipsTestFolders: false)
        let files = discovery.flowFiles(in: paths)
        for problem in discovery.problems { printError("flows: error: \(problem)") }
        guard discovery.problems.isEmpty else { return 1 }

        var passed = 0, failed = 0
        for file in files {
            guard let bytes = FileSystem.read(file) else {
                printError("flows: error: cannot read \(file)")
                failed += 1
                continue
            }
            let decoded = ScenarioDecoder.decode(bytes, file: file)
            if !decoded.diagnostics.isEmpty {
                Terminal.out(DiagnosticFormat.text.render(decoded.diagnostics), terminator: "")
            }
            // A scenario with a mistake in its file cannot pass.
            failed += decoded.rejected
            for scenario in decoded.scenarios {
                let outcome = await ScenarioRun(scenario: scenario, flows: flows, workflows: workflows).run()
                if outcome.passed {
                    passed += 1
                    Terminal.out("PASS  \(scenario.name)")
                } else {
                    failed += 1
                    Terminal.out("FAIL  \(scenario.name)  (\(scenario.location.reference(in: file)))")
                    for line in outcome.errors + outcome.differences {
                        Terminal.out(line.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
                    }
                }
            }
        }
        Terminal.out("\(passed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }
}
