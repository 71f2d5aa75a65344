import ArgumentParser
import CallFlowCompiler

/// `flowc schema flow|workflow|scenario`: the JSON Schema of flow, workflow or scenario files.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of flow, workflow or scenario files.",
        discussion: """
            Written from the compiler's own key tables; `make schema` refreshes the copies in \
            schema/ that editors point at.
            """
    )

    @Argument(help: "flow, workflow or scenario.")
    var kind: JSONSchemaWriter.Kind

    func run() {
        print(JSONSchemaWriter.schema(kind), terminator: "")
    }
}

extension JSONSchemaWriter.Kind: ExpressibleByArgument {}
