/// Reading a workflow file (top key `Workflow`) with the same checks of keys, kinds and
/// templates as a flow's; an `APIRequest` action is read as an APIRequest element is.
extension FlowDecoder {
    /// Whether the file's top mapping has a `Workflow` key (rather than `Flow`).
    static func isWorkflow(_ documents: [YAMLNode]) -> Bool {
        guard let pairs = documents.first?.pairs else { return false }
        return pairs.contains { $0.key.hasText("Workflow") }
    }

    func decodeWorkflow(_ root: YAMLNode) -> Workflow? {
        let entries = mapping(root, keys: ActionType.workflowKeys, owner: "a workflow file")
        let name = typeName(entries["Workflow"], of: "workflow", at: root.location)
        let description = entries["Description"].flatMap { optionalText($0) }
        let trigger = entries["Trigger"].flatMap { entry in choice(entry, of: Workflow.Trigger.self).map { Located($0, at: entry.location) } }
        let flow = entries["Flow"].flatMap { entry in text(entry).map { Located($0, at: entry.location) } }
        let secrets = entries["Secrets"].map { secretNames($0) } ?? []

        var conditions: [Workflow.Condition] = []
        if let entry = entries["Conditions"], !entry.value.isNull {
            if let items = entry.value.items {
                for item in items {
                    guard item.pairs != nil else {
                        sink.report(.invalidValue, at: item.location, "a condition is a mapping `{Source: <<call.result_code>>, Operand: Equals, Value: NO_CHOICE}`; found \(item.kindDescription)")
                        continue
                    }
                    if let condition = workflowCondition(item) { conditions.append(condition) }
                }
            } else {
                sink.report(.invalidValue, at: entry.location, "`Conditions` is a list of `{Source, Operand, Value}`; found \(entry.value.kindDescription)")
            }
        }

        let actions = entries["Actions"].map { nonEmptyList($0, of: "actions", action) } ?? []
        return Workflow(name: name, file: file, description: description, trigger: trigger, flow: flow, secrets: secrets,
                        conditions: conditions, actions: actions)
    }

    private func workflowCondition(_ node: YAMLNode) -> Workflow.Condition? {
        let entries = mapping(node, keys: ActionType.conditionKeys, owner: "a condition")
        guard let sourceEntry = entries["Source"], let operandEntry = entries["Operand"],
              let operand = choice(operandEntry, of: Branch.Operand.self) else { return nil }
        guard let source = sourceFillpoint(sourceEntry, example: "<<call.result_code>>"),
              let value = conditionValue(entries, operand: operand, at: node.location) else { return nil }
        return Workflow.Condition(source: source, sourceLocation: sourceEntry.location, operand: operand, operandLocation: operandEntry.location,
                                  value: value, valueLocation: entries["Value"]?.location)
    }

    private func action(_ node: YAMLNode, index: Int) -> Workflow.Action? {
        guard node.pairs != nil else {
            sink.report(.invalidValue, at: node.location, "an action is a mapping with at least `Name` and `Type`; found \(node.kindDescription)")
            return nil
        }
        var type: ActionType?
        var typeLocation = node.location
        if let typePair = node.pairs!.first(where: { $0.key.hasText("Type") }) {
            typeLocation = typePair.key.location
            let types = ActionType.allCases.map(\.rawValue)
            if let text = typePair.value.text, typePair.value.scalar != nil, !typePair.value.isNull {
                type = ActionType(rawValue: text)
                if type == nil {
                    sink.report(.invalidValue, at: typePair.key.location, "`\(text)` is not an action type; the types are \(types.joined(separator: ", "))",
                                notes: Suggestion.note(for: text, in: types))
                }
            } else {
                sink.report(.invalidValue, at: typePair.key.location, "`Type` needs one of \(types.joined(separator: ", ")); found \(typePair.value.kindDescription)")
            }
        }
        let named = node.pairs!.first { $0.key.hasText("Name") }?.value.text.map { "`\($0)`" } ?? "action \(index + 1)"
        let label = type.map { "\(named) (\($0.rawValue))" } ?? named
        let entries = mapping(node, keys: type?.allKeys ?? ActionType.commonKeys, owner: label, reportUnknown: type != nil)

        let (name, nameLocation) = itemName(entries["Name"], at: node.location, kind: "action", use: "later actions read its results by it",
                                            reserved: Identifier.reservedRoots + Identifier.workflowRoots)
        let description = entries["Description"].flatMap { optionalText($0) }
        let kind: Workflow.Kind? = switch type {
        case .apiRequest?: apiRequest(entries, at: node.location).map { .apiRequest($0) }
        case .sms?: sms(entries).map { .sms($0) }
        case .slack?: slack(entries).map { .slack($0) }
        case .transcription?: transcription(entries, typeLocation: typeLocation).map { .transcription($0) }
        case nil: nil
        }
        return Workflow.Action(name: name, nameLocation: nameLocation, index: index, description: description, kind: kind)
    }

    private func located(_ entry: Entry?) -> Located<Template>? {
        guard let entry, let template = template(entry) else { return nil }
        return Located(template, at: entry.location)
    }

