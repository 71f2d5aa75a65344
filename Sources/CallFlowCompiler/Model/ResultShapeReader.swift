/// Reads a `Result` shape (FLOW-LANGUAGE.md §5): a mapping from key to `string`, `number`,
/// `integer`, `boolean`, a nested mapping, a one-item list `[T]`, or any of these with a
/// trailing `?`. A key written with a trailing `?` (`address?: {…}`) makes a nested mapping or
/// list optional, since YAML has no other place for the `?` there.
struct ResultShapeReader {
    private let sink: DiagnosticSink

    static let scalarTypes = ["string", "number", "integer", "boolean"]

    init(sink: DiagnosticSink) {
        self.sink = sink
    }

    /// The object type of a `Result` mapping, or `nil` after reporting the problem.
    func readObject(_ node: YAMLNode, key: SourceLocation) -> ValueType? {
        guard node.pairs != nil else {
            sink.report(.invalidValue, at: key, "`Result` must be a mapping from response keys to types, such as `{Value: string}`; found \(node.kindDescription)")
            return nil
        }
        return read(node, key: key)
    }

    private func read(_ node: YAMLNode, key: SourceLocation) -> ValueType? {
        switch node.content {
        case .mapping(let pairs):
            var fields: [ValueType.Field] = []
            var valid = true
            for pair in pairs {
                guard var name = pair.key.text, !name.isEmpty else {
                    sink.report(.invalidValue, at: pair.key.location, "a result key must be text")
                    valid = false
                    continue
                }
                var optional = false
                if name.hasSuffix("?"), pair.key.scalar?.style == .plain, name.count > 1 {
                    name.removeLast()
                    optional = true
                }
                guard let type = read(pair.value, key: pair.key.location) else {
                    valid = false
                    continue
                }
                fields.append(ValueType.Field(name: name, type: optional && !type.isOptional ? .optional(type) : type, location: pair.key.location))
            }
            return valid ? .object(fields) : nil
        case .sequence(let items):
            guard items.count == 1 else {
                sink.report(.invalidValue, at: key, "a list type has exactly one item, the type of its elements, as in `[string]`; found \(items.count)")
                return nil
            }
            return read(items[0], key: items[0].location).map { .array($0) }
        case .scalar(let scalar):
            if let type = Self.parse(typeName: scalar.value) { return type }
            let word = scalar.value.trimming("?[] ")
            sink.report(.invalidValue, at: key, "`\(scalar.value)` is not a result type; use string, number, integer, boolean, a mapping, or a one-item list such as [string], each optionally with a trailing `?`",
                        notes: Suggestion.note(for: word, in: Self.scalarTypes))
            return nil
        }
    }

    /// Parses a type written as text: `string`, `integer?`, `[number]`, `[string?]?`.
    static func parse(typeName text: String) -> ValueType? {
        switch text {
        case "string": .string
        case "number": .number
        case "integer": .integer
        case "boolean": .boolean
        case "string?": .optional(.string)
        case "number?": .optional(.number)
        case "integer?": .optional(.integer)
        case "boolean?": .optional(.boolean)
        default: parse(typeName: Substring(text))
        }
    }

    private static func parse(typeName text: Substring) -> ValueType? {
        var text = text.drop { $0 == " " }
        while text.last == " " { text = text.dropLast() }
        if text.hasSuffix("?") {
            return parse(typeName: text.dropLast()).map { $0.isOptional ? $0 : .optional($0) }
        }
        if text.hasPrefix("["), text.hasSuffix("]") {
            return parse(typeName: text.dropFirst().dropLast()).map { .array($0) }
        }
        switch text {
        case "string": return .string
        case "number": return .number
        case "integer": return .integer
        case "boolean": return .boolean
        default: return nil
        }
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimming(_ set: String) -> String {
        let drop = Set(set)
        var slice = Substring(self)
        while let first = slice.first, drop.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, drop.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
