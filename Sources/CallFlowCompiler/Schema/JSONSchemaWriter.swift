/// JSON Schemas (draft 2020-12) for flow, workflow and scenario files, written from the same key
/// tables the decoders check against, so that an editor's YAML support completes and flags
/// exactly the keys the compiler knows. Values are left to the compiler's own checks, except
/// where a kind is certain (a list, a mapping, an element type).
public enum JSONSchemaWriter {
    public enum Kind: String, Sendable, CaseIterable {
        case flow, workflow, scenario

        /// The file name under `schema/`.
        public var fileName: String { "\(rawValue).schema.json" }
    }

    public static func schema(_ kind: Kind) -> String {
        let root: Node = switch kind {
        case .flow: flowSchema
        case .workflow: workflowSchema
        case .scenario: scenarioSchema
        }
        var out = ""
        root.write(into: &out, indent: "")
        return out + "\n"
    }

    // MARK: - Flow files

    /// What an item with a `Type` (an element, an action) may hold: every key of every type,
    /// and for each type an `if Type is … then only its keys` schema.
    private static func typed(common: [ElementType.Key], types: [(name: String, keys: [ElementType.Key], allKeys: [ElementType.Key])]) -> (properties: [(String, Node)], schemas: [Node]) {
        var properties: [(String, Node)] = common.map { ($0.name, described($0)) }
        for type in types {
            for key in type.keys where !properties.contains(where: { $0.0 == key.name }) {
                properties.append((key.name, described(key)))
            }
        }
        let schemas: [Node] = types.map { type in
            .object([
                ("if", .object([("properties", .object([("Type", .object([("const", .string(type.name))]))])), ("required", .strings(["Type"]))])),
                ("then", .object([
                    ("properties", .object(type.allKeys.map { ($0.name, .bool(true)) })),
                    ("required", .strings(type.allKeys.filter(\.isRequired).map(\.name))),
                    ("additionalProperties", .bool(false)),
                ])),
            ])
        }
        return (properties, schemas)
    }

