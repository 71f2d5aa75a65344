import CYAML

/// Reads YAML with libyaml's event API into `YAMLNode` trees that keep 1-based positions.
///
/// libyaml checks the syntax; this loader adds what libyaml leaves to its callers: duplicate
/// keys, aliases (with a bound on how far they may expand), merge keys (`<<: *base`) and a
/// bound on nesting depth, so that no input can exhaust memory or the stack.
public struct YAMLLoader {
    /// Deeper nesting is reported as an error; no flow needs more than a handful of levels.
    public static let maximumDepth = 256
    /// The most nodes that aliases may add by expansion, to stop "billion laughs" input.
    public static let maximumAliasExpansion = 1_000_000

    public struct Result: Sendable {
        /// One root node per YAML document in the file, in order.
        public var documents: [YAMLNode]
        public var diagnostics: [Diagnostic]
    }

    private var source: SourceText
    private let sink: DiagnosticSink
    private var stack: [Frame] = []
    private var documents: [YAMLNode] = []
    private var anchors: [String: YAMLNode] = [:]
    private var aliasExpansion = 0

    private struct Frame {
        enum Kind { case mapping, sequence }
        var kind: Kind
        var location: SourceLocation
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var keyIndex: [String: SourceLocation]?
        var weight = 1
        var hasMergeKey = false
    }

    private struct Stop: Error {}

    /// Parses `bytes` (the contents of `file`) into documents, reporting problems as
    /// `yaml-syntax` diagnostics located in `file`.
    public static func load(_ bytes: [UInt8], file: String) -> Result {
        var loader = YAMLLoader(file: file, source: SourceText(bytes: bytes))
        loader.run()
        return Result(documents: loader.documents, diagnostics: loader.sink.diagnostics)
    }

    private init(file: String, source: SourceText) {
        self.sink = DiagnosticSink(file: file)
        self.source = source
    }

    private mutating func run() {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            sink.report(.yamlSyntax, at: location(line: 0, column: 0), "the YAML parser could not start (out of memory)")
            return
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = source.bytes
        bytes.withUnsafeBufferPointer { buffer in
            // libyaml wants a non-null pointer even for empty input.
            let empty: [UInt8] = [0]
            empty.withUnsafeBufferPointer { emptyBuffer in
                let base = buffer.count > 0 ? buffer.baseAddress! : emptyBuffer.baseAddress!
                yaml_parser_set_input_string(&parser, base, buffer.count)
                var event = yaml_event_t()
                while true {
                    guard yaml_parser_parse(&parser, &event) == 1 else {
                        reportParserError(parser)
                        documents = []
                        return
                    }
                    defer { yaml_event_delete(&event) }
                    if event.type == YAML_STREAM_END_EVENT { return }
                    do {
                        try handle(event)
                    } catch {
                        documents = []
                        return
                    }
                }
            }
        }
    }

