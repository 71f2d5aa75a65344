/// Builds a `Flow` from a flow file's YAML, checking keys, kinds and ranges as it goes
/// (`unknown-key`, `missing-key`, `invalid-value`, `invalid-name`, `fillpoint-syntax`,
/// `invalid-header`). It reports every problem it finds and still returns as much of the flow
/// as it could read, so that later checks find the problems elsewhere in the file too.
final class FlowDecoder {
    let sink: DiagnosticSink
    let file: String
    let templates: TemplateParser
    /// Reads a file named by the flow (a `ResultSample`), relative paths already resolved.
    let readFile: (String) -> [UInt8]?

    /// A key and its value, found in a mapping.
    struct Entry {
        var key: YAMLNode
        var value: YAMLNode
        /// The key as written, for messages.
        var name: String { key.text ?? "" }
        var location: SourceLocation { key.location }
    }

    /// The entries of one mapping whose keys `mapping(_:keys:owner:reportUnknown:)` checked.
    ///
    /// A view of the mapping itself, with a byte a key that sums up the first eight keys:
    /// looking a key up compares those bytes before any text, which costs less than building
    /// a table of the handful of keys. A name that is not in the key table could only find an
    /// unknown key, so callers ask for table keys only.
    struct Entries {
        private let pairs: YAMLNode.Pairs
        /// The summary of the key at position `p` in byte `p`, for `p < 8`.
        private var summaries: UInt64 = 0
        private static let summarized = 8

        init(_ pairs: YAMLNode.Pairs) {
            self.pairs = pairs
        }

        /// Length, first and last byte, folded into a byte.
        private static func summary(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
            guard let first = text.first, let last = text.last else { return 0 }
            return UInt64(UInt8(truncatingIfNeeded: text.count &* 37 &+ Int(first) &* 5 &+ Int(last)))
        }

        /// Notes the text of the key at `position`.
        mutating func note(_ key: UnsafeBufferPointer<UInt8>, at position: Int) {
            if position < Self.summarized { summaries |= Self.summary(key) << (8 * position) }
        }

        subscript(name: StaticString) -> Entry? {
            let target = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            let summary = Self.summary(target)
            let noted = min(pairs.count, Self.summarized)
            var found: Int?
            for position in 0..<noted where (summaries >> (8 * position)) & 0xFF == summary && pairs.key(at: position, is: target) {
                found = position
                break
            }
            if found == nil, pairs.count > noted { found = pairs.firstIndex(ofKey: target, from: noted) }
            guard let found else { return nil }
            let pair = pairs[found]
            return Entry(key: pair.key, value: pair.value)
        }
    }

    init(file: String, sink: DiagnosticSink, readFile: @escaping @Sendable (String) -> [UInt8]?) {
        self.file = file
        self.sink = sink
        self.templates = TemplateParser(sink: sink)
        self.readFile = readFile
    }

    // MARK: - The flow

    /// What a file held: a flow, or (top key `Workflow`) a workflow.
    enum Decoded {
        case flow(Flow)
        case workflow(Workflow)
    }

    func decodeFile(_ documents: [YAMLNode]) -> Decoded? {
        guard let root = documents.first else {
            sink.report(.missingKey, at: SourceLocation(line: 1, column: 1),
                        "the file is empty; a flow file is a mapping with `Flow` and `Elements`")
            return nil
        }
        for extra in documents.dropFirst() {
            sink.report(.invalidValue, at: extra.location, "a flow file holds one YAML document; move this flow into a file of its own")
        }
        guard root.pairs != nil else {
            sink.report(.invalidValue, at: root.location, "a flow file is a mapping with `Flow` and `Elements`; found \(root.kindDescription)")
            return nil
        }
        if Self.isWorkflow(documents) { return decodeWorkflow(root).map { .workflow($0) } }
        return decode(root).map { .flow($0) }
    }

    private func decode(_ root: YAMLNode) -> Flow? {
        let entries = mapping(root, keys: ElementType.flowKeys, owner: "a flow file")

        let name = typeName(entries["Flow"], of: "flow", at: root.location)
        let description = entries["Description"].flatMap { optionalText($0) }
        let start = entries["Start"].flatMap { reference($0) }
        let secrets = entries["Secrets"].map { secretNames($0) } ?? []

        let elements = entries["Elements"].map { nonEmptyList($0, of: "elements", element) } ?? []
        return Flow(name: name, file: file, description: description, start: start, secrets: secrets, elements: elements)
    }

