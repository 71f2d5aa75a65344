/// Emits the Swift struct for a declared `Result` shape: typed fields, a decoder that names the
/// first path where a response differs, and a `json` view for writing the value as text.
enum ResultTypeEmitter {
    /// How a value of a result shape is held in Swift.
    indirect enum Plan {
        case string, number, integer, boolean
        case object(String)
        case array(Plan)
        case optional(Plan)

        var swiftType: String {
            switch self {
            case .string: "String"
            case .number: "Double"
            case .integer: "Int"
            case .boolean: "Bool"
            case .object(let name): name
            case .array(let element): "[\(element.swiftType)]"
            case .optional(let wrapped): wrapped.swiftType + "?"
            }
        }

        /// An expression decoding `value` (a `JSONValue?`) found at `path`.
        func decoder(value: String, path: String) -> String {
            switch self {
            case .string: "try ResponseDecoding.string(\(value), at: \(path))"
            case .number: "try ResponseDecoding.number(\(value), at: \(path))"
            case .integer: "try ResponseDecoding.integer(\(value), at: \(path))"
            case .boolean: "try ResponseDecoding.boolean(\(value), at: \(path))"
            case .object(let name): "try \(name)(json: \(value), at: \(path))"
            case .array(let element):
                "try ResponseDecoding.array(\(value), at: \(path)) { json, path throws(ResponseShapeError) in \(element.decoder(value: "json", path: "path")) }"
            case .optional(let wrapped):
                "try ResponseDecoding.optional(\(value), at: \(path)) { json, path throws(ResponseShapeError) in \(wrapped.decoder(value: "json", path: "path")) }"
            }
        }
    }

    /// Declares `public struct NAME` for an object shape, with nested structs for nested objects.
    static func emit(_ name: String, fields: [ValueType.Field], into writer: inout CodeWriter) {
        let identifiers = SwiftNames.fieldIdentifiers(fields)
        // A nested type never shares a field's name (a key `Value` holding an object).
        var takenNames = Set(identifiers.map { $0.trimming("`") }).union([name])
        var nested: [(name: String, fields: [ValueType.Field])] = []
        let plans = fields.map { plan(for: $0.type, key: $0.name, taken: &takenNames, nested: &nested) }

        writer.block("public struct \(name): Sendable, JSONRepresentable") { writer in
            for (index, field) in fields.enumerated() {
                writer.line("/// " + SwiftNames.comment("`\(field.name)`: \(field.type)"))
                writer.line("public var \(identifiers[index]): \(plans[index].swiftType)")
            }
            for type in nested {
                writer.line()
                emit(type.name, fields: type.fields, into: &writer)
            }
            writer.line()
            writer.block("public init(json value: JSONValue?, at path: String) throws(ResponseShapeError)") { writer in
                if fields.isEmpty {
                    writer.line("_ = try ResponseDecoding.object(value, at: path)")
                    return
                }
                writer.line("let object = try ResponseDecoding.object(value, at: path)")
                for (index, field) in fields.enumerated() {
                    let key = SwiftNames.literal(field.name)
                    // `self.`: a field may be named `path`, `value` or `object`, like the locals here.
                    writer.line("self.\(identifiers[index]) = \(plans[index].decoder(value: "object[\(key)]", path: "ResponseDecoding.member(path, \(key))"))")
                }
            }
            writer.line()
            writer.block("public var json: JSONValue") { writer in
                let members = fields.enumerated().map { "(key: \(SwiftNames.literal($0.element.name)), value: \(identifiers[$0.offset]).json)" }
                writer.line(".object([" + members.joined(separator: ", ") + "])")
            }
        }
    }

    /// The plan for a field's type; nested objects get a struct named after the key.
    private static func plan(for type: ValueType, key: String, taken: inout Set<String>, nested: inout [(name: String, fields: [ValueType.Field])]) -> Plan {
        switch type {
        case .string: return .string
        case .number: return .number
        case .integer: return .integer
        case .boolean: return .boolean
        case .object(let fields):
            let name = SwiftNames.typeName(forKey: key, taken: &taken)
            nested.append((name, fields))
            return .object(name)
        case .array(let element):
            return .array(plan(for: element, key: key, taken: &taken, nested: &nested))
        case .optional(let wrapped):
            let inner = plan(for: wrapped, key: key, taken: &taken, nested: &nested)
            if case .optional = inner { return inner }
            return .optional(inner)
        }
    }
}