    private mutating func handle(_ event: yaml_event_t) throws {
        let start = location(line: event.start_mark.line, column: event.start_mark.column)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let raw = UnsafeBufferPointer(start: data.value, count: data.value == nil ? 0 : data.length)
            let value = String(decoding: raw, as: UTF8.self)
            let style = scalarStyle(data.style)
            var markers: [SourceLocation] = []
            if Self.hasMarker(raw) {
                markers = markerLocations(count: FillpointMarkers.count(in: raw, from: 0, to: raw.count), start: event.start_mark, end: event.end_mark)
            }
            let tag = data.tag.map { String(cString: $0) }
            let node = YAMLNode(
                content: .scalar(YAMLScalar(value: value, style: style, markerLocations: markers)),
                location: start, tag: tag, weight: 1)
            try complete(node, anchor: data.anchor.map { String(cString: $0) })

        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard stack.count < Self.maximumDepth else {
                sink.report(.yamlSyntax, at: start, "the YAML nests more than \(Self.maximumDepth) levels deep")
                throw Stop()
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            stack.append(Frame(
                kind: isMapping ? .mapping : .sequence, location: start,
                tag: tag.map { String(cString: $0) }, anchor: anchor.map { String(cString: $0) }))

        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            var frame = stack.removeLast()
            let content: YAMLNode.Content
            if frame.kind == .mapping {
                if frame.hasMergeKey { applyMergeKeys(&frame) }
                content = .mapping(frame.pairs)
            } else {
                content = .sequence(frame.items)
            }
            try complete(YAMLNode(content: content, location: frame.location, tag: frame.tag, weight: frame.weight),
                         anchor: frame.anchor)

        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard let node = anchors[name] else {
                sink.report(.yamlSyntax, at: start, "the alias `*\(name)` names no anchor defined before it",
                            notes: Suggestion.note(for: name, in: anchors.keys))
                throw Stop()
            }
            aliasExpansion += node.weight
            guard aliasExpansion <= Self.maximumAliasExpansion else {
                sink.report(.yamlSyntax, at: start, "aliases expand to more than \(Self.maximumAliasExpansion) nodes")
                throw Stop()
            }
            // Positions stay those of the anchored node, where the text really is; only the
            // node itself moves to where the alias stands.
            try complete(node.moved(to: start), anchor: nil)

        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]

        default:
            break
        }
    }

    /// Attaches a finished node to the collection being built, or makes it a document root.
    private mutating func complete(_ node: YAMLNode, anchor: String?) throws {
        if let anchor { anchors[anchor] = node }
        guard !stack.isEmpty else {
            documents.append(node)
            return
        }
        let top = stack.count - 1
        stack[top].weight += node.weight
        if stack[top].kind == .sequence {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            stack[top].pendingKey = node
            return
        }
        stack[top].pendingKey = nil
        if let text = key.scalar?.value, key.scalar?.style == .plain, text == "<<", key.tag == nil {
            stack[top].hasMergeKey = true
        } else if let text = key.scalar?.value {
            if let first = Self.firstLocation(ofKey: text, at: key.location, in: &stack[top]) {
                sink.report(.yamlSyntax, at: key.location, "duplicate key `\(text)` in this mapping",
                            notes: ["`\(text)` is first set at \(sink.reference(first)); remove one of them"])
            }
        }
        stack[top].pairs.append(YAMLPair(key: key, value: node))
    }

    /// The location of an earlier key with this text in the mapping, if any. Small mappings are
    /// searched directly; large ones get an index so the check stays linear.
    private static func firstLocation(ofKey text: String, at location: SourceLocation, in frame: inout Frame) -> SourceLocation? {
        if frame.keyIndex == nil {
            if frame.pairs.count < 16 {
                return frame.pairs.first { $0.key.scalar?.value == text }?.key.location
            }
            var index: [String: SourceLocation] = [:]
            for pair in frame.pairs.reversed() {
                if let keyText = pair.key.scalar?.value { index[keyText] = pair.key.location }
            }
            frame.keyIndex = index
        }
        if let first = frame.keyIndex![text] { return first }
        frame.keyIndex![text] = location
        return nil
    }

    /// YAML 1.1 merge keys: `<<: *base` (or a list of them) adds the keys of the merged
    /// mappings that this mapping does not set itself.
    private func applyMergeKeys(_ frame: inout Frame) {
        var own: [YAMLPair] = []
        var merged: [YAMLPair] = []
        for pair in frame.pairs {
            let isMerge = pair.key.scalar?.value == "<<" && pair.key.scalar?.style == .plain && pair.key.tag == nil
            guard isMerge else {
                own.append(pair)
                continue
            }
            let sources = pair.value.items ?? [pair.value]
            for source in sources {
                guard let sourcePairs = source.pairs else {
                    sink.report(.yamlSyntax, at: source.location, "a merge key `<<` takes a mapping or a list of mappings, not \(source.kindDescription)")
                    continue
                }
                merged.append(contentsOf: sourcePairs)
            }
        }
        var seen = Set(own.compactMap { $0.key.scalar?.value })
        for pair in merged {
            guard let text = pair.key.scalar?.value else { continue }
            if seen.insert(text).inserted { own.append(pair) }
        }
        frame.pairs = own
    }

    private mutating func reportParserError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_MEMORY_ERROR {
            sink.report(.yamlSyntax, at: location(line: 0, column: 0), "the YAML parser ran out of memory")
            return
        }
        // For "while parsing X" errors the context mark is where the construct that went wrong
        // starts (an unclosed bracket, say); the problem mark is where libyaml noticed it.
        if let context = parser.context.map({ String(cString: $0) }) {
            let at = location(line: parser.context_mark.line, column: parser.context_mark.column)
            let noticed = location(line: parser.problem_mark.line, column: parser.problem_mark.column)
            sink.report(.yamlSyntax, at: at, "invalid YAML: \(problem) \(context)",
                        notes: (noticed == at ? [] : ["the parser noticed it at \(sink.reference(noticed))"]) + tabNote(parser.problem_mark))
        } else {
            var at = location(line: parser.problem_mark.line, column: parser.problem_mark.column)
            if parser.error == YAML_READER_ERROR {
                // Reader errors (bad UTF-8, control characters) carry a byte offset only.
                at = location(ofByte: parser.problem_offset)
                sink.report(.yamlSyntax, at: at, "invalid YAML: \(problem) (byte \(parser.problem_offset)); flow files must be UTF-8 text")
            } else {
                sink.report(.yamlSyntax, at: at, "invalid YAML: \(problem)", notes: tabNote(parser.problem_mark))
            }
        }
    }

    /// A hint when libyaml stopped at a tab, which its messages do not name.
    private mutating func tabNote(_ mark: yaml_mark_t) -> [String] {
        let offset = source.offset(ofCharacter: mark.index)
        let isTab = offset < source.bytes.count && source.bytes[offset] == UInt8(ascii: "\t")
        return isTab ? ["this is a tab; YAML indents with spaces only"] : []
    }

    private func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(line: line + 1, column: column + 1)
    }

    private func location(ofByte offset: Int) -> SourceLocation {
        var line = 1, column = 1
        for byte in source.bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    private mutating func markerLocations(count: Int, start: yaml_mark_t, end: yaml_mark_t) -> [SourceLocation] {
        let from = source.offset(ofCharacter: start.index)
        let to = source.offset(ofCharacter: end.index)
        let raw = source.markers(from: from, to: to, line: start.line, column: start.column)
        guard raw.count == count else { return [] }
        return raw.map { SourceLocation(line: $0.line, column: $0.column) }
    }

    private static func hasMarker(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                if bytes[i - 1] == UInt8(ascii: "<") { return true }
                i += 1
            } else {
                // Neither this byte nor the one before can pair with the next.
                i += 2
            }
        }
        return false
    }

    private func scalarStyle(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