    /// The `Name` of an element or an action, and where it is (the item's, without one).
    func itemName(_ entry: Entry?, at location: SourceLocation, kind: String, use: String, reserved: [String]) -> (String, SourceLocation) {
        guard let entry, let text = text(entry) else { return ("", location) }
        if !Identifier.isElementName(text) {
            sink.report(.invalidName, at: entry.location, "`\(text)` is not a valid \(kind) name; \(use), so use letters, digits and `_`, starting with a letter",
                        notes: Identifier.elementNameSuggestion(for: text).map { ["for example `\($0)`"] } ?? [])
        } else if reserved.contains(text) {
            sink.report(.invalidName, at: entry.location, "`\(text)` is reserved for the `<<\(text).…>>` fillpoints; choose another name")
        }
        return (text, entry.location)
    }

    /// The items of `Elements` or `Actions`, each made by `make` with its position among those
    /// made; reports a value that is not a non-empty list.
    func nonEmptyList<Item>(_ entry: Entry, of noun: String, _ make: (YAMLNode, Int) -> Item?) -> [Item] {
        guard let items = entry.value.items, !items.isEmpty else {
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` must be a non-empty list of \(noun); found \(entry.value.items == nil ? entry.value.kindDescription : "an empty list")")
            return []
        }
        var made: [Item] = []
        made.reserveCapacity(items.count)
        for item in items {
            if let one = make(item, made.count) { made.append(one) }
        }
        return made
    }

    /// The name of a flow or workflow (`Flow`, `Workflow`), which becomes a Swift type name.
    func typeName(_ entry: Entry?, of kind: String, at location: SourceLocation) -> Located<String> {
        guard let entry, let text = text(entry) else { return Located("", at: location) }
        if !Identifier.isTypeName(text) {
            sink.report(.invalidName, at: entry.location, "`\(text)` is not a valid \(kind) name; it becomes a Swift type name, so start with a capital letter and use letters and digits only",
                        notes: Identifier.typeNameSuggestion(for: text).map { ["for example `\($0)`"] } ?? [])
        }
        return Located(text, at: entry.location)
    }

    func secretNames(_ entry: Entry) -> [Located<String>] {
        let nodes = entry.value.isNull ? [] : entry.value.itemsOrSelf
        var names: [Located<String>] = []
        for node in nodes {
            guard let text = node.text, node.pairs == nil else {
                sink.report(.invalidValue, at: node.location, "a secret is a name such as `API_TOKEN`; found \(node.kindDescription)")
                continue
            }
            if !Identifier.isSecretName(text) {
                sink.report(.invalidName, at: node.location, "`\(text)` is not a valid secret name; it is read from the environment variable FLOW_SECRET_<NAME>, so use letters, digits and `_` only")
                continue
            }
            if let first = names.first(where: { $0.value == text }) {
                sink.report(.duplicateName, at: node.location, "the secret `\(text)` is listed twice", notes: ["first listed at \(sink.reference(first.location))"])
                continue
            }
            names.append(Located(text, at: node.location))
        }
        return names
    }

    // MARK: - Elements

    private func element(_ node: YAMLNode, index: Int) -> Element? {
        guard node.pairs != nil else {
            sink.report(.invalidValue, at: node.location, "an element is a mapping with at least `Name` and `Type`; found \(node.kindDescription)")
            return nil
        }
        // Read Type first: it decides which keys are allowed.
        var type: ElementType?
        if let typePair = node.pairs!.first(where: { $0.key.hasText("Type") }) {
            var types: [String] { ElementType.allCases.map(\.rawValue) }
            if typePair.value.scalar != nil, !typePair.value.isNull {
                type = typePair.value.withText(ElementType.init(utf8:)) ?? nil
                if type == nil, let text = typePair.value.text {
                    sink.report(.invalidValue, at: typePair.key.location, "`\(text)` is not an element type; the types are \(types.joined(separator: ", "))",
                                notes: Suggestion.note(for: text, in: types))
                }
            } else {
                sink.report(.invalidValue, at: typePair.key.location, "`Type` needs one of \(types.joined(separator: ", ")); found \(typePair.value.kindDescription)")
            }
        }
        // A local function, not a closure value, so that its captures take no allocation.
        func label() -> String {
            let name = node.pairs!.first { $0.key.hasText("Name") }?.value.text
            let named = name.map { "`\($0)`" } ?? "element \(index + 1)"
            return type.map { "\(named) (\($0.rawValue))" } ?? named
        }
        let entries = mapping(node, keys: type?.allKeys ?? ElementType.commonKeys, owner: label(), reportUnknown: type != nil)

        let (name, nameLocation) = itemName(entries["Name"], at: node.location, kind: "element", use: "other elements refer to it",
                                            reserved: Identifier.reservedRoots)
        // The common keys first, then the type's own, as always; the element is made once,
        // since setting a field of a made element boxes a changed copy.
        let description = entries["Description"].flatMap { optionalText($0) }
        let next = entries["Next"].flatMap { reference($0) }
        let resultCode = entries["ResultCode"].flatMap { entry in text(entry).map { Located($0, at: entry.location) } }
        let agentsCanSee = entries["AgentsCanSee"].flatMap { bool($0) } ?? false
        let supervisorCanSee = entries["SupervisorCanSee"].flatMap { bool($0) } ?? false
        return Element(
            name: name, nameLocation: nameLocation, index: index, description: description, next: next,
            resultCode: resultCode, agentsCanSee: agentsCanSee, supervisorCanSee: supervisorCanSee,
            kind: type.flatMap { kind($0, entries, at: node.location, label: label()) })
    }

    private func kind(_ type: ElementType, _ entries: Entries, at location: SourceLocation, label: @autoclosure () -> String) -> Element.Kind? {
        switch type {
        case .apiRequest: apiRequest(entries, at: location).map { .apiRequest($0) }
        case .setProperty: setProperty(entries, at: location, label: label()).map { .setProperty($0) }
        case .branch: branch(entries).map { .branch($0) }
        case .tts: entries["Text"].flatMap { template($0) }.map {
            .tts(TTS(text: $0, voice: entries["Voice"].flatMap { optionalText($0) }, language: entries["Language"].flatMap { optionalText($0) }))
        }
        case .play: entries["Phrase"].flatMap { templateList($0) }.map { .play(Play(phrase: $0)) }
        case .collectInput: collectInput(entries).map { .collectInput($0) }
        case .transfer: entries["To"].flatMap { transfer($0, entries) }.map { .transfer($0) }
        case .hangup: .hangup(Hangup(text: entries["Text"].flatMap { template($0) }))
        }
    }

    // MARK: - Reading values

    /// The entries of a mapping by key. Reports keys that `keys` does not list (`unknown-key`,
    /// with a did-you-mean) and required keys it lacks (`missing-key`); with `reportUnknown`
    /// false, keys it does not list are skipped silently (used where `Type` is unknown, so the
    /// type's keys are too).
    func mapping(_ node: YAMLNode, keys: [ElementType.Key], owner: @autoclosure () -> String, reportUnknown: Bool = true) -> Entries {
        // A value that is not a mapping has no keys; only the missing ones are reported.
        let pairs = node.pairs ?? YAMLNode.Pairs()
        var entries = Entries(pairs)
        var required = keys.lazy.filter(\.isRequired).count
        for index in pairs.indices {
            let known = pairs.withKeyText(at: index) { text in
                entries.note(text, at: index)
                return keys.first { key in key.utf8.withUnsafeBufferPointer { $0.hasSameBytes(as: text) } }
            }
            switch known {
            case nil:
                let key = pairs[index].key
                sink.report(.unknownKey, at: key.location, "a key must be text; found \(key.kindDescription)")
            case .some(nil):
                if reportUnknown, let name = pairs[index].key.text {
                    sink.report(.unknownKey, at: pairs[index].key.location, "unknown key `\(name)` for \(owner())",
                                notes: Suggestion.note(for: name, in: keys.map(\.name)))
                }
            case .some(let key?):
                // Keys are unique (the loader reports duplicates), so this counts each once.
                if key.isRequired { required -= 1 }
            }
        }
        if required > 0 {
            for key in keys where key.isRequired && key.utf8.withUnsafeBufferPointer({ pairs.firstIndex(ofKey: $0, from: 0) }) == nil {
                sink.report(.missingKey, at: node.location, "\(owner()) is missing the required key `\(key.name)` (\(key.summary))")
            }
        }
        return entries
    }

    /// A scalar's text; numbers and booleans are text too.
    func text(_ entry: Entry) -> String? {
        guard let scalar = entry.value.scalar, !entry.value.isNull else {
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` needs a value; found \(entry.value.kindDescription)")
            return nil
        }
        return scalar.value
    }

