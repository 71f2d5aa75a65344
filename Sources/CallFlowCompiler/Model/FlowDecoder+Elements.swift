extension FlowDecoder {
    func setProperty(_ entries: Entries, at location: SourceLocation, label: @autoclosure () -> String) -> SetProperty? {
        guard let nameEntry = entries["PropertyName"], let property = text(nameEntry) else { return nil }
        if !Identifier.isElementName(property) {
            sink.report(.invalidName, at: nameEntry.location, "`\(property)` is not a valid property name; fillpoints read it as `<<\(property)>>`, so use letters, digits and `_`, starting with a letter",
                        notes: Identifier.elementNameSuggestion(for: property).map { ["for example `\($0)`"] } ?? [])
        } else if Identifier.reservedRoots.contains(property) {
            sink.report(.invalidName, at: nameEntry.location, "`\(property)` is reserved for the `<<\(property).…>>` fillpoints; choose another name")
        }
        let propertyType = entries["PropertyType"].flatMap { choice($0, of: SetProperty.PropertyType.self) } ?? .ivrData

        let value: Template?
        let valueLocation: SourceLocation
        switch (entries["Value"], entries["ValueName"]) {
        case (let valueEntry?, let nameEntry?):
            sink.report(.invalidValue, at: nameEntry.location, "give `Value` or `ValueType: DataBin` with `ValueName`, not both")
            value = template(valueEntry)
            valueLocation = valueEntry.location
        case (let valueEntry?, nil):
            if let typeEntry = entries["ValueType"] {
                sink.report(.invalidValue, at: typeEntry.location, "`ValueType` goes with `ValueName`; with `Value`, remove it")
            }
            value = valueEntry.value.isNull ? Template(parts: [], location: valueEntry.value.location) : template(valueEntry)
            valueLocation = valueEntry.location
        case (nil, let nameEntry?):
            if let typeEntry = entries["ValueType"], let type = text(typeEntry), type != "DataBin" {
                sink.report(.invalidValue, at: typeEntry.location, "`ValueType` must be `DataBin` (a value read from a path named by `ValueName`); found `\(type)`",
                            notes: Suggestion.note(for: type, in: ["DataBin"]))
            }
            guard nameEntry.value.scalar != nil, !nameEntry.value.isNull else {
                sink.report(.invalidValue, at: nameEntry.location, "`ValueName` needs a path such as `GETAPI.Result.Value`")
                return nil
            }
            value = barePath(nameEntry.value).map { Template(parts: [.fillpoint($0)], location: nameEntry.value.location) }
            valueLocation = nameEntry.location
        case (nil, nil):
            let key = entries["ValueType"] == nil ? "Value" : "ValueName"
            sink.report(.missingKey, at: location, "\(label()) is missing the required key `\(key)` (the value to store)")
            return nil
        }
        guard let value else { return nil }
        return SetProperty(property: property, propertyLocation: nameEntry.location, propertyType: propertyType, value: value, valueLocation: valueLocation)
    }

    func branch(_ entries: Entries) -> Branch? {
        guard let sourceEntry = entries["Source"], let defaultEntry = entries["Default"] else { return nil }
        guard let source = sourceFillpoint(sourceEntry, example: "<<GETAPI.Result.status.0>>", alternative: "; to branch on text built from several values, set a property first"),
              let defaultTarget = reference(defaultEntry) else { return nil }

        var conditions: [Branch.Condition] = []
        if let entry = entries["Conditions"], !entry.value.isNull {
            guard let items = entry.value.items else {
                sink.report(.invalidValue, at: entry.location, "`Conditions` is a list of `{Operand, Value, Goto}`; found \(entry.value.kindDescription)")
                return nil
            }
            for item in items {
                guard item.pairs != nil else {
                    sink.report(.invalidValue, at: item.location, "a condition is a mapping `{Operand: Equals, Value: gold, Goto: Gold}`; found \(item.kindDescription)")
                    continue
                }
                if let condition = condition(item) { conditions.append(condition) }
            }
        }
        return Branch(source: source, sourceLocation: sourceEntry.location, conditions: conditions, defaultTarget: defaultTarget)
    }

    private func condition(_ node: YAMLNode) -> Branch.Condition? {
        let entries = mapping(node, keys: ElementType.conditionKeys, owner: "a condition")
        guard let operandEntry = entries["Operand"], let gotoEntry = entries["Goto"],
              let operand = choice(operandEntry, of: Branch.Operand.self), let goto = reference(gotoEntry),
              let value = conditionValue(entries, operand: operand, at: node.location) else { return nil }
        return Branch.Condition(operand: operand, operandLocation: operandEntry.location, value: value,
                                valueLocation: entries["Value"]?.location, goto: goto)
    }

    /// A `Source`: a property name or one fillpoint (a Branch's, a workflow condition's).
    func sourceFillpoint(_ entry: Entry, example: String, alternative: String = "") -> Fillpoint? {
        guard entry.value.scalar != nil, !entry.value.isNull else {
            sink.report(.invalidValue, at: entry.location, "`Source` needs a property name or one fillpoint such as `\(example)`")
            return nil
        }
        guard entry.value.scalar!.hasMarker else { return barePath(entry.value) }
        guard let template = templates.parse(entry.value) else { return nil }
        guard let source = template.soleFillpoint else {
            sink.report(.invalidValue, at: entry.location, "`Source` must be one fillpoint and nothing else, such as `\(example)`\(alternative)")
            return nil
        }
        return source
    }

    /// A condition's `Value`, which the operand takes or refuses: nil after an error, else the
    /// template, itself nil for `IsEmpty` and `IsNotEmpty`.
    func conditionValue(_ entries: Entries, operand: Branch.Operand, at location: SourceLocation) -> Template?? {
        guard let valueEntry = entries["Value"] else {
            guard operand.isUnary else {
                sink.report(.missingKey, at: location, "a condition with `\(operand.rawValue)` is missing the required key `Value` (the value compared with)")
                return nil
            }
            return .some(nil)
        }
        if operand.isUnary {
            sink.report(.invalidValue, at: valueEntry.location, "`\(operand.rawValue)` takes no `Value`; remove it")
            return nil
        }
        guard let value = valueEntry.value.isNull ? Template(parts: [], location: valueEntry.value.location) : template(valueEntry) else { return nil }
        return .some(value)
    }

    func collectInput(_ entries: Entries) -> CollectInput? {
        let minDigits = entries["MinDigits"].flatMap { int($0, in: 1...32) } ?? 1
        var maxDigits = entries["MaxDigits"].flatMap { int($0, in: 1...32) } ?? 1
        if let entry = entries["MaxDigits"], maxDigits < minDigits {
            sink.report(.invalidValue, at: entry.location, "`MaxDigits` (\(maxDigits)) is less than `MinDigits` (\(minDigits))")
            maxDigits = minDigits
        } else if entries["MaxDigits"] == nil, minDigits > maxDigits {
            maxDigits = minDigits
        }
        var terminator = "#"
        if let entry = entries["Terminator"] {
            if entry.value.isNull, entry.value.scalar?.value.isEmpty == true {
                sink.report(.invalidValue, at: entry.location, "`Terminator` is empty; a bare `#` starts a YAML comment, so quote it: `Terminator: \"#\"`")
            } else if let text = entry.value.text, text.count <= 1, text.allSatisfy({ "0123456789*#".contains($0) }) {
                terminator = text
            } else {
                sink.report(.invalidValue, at: entry.location, "`Terminator` is one key, 0-9, * or #, or \"\" for none; found \(entry.value.text.map { "`\($0)`" } ?? entry.value.kindDescription)")
            }
        }
        return CollectInput(
            text: entries["Text"].flatMap { template($0) },
            phrase: entries["Phrase"].flatMap { templateList($0) } ?? [],
            minDigits: minDigits, maxDigits: maxDigits,
            timeout: entries["Timeout"].flatMap { int($0, in: 1...60, unit: " of seconds") } ?? 5,
            terminator: terminator,
            retries: entries["Retries"].flatMap { int($0, in: 0...9) } ?? 2,
            sensitive: entries["Sensitive"].flatMap { bool($0) } ?? false,
            onNoInput: entries["OnNoInput"].flatMap { reference($0) })
    }

    func transfer(_ entry: Entry, _ entries: Entries) -> Transfer? {
        guard let to = template(entry) else { return nil }
        if let constant = to.constant, constant.hasPrefix("+"), !Self.isE164(constant) {
            sink.report(.invalidValue, at: entry.location, "`\(constant)` is not an E.164 number; write `+` and 8 to 15 digits, with no spaces, such as `+442071234567`")
        }
        return Transfer(to: to, onFailure: entries["OnFailure"].flatMap { reference($0) })
    }

    static func isE164(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.hasPrefix("+") && (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