    private func sms(_ entries: Entries) -> Workflow.SMS? {
        let provider = entries["Provider"].flatMap { choice($0, of: Workflow.SMS.Provider.self) } ?? .cloudTalk
        let sender = located(entries["Sender"]), recipient = located(entries["Recipient"])
        let text = entries["Text"].flatMap { template($0) }
        let keyId = located(entries["KeyId"]), keySecret = located(entries["KeySecret"]), accountSid = located(entries["AccountSid"])
        if let recipient, let constant = recipient.value.constant, !Self.isE164(constant) {
            sink.report(.invalidValue, at: recipient.location, "`\(constant)` is not an E.164 number; write `+` and 8 to 15 digits, with no spaces, such as `+442071234567`")
        }
        if let sender, let constant = sender.value.constant, !Self.isE164(constant) {
            if provider == .twilio {
                if !Self.isAlphanumericSender(constant) {
                    sink.report(.invalidValue, at: sender.location, "`\(constant)` is neither an E.164 number nor an alphanumeric sender ID; Twilio takes `+` and 8 to 15 digits, or up to 11 letters, digits and spaces with at least one letter")
                }
            } else {
                sink.report(.invalidValue, at: sender.location, "`\(constant)` is not an E.164 number; write `+` and 8 to 15 digits, with no spaces, such as `+442071234567` (an alphanumeric sender ID needs `Provider: Twilio`)")
            }
        }
        switch (provider, entries["AccountSid"]) {
        case (.twilio, nil):
            if let entry = entries["Provider"] {
                sink.report(.missingKey, at: entry.location, "`Provider: Twilio` needs `AccountSid: <<secrets.NAME>>`, the account the message is sent from")
            }
        case (.cloudTalk, let entry?):
            sink.report(.invalidValue, at: entry.location, "`AccountSid` is Twilio's; CloudTalk needs only `KeyId` and `KeySecret`, so remove it or set `Provider: Twilio`")
        default:
            break
        }
        guard let sender, let recipient, let text, let keyId, let keySecret else { return nil }
        return Workflow.SMS(provider: provider, sender: sender, recipient: recipient, text: text, keyId: keyId, keySecret: keySecret,
                            accountSid: accountSid)
    }

    private func slack(_ entries: Entries) -> Workflow.Slack? {
        let token = located(entries["Token"])
        let channel = entries["Channel"].flatMap { template($0) }
        let text = entries["Text"].flatMap { template($0) }
        let iconEmoji = entries["IconEmoji"].flatMap { template($0) }
        let iconURL = entries["IconURL"].flatMap { template($0) }
        let useMarkdown = entries["UseMarkdown"].flatMap { bool($0) } ?? true
        if let emoji = entries["IconEmoji"], entries["IconURL"] != nil {
            sink.report(.invalidValue, at: emoji.location, "give `IconEmoji` or `IconURL`, not both; Slack shows one icon")
        }
        guard let token, let channel, let text else { return nil }
        return Workflow.Slack(token: token, channel: channel, text: text, iconEmoji: iconEmoji, iconURL: iconURL, useMarkdown: useMarkdown)
    }

    private func transcription(_ entries: Entries, typeLocation: SourceLocation) -> Workflow.Transcription? {
        let engine = entries["Engine"].flatMap { choice($0, of: Workflow.Transcription.Engine.self) } ?? .google
        let language = entries["Language"].flatMap { text($0) } ?? "en-US"
        let model = entries["Model"].flatMap { choice($0, of: Workflow.Transcription.Model.self) } ?? .default
        let enhanced = entries["Enhanced"].flatMap { bool($0) } ?? false
        let key = located(entries["Key"])
        if let entry = entries["Language"], language.isEmpty || !language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            sink.report(.invalidValue, at: entry.location, "`\(language)` is not a language tag; write one such as `en-US` or `de-DE`")
        }
        if let entry = entries["Enhanced"], enhanced, model != .phoneCall, model != .video {
            sink.report(.invalidValue, at: entry.location, "`Enhanced: true` is for the `phone_call` and `video` models; this action's `Model` is `\(model.rawValue)`")
        }
        switch engine {
        case .google:
            if entries["Key"] == nil {
                sink.report(.missingKey, at: typeLocation, "a Transcription with the google engine is missing the required key `Key` (<<secrets.NAME>>: a Google Cloud API key)")
            }
        case .local:
            if let entry = entries["Key"] {
                sink.report(.invalidValue, at: entry.location, "the local engine needs no `Key`; remove it, or use `Engine: google`")
            }
            for name in ["Model", "Enhanced"] {
                if let entry = name == "Model" ? entries["Model"] : entries["Enhanced"] {
                    sink.report(.invalidValue, at: entry.location, "`\(name)` chooses among Google's models; the local engine has one, so remove it or use `Engine: google`")
                }
            }
            if let entry = entries["Language"], language.lowercased() != "en-us" {
                sink.report(.invalidValue, at: entry.location, "the local engine knows US English (`en-US`) only; use `Engine: google` for `\(language)`")
            }
        }
        return Workflow.Transcription(engine: engine, language: language, model: model, enhanced: enhanced, key: key, typeLocation: typeLocation)
    }

    /// A Twilio alphanumeric sender ID: 1 to 11 letters, digits and spaces, at least one letter.
    static func isAlphanumericSender(_ text: String) -> Bool {
        (1...11).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") } && text.contains { $0.isASCII && $0.isLetter }
    }
}