    /// Text that may be left empty.
    func optionalText(_ entry: Entry) -> String? {
        entry.value.isNull ? nil : text(entry)
    }

    func template(_ entry: Entry) -> Template? {
        guard entry.value.scalar != nil, !entry.value.isNull else {
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` needs text, which may hold <<fillpoints>>; found \(entry.value.kindDescription)")
            return nil
        }
        return templates.parse(entry.value)
    }

    /// One template or a list of them (`Phrase`).
    func templateList(_ entry: Entry) -> [Template]? {
        let nodes = entry.value.itemsOrSelf
        var result: [Template] = []
        for node in nodes {
            guard node.scalar != nil, !node.isNull else {
                sink.report(.invalidValue, at: entry.location, "`\(entry.name)` takes a file name or a list of file names; found \(node.kindDescription)")
                return nil
            }
            guard let template = templates.parse(node) else { return nil }
            result.append(template)
        }
        if result.isEmpty {
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` needs at least one file")
            return nil
        }
        return result
    }

    /// False, with a `type-mismatch`, when the value carries a YAML tag other than `expected`
    /// (`Timeout: !!str 10`): the file says the value is something the key does not take.
    private func tagFits(_ entry: Entry, _ expected: String, _ kind: String) -> Bool {
        guard let tag = entry.value.tag else { return true }
        let name = tag.hasPrefix("tag:yaml.org,2002:") ? String(tag.dropFirst("tag:yaml.org,2002:".count)) : tag.hasPrefix("!!") ? String(tag.dropFirst(2)) : tag
        guard name != expected else { return true }
        let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + name : tag
        sink.report(.typeMismatch, at: entry.location, "`\(entry.name)` takes \(kind), but its value is tagged `\(shown)`; remove the tag")
        return false
    }

