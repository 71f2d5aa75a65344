import ArgumentParser

/// `flowc`: checks flow files and turns them into Swift.
@main
struct FlowcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowc",
        abstract: "Check CallFlow flow files, compile them to Swift, and draw them.",
        subcommands: [CheckCommand.self, GenerateCommand.self, GraphCommand.self, SchemaCommand.self]
    )

    static func main() {
        HugePageHeap.prepare()
        main(nil)
    }
}
