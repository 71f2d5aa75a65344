/// Resolves a workflow's fillpoints: the call and contact variables, the workflow-only
/// `call.flow`, `call.result_code` and `call.duration`, what the trigger adds (`recording.*`,
/// `request.*`), the results of earlier actions, and with `Flow:` that flow's properties and
/// CollectInput digits, which a caller's hang-up may have left unset.
struct WorkflowReferenceResolver {
    let workflow: Workflow
    /// Resolves what a flow's resolver would: call, contact, secrets, and the named flow's
    /// properties and elements.
    let base: ReferenceResolver
    let actionIndex: [String: Int]
    /// Whether `Flow:` names a flow whose values may be read.
    let hasFlow: Bool

    /// The `call` fields only a workflow reads, with whether the call must have ended.
    static let workflowCallFields: [(name: String, type: ValueType, needsEnd: Bool)] = [
        ("flow", .string, false), ("result_code", .string, true), ("duration", .number, true),
    ]
    static let recordingFields: [(name: String, type: ValueType)] = [("file", .string), ("duration", .number)]
    static let requestFields: [(name: String, type: ValueType)] = [("element", .string), ("status", .integer), ("error", .string)]

    init(workflow: Workflow, flow: Flow?, propertyTypes: [String: ValueType]) {
        self.workflow = workflow
        var indexOf: [String: Int] = [:]
        for element in flow?.elements ?? [] where indexOf[element.name] == nil { indexOf[element.name] = element.index }
        let scope = Flow(name: workflow.name, file: workflow.file, description: nil, start: nil, secrets: workflow.secrets,
                         elements: flow?.elements ?? [])
        base = ReferenceResolver(flow: scope, indexOf: indexOf, propertyTypes: propertyTypes.mapValues { $0 })
        var actionIndex: [String: Int] = [:]
        for action in workflow.actions where actionIndex[action.name] == nil { actionIndex[action.name] = action.index }
        self.actionIndex = actionIndex
        hasFlow = flow != nil
    }

    /// Resolves `fillpoint`, read by the action at `reader` (the conditions read before the
    /// first action: 0).
    func resolve(_ fillpoint: Fillpoint, place: TemplateUse.Place, reader: Int, sink: DiagnosticSink) -> ReferenceResolver.Resolution? {
        guard case .name(let root) = fillpoint.path[0] else { return base.resolve(fillpoint, place: place, sink: sink) }
        let rest = fillpoint.path.dropFirst()
        let trigger = workflow.trigger?.value
        switch root {
        case "call":
            if let key = rest.first?.key, let field = Self.workflowCallFields.first(where: { $0.name == key }) {
                if field.needsEnd, let trigger, !trigger.callHasEnded {
                    sink.report(.triggerMismatch, at: fillpoint.location, "`call.\(key)` is known once the call has ended, but `Trigger: \(trigger.rawValue)` fires while it goes on",
                                notes: ["read it under `Trigger: CallEnded` or `RecordingUploaded`"])
                    return nil
                }
                return finish(field.type, rest.dropFirst(), from: "call.\(key)", fillpoint, sink)
            }
            let table = ReferenceResolver.callVariables + Self.workflowCallFields.map { ($0.name, $0.type) }
            return base.variable(fillpoint, namespace: "call", table: table, rest: rest, sink: sink)
        case "contact", "secrets":
            return base.resolve(fillpoint, place: place, sink: sink)
        case "recording":
            return namespace(fillpoint, "recording", Self.recordingFields, only: .recordingUploaded, sink)
        case "request":
            return namespace(fillpoint, "request", Self.requestFields, only: .requestFailed, sink)
        default:
            break
        }
        if let index = actionIndex[root] {
            return actionValue(fillpoint, workflow.actions[index], reader: reader, sink: sink)
        }
        if hasFlow, base.indexOf[root] != nil || base.propertyTypes[root] != nil {
            return flowValue(fillpoint, root: root, place: place, sink: sink)
        }
        var candidates = workflow.actions.prefix(reader).map(\.name) + ["call", "contact", "secrets"]
        switch trigger {
        case .recordingUploaded?: candidates.append("recording")
        case .requestFailed?: candidates.append("request")
        default: break
        }
        if hasFlow { candidates += base.propertyTypes.keys.sorted() }
        let flowNote = hasFlow || workflow.flow != nil ? "" : "; a flow's properties are read with `Flow:` naming the flow"
        sink.report(.unknownReference, at: fillpoint.location, "`\(root)` is not an earlier action, a property of the flow, or one of call, contact and secrets\(flowNote)",
                    notes: Suggestion.note(for: root, in: candidates))
        return nil
    }