    func int(_ entry: Entry, in range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard tagFits(entry, "int", "a whole number") else { return nil }
        guard let scalar = entry.value.scalar, let value = Int(scalar.value), range.contains(value) else {
            let shown = entry.value.text.map { "`\($0)`" } ?? entry.value.kindDescription
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` must be a whole number\(unit) from \(range.lowerBound) to \(range.upperBound); found \(shown)")
            return nil
        }
        return value
    }

    func bool(_ entry: Entry) -> Bool? {
        guard tagFits(entry, "bool", "true or false") else { return nil }
        switch entry.value.scalar?.value {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default:
            let shown = entry.value.text.map { "`\($0)`" } ?? entry.value.kindDescription
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` must be true or false; found \(shown)")
            return nil
        }
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ entry: Entry, of: Choice.Type) -> Choice? where Choice.RawValue == String {
        guard let text = entry.value.text, let value = Choice(rawValue: text) else {
            let options = Choice.allCases.map(\.rawValue)
            let shown = entry.value.text.map { "`\($0)`" } ?? entry.value.kindDescription
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` must be one of \(options.joined(separator: ", ")); found \(shown)",
                        notes: entry.value.text.map { Suggestion.note(for: $0, in: options) } ?? [])
            return nil
        }
        return value
    }

    func reference(_ entry: Entry) -> ElementReference? {
        guard let text = entry.value.text, !entry.value.isNull, entry.value.scalar != nil else {
            sink.report(.invalidValue, at: entry.location, "`\(entry.name)` needs the name of an element; found \(entry.value.kindDescription)")
            return nil
        }
        return ElementReference(name: text, location: entry.location, key: entry.name)
    }

    /// A path written without `<< >>` (`ValueName`, a bare `Source`, a `Results` path),
    /// parsed as a fillpoint located at the value.
    func barePath(_ node: YAMLNode) -> Fillpoint? {
        guard let text = node.text, !node.isNull else { return nil }
        if node.scalar?.hasMarker == true {
            guard let template = templates.parse(node) else { return nil }
            return template.soleFillpoint
        }
        return templates.parseFillpoint(text, at: node.location)
    }

    /// `path` relative to the directory of the flow file.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}