    private static var flowSchema: Node {
        let (elementProperties, typeSchemas) = typed(common: ElementType.commonKeys, types: ElementType.allCases.map { ($0.rawValue, $0.keys, $0.allKeys) })
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://callflow.dev/schema/flow.schema.json")),
            ("title", .string("CallFlow flow file")),
            ("description", .string("An IVR call flow: written from the CallFlow compiler's key tables. `flowc check` checks far more than this schema.")),
            ("type", .string("object")),
            ("properties", .object(ElementType.flowKeys.map { key in
                switch key.name {
                case "Elements": (key.name, described(key, [("type", .string("array")), ("minItems", .int(1)), ("items", .object([("$ref", .string("#/$defs/element"))]))]))
                case "Secrets": (key.name, described(key, [("type", .string("array")), ("items", .object([("type", .string("string"))]))]))
                default: (key.name, described(key))
                }
            })),
            ("required", .strings(ElementType.flowKeys.filter(\.isRequired).map(\.name))),
            ("additionalProperties", .bool(false)),
            ("$defs", .object([
                ("element", .object([
                    ("type", .string("object")),
                    ("properties", .object(elementProperties.map { name, node in
                        switch name {
                        case "Type": (name, .object([("description", .string("the element type")), ("enum", .strings(ElementType.allCases.map(\.rawValue)))]))
                        case "Conditions": (name, .object([("description", .string("list of {Operand, Value, Goto}; the first that holds wins")),
                                                            ("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/condition"))]))]))
                        default: (name, node)
                        }
                    })),
                    ("required", .strings(ElementType.commonKeys.filter(\.isRequired).map(\.name))),
                    ("allOf", .array(typeSchemas)),
                ])),
                ("condition", closedObject(ElementType.conditionKeys)),
            ])),
        ])
    }

    // MARK: - Workflow files

    private static var workflowSchema: Node {
        let (actionProperties, typeSchemas) = typed(common: ActionType.commonKeys, types: ActionType.allCases.map { ($0.rawValue, $0.keys, $0.allKeys) })
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://callflow.dev/schema/workflow.schema.json")),
            ("title", .string("CallFlow workflow file")),
            ("description", .string("A workflow automation run around calls: written from the CallFlow compiler's key tables. `flowc check` checks far more than this schema.")),
            ("type", .string("object")),
            ("properties", .object(ActionType.workflowKeys.map { key in
                switch key.name {
                case "Trigger": (key.name, described(key, [("enum", .strings(Workflow.Trigger.allCases.map(\.rawValue)))]))
                case "Actions": (key.name, described(key, [("type", .string("array")), ("minItems", .int(1)), ("items", .object([("$ref", .string("#/$defs/action"))]))]))
                case "Conditions": (key.name, described(key, [("type", .string("array")), ("items", .object([("$ref", .string("#/$defs/condition"))]))]))
                case "Secrets": (key.name, described(key, [("type", .string("array")), ("items", .object([("type", .string("string"))]))]))
                default: (key.name, described(key))
                }
            })),
            ("required", .strings(ActionType.workflowKeys.filter(\.isRequired).map(\.name))),
            ("additionalProperties", .bool(false)),
            ("$defs", .object([
                ("action", .object([
                    ("type", .string("object")),
                    ("properties", .object(actionProperties.map { name, node in
                        name == "Type" ? (name, .object([("description", .string("the action type")), ("enum", .strings(ActionType.allCases.map(\.rawValue)))])) : (name, node)
                    })),
                    ("required", .strings(ActionType.commonKeys.filter(\.isRequired).map(\.name))),
                    ("allOf", .array(typeSchemas)),
                ])),
                ("condition", closedObject(ActionType.conditionKeys)),
            ])),
        ])
    }

    // MARK: - Scenario files

    private static var scenarioSchema: Node {
        let response = closedObject(ScenarioKeys.response, overriding: [
            "Status": [("type", .string("integer")), ("minimum", .int(100)), ("maximum", .int(599))],
            "Headers": [("type", .string("object"))],
            "Delay": [("type", .string("number")), ("minimum", .int(0))],
            "Fail": [("enum", .strings(MockResponse.Failure.allCases.map(\.rawValue)))],
        ])
        let request = closedObject(ScenarioKeys.request, overriding: [
            "URL": [("type", .string("string"))],
            "Method": [("enum", .strings(APIRequest.Method.allCases.map(\.rawValue)))],
            "Headers": [("type", .string("object"))],
        ])
        // YAML reads an unquoted `1` as a number; the decoder takes any scalar as text.
        let texts: [(String, Node)] = [("type", .string("array")), ("items", .object([("type", .strings(["string", "number", "boolean"]))]))]
        let expect = closedObject(ScenarioKeys.expect, overriding: [
            "Path": texts,
            "Said": texts,
            "Requests": [("type", .string("object")), ("additionalProperties", .object([("$ref", .string("#/$defs/request"))]))],
            "Properties": [("type", .string("object"))],
            "Workflows": [("type", .string("object")), ("additionalProperties", .object([("enum", .strings(["succeeded", "failed"]))]))],
        ])
        let scenario = closedMembers(ScenarioKeys.scenario, overriding: [
            "Call": [("type", .string("object"))],
            "Contact": [("type", .string("object"))],
            "Inputs": texts,
            "Secrets": [("type", .string("object"))],
            "Responses": [("type", .string("object")), ("additionalProperties", .object([("oneOf", .array([
                .object([("$ref", .string("#/$defs/response"))]),
                .object([("type", .string("array")), ("minItems", .int(1)), ("items", .object([("$ref", .string("#/$defs/response"))]))]),
            ]))]))],
            "Expect": [("$ref", .string("#/$defs/expect"))],
        ])
        return .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://callflow.dev/schema/scenario.schema.json")),
            ("title", .string("CallFlow scenario file")),
            ("description", .string("A scenario test of a flow, run by `flows test`; each YAML document of a file is one scenario.")),
        ] + scenario + [
            ("$defs", .object([("response", response), ("expect", expect), ("request", request)])),
        ])
    }

    // MARK: - Building blocks

    private static func described(_ key: ElementType.Key, _ more: [(String, Node)] = []) -> Node {
        .object([("description", .string(key.summary))] + more)
    }

    /// An object with exactly these keys; `overriding` adds constraints to some of them.
    private static func closedObject(_ keys: [ElementType.Key], overriding: [String: [(String, Node)]] = [:]) -> Node {
        .object(closedMembers(keys, overriding: overriding))
    }

    /// The members of `closedObject`, for a schema that adds its own around them.
    private static func closedMembers(_ keys: [ElementType.Key], overriding: [String: [(String, Node)]] = [:]) -> [(String, Node)] {
        [
            ("type", .string("object")),
            ("properties", .object(keys.map { ($0.name, described($0, overriding[$0.name] ?? [])) })),
            ("required", .strings(keys.filter(\.isRequired).map(\.name))),
            ("additionalProperties", .bool(false)),
        ]
    }

    /// Just enough JSON to write a schema: keys in the order given, two-space indents.
    private indirect enum Node {
        case object([(String, Node)])
        case array([Node])
        case string(String)
        case int(Int)
        case bool(Bool)

        static func strings(_ values: [String]) -> Node { .array(values.map(Node.string)) }

        func write(into out: inout String, indent: String) {
            let inner = indent + "  "
            switch self {
            case .object(let members) where members.isEmpty: out += "{}"
            case .array(let items) where items.isEmpty: out += "[]"
            case .object(let members):
                out += "{\n"
                for (index, member) in members.enumerated() {
                    out += inner + JSONText.string(member.0) + ": "
                    member.1.write(into: &out, indent: inner)
                    out += index == members.count - 1 ? "\n" : ",\n"
                }
                out += indent + "}"
            case .array(let items):
                if items.allSatisfy({ if case .string = $0 { true } else { false } }) {
                    out += "["
                    for (index, item) in items.enumerated() {
                        item.write(into: &out, indent: inner)
                        if index < items.count - 1 { out += ", " }
                    }
                    out += "]"
                    return
                }
                out += "[\n"
                for (index, item) in items.enumerated() {
                    out += inner
                    item.write(into: &out, indent: inner)
                    out += index == items.count - 1 ? "\n" : ",\n"
                }
                out += indent + "]"
            case .string(let text): out += JSONText.string(text)
            case .int(let value): out += String(value)
            case .bool(let value): out += value ? "true" : "false"
            }
        }
    }
}
