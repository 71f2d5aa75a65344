import ArgumentParser

/// `flowc`: checks flow files and turns them into Swift.
@main
struct FlowcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowc",
        abstract: "Check CallFlow flow files and compile them to Swift.",
        subcommands: [CheckCommand.self, GenerateCommand.self]
    )
}