    private func namespace(_ fillpoint: Fillpoint, _ name: String, _ fields: [(name: String, type: ValueType)], only trigger: Workflow.Trigger,
                           _ sink: DiagnosticSink) -> ReferenceResolver.Resolution? {
        if let actual = workflow.trigger?.value, actual != trigger {
            sink.report(.triggerMismatch, at: fillpoint.location, "`<<\(name).…>>` is set by the `\(trigger.rawValue)` trigger, but this workflow's trigger is `\(actual.rawValue)`")
            return nil
        }
        return base.variable(fillpoint, namespace: name, table: fields, rest: fillpoint.path.dropFirst(), sink: sink)
    }

    private func finish(_ type: ValueType, _ rest: ArraySlice<PathSegment>, from owner: String, _ fillpoint: Fillpoint, _ sink: DiagnosticSink) -> ReferenceResolver.Resolution? {
        guard let next = rest.first else { return ReferenceResolver.Resolution(type: type, requires: nil) }
        sink.report(.unknownField, at: fillpoint.location, "`\(owner)` is \(ReferenceResolver.article(type)) and has no field `\(next)`")
        return nil
    }

    /// An earlier action's `Result` (APIRequest) or `Status`. A run stops at a failed action,
    /// so whatever a later action reads was set by a success.
    private func actionValue(_ fillpoint: Fillpoint, _ action: Workflow.Action, reader: Int, sink: DiagnosticSink) -> ReferenceResolver.Resolution? {
        guard action.index < reader else {
            let what = action.index == reader ? "this action itself" : "an action that runs after this one"
            sink.report(.unknownReference, at: fillpoint.location, "`\(action.name)` is \(what); an action reads only the results of the actions before it, and the conditions read none")
            return nil
        }
        let rest = fillpoint.path.dropFirst()
        guard let kind = action.kind else { return nil }
        if rest.first?.key == "Error" {
            sink.report(.noResult, at: fillpoint.location, "`\(action.name).Error` is never set where it could be read: a run stops at the first action that fails, so the actions after it do not run",
                        notes: ["a failed run's errors are in `flows workflows show RUN`"])
            return nil
        }
        switch kind {
        case .apiRequest(let request):
            let element = Element(name: action.name, nameLocation: action.nameLocation, index: action.index, description: nil, next: nil,
                                  resultCode: nil, agentsCanSee: false, supervisorCanSee: false, kind: .apiRequest(request))
            return base.elementValue(fillpoint, element: element, rest: rest, sink: sink).map { ReferenceResolver.Resolution(type: $0.type, requires: nil) }
        case .transcription:
            let offered = ["Text", "Confidence", "Status"]
            guard let field = rest.first?.key, offered.contains(field) else {
                sink.report(.unknownField, at: fillpoint.location, "`\(action.name)` is a Transcription; read its `\(action.name).Text`, `\(action.name).Confidence` or `\(action.name).Status`",
                            notes: Suggestion.note(for: rest.first?.key ?? "", in: offered))
                return nil
            }
            let type: ValueType = field == "Text" ? .string : field == "Confidence" ? .number : .integer
            return finish(type, rest.dropFirst(), from: "\(action.name).\(field)", fillpoint, sink)
        case .sms, .slack:
            guard let field = rest.first?.key, field == "Status" else {
                sink.report(.unknownField, at: fillpoint.location, "`\(action.name)` is \(kind.type == .sms ? "an SMS" : "a Slack") action; read its `\(action.name).Status`",
                            notes: Suggestion.note(for: rest.first?.key ?? "", in: ["Status"]))
                return nil
            }
            return finish(.integer, rest.dropFirst(), from: "\(action.name).Status", fillpoint, sink)
        }
    }

    /// A property or CollectInput digits of the named flow: unset wherever the caller hung up
    /// before the flow set it, so it is read with a `??` fallback.
    private func flowValue(_ fillpoint: Fillpoint, root: String, place: TemplateUse.Place, sink: DiagnosticSink) -> ReferenceResolver.Resolution? {
        if let index = base.indexOf[root], base.flow.elements[index].type != .collectInput {
            sink.report(.unknownReference, at: fillpoint.location, "`\(root)` is \(base.flow.elements[index].type?.withArticle ?? "an") element of the flow; a workflow reads the flow's properties and its CollectInput digits (`<<Name.Value>>`), not other elements' values",
                        notes: ["to keep a response for workflows, set a property from it (`Results:` or SetProperty)"])
            return nil
        }
        guard let resolution = base.resolve(fillpoint, place: place, sink: sink) else { return nil }
        if fillpoint.fallback == nil {
            sink.report(.maybeUnset, at: fillpoint.location, "`<<\(fillpoint.source.trimming(" "))>>` is the flow's, and a caller can hang up at any element, so it may be unset when the workflow runs; add a fallback, as in `<<\(PathSegment.describe(fillpoint.path)) ?? \"\">>`")
            return nil
        }
        return ReferenceResolver.Resolution(type: resolution.type, requires: nil)
    }
}
