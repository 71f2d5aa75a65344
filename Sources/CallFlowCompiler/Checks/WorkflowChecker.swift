/// Runs the checks of one workflow: names, the flow it names, every fillpoint (with what its
/// trigger provides), credentials, conditions, and each APIRequest action as an element's.
struct WorkflowChecker {
    let workflow: Workflow
    /// The flows of the build by name, for `Flow:`.
    let flows: [String: Flow]
    let sink: DiagnosticSink

    func run() {
        var seen: [String: Workflow.Action] = [:]
        for action in workflow.actions where !action.name.isEmpty {
            if let first = seen[action.name] {
                sink.report(.duplicateName, at: action.nameLocation, "another action is already named `\(action.name)`",
                            notes: ["`\(action.name)` is first defined at \(sink.reference(first.nameLocation))"])
            } else {
                seen[action.name] = action
            }
        }
        var flow: Flow?
        if let named = workflow.flow {
            flow = flows[named.value]
            if flow == nil {
                sink.report(.unknownReference, at: named.location, "no flow is named `\(named.value)`",
                            notes: Suggestion.note(for: named.value, in: flows.keys.sorted()))
            }
        }
        var propertyTypes: [String: ValueType] = [:]
        if let flow {
            var indexOf: [String: Int] = [:]
            for element in flow.elements where indexOf[element.name] == nil { indexOf[element.name] = element.index }
            var properties = PropertyTypes(flow: flow)
            // The flow's own problems are reported with the flow.
            properties.infer(flow: flow, indexOf: indexOf, sink: DiagnosticSink(file: flow.file))
            propertyTypes = properties.types
        }
        let resolver = WorkflowReferenceResolver(workflow: workflow, flow: flow, propertyTypes: propertyTypes)

        let branchChecks = BranchChecks(sink: sink)
        for condition in workflow.conditions {
            let type = resolver.resolve(condition.source, place: .branchSource, reader: 0, sink: sink)?.type
            if let value = condition.value {
                for fillpoint in value.fillpoints { _ = resolver.resolve(fillpoint, place: .other("Value"), reader: 0, sink: sink) }
            }
            let exit = ElementReference(name: "", location: condition.operandLocation, key: "")
            let branch = Branch(source: condition.source, sourceLocation: condition.sourceLocation,
                                conditions: [Branch.Condition(operand: condition.operand, operandLocation: condition.operandLocation, value: condition.value,
                                                              valueLocation: condition.valueLocation, goto: exit)],
                                defaultTarget: exit)
            branchChecks.check(branch, sourceType: type)
            if let flow { checkResultCode(condition, of: flow) }
        }

        let requestChecks = RequestChecks(sink: sink)
        let hostTrust = HostTrust(flow: resolver.base.flow, indexOf: resolver.base.indexOf)
        for action in workflow.actions {
            for use in Self.uses(of: action) {
                if use.place == .credential {
                    checkCredential(use.template)
                    continue
                }
                for fillpoint in use.template.fillpoints {
                    _ = resolver.resolve(fillpoint, place: use.place, reader: action.index, sink: sink)
                }
            }
            switch action.kind {
            case .apiRequest(let request)?:
                requestChecks.check(request)
                hostTrust.check(request, sink: sink)
            case .transcription(let transcription)?:
                if let trigger = workflow.trigger?.value, trigger != .recordingUploaded {
                    sink.report(.triggerMismatch, at: transcription.typeLocation,
                                "a Transcription transcribes the call's recording, which only `Trigger: RecordingUploaded` gives; this workflow's trigger is `\(trigger.rawValue)`",
                                notes: ["`flows serve --record DIR` records calls; RecordingUploaded fires when a recording is complete"])
                }
            default:
                break
            }
        }
    }

    /// A credential key takes one secret and nothing else: a key written in the file would be
    /// in git for anyone who can read it.
    private func checkCredential(_ template: Template) {
        if let fillpoint = template.soleFillpoint, fillpoint.root == "secrets", fillpoint.fallback == nil {
            if fillpoint.path.count == 2, let name = fillpoint.path[1].key, !workflow.secrets.contains(where: { $0.value == name }) {
                sink.report(.unknownField, at: fillpoint.location, "`\(name)` is not listed under `Secrets`; add it there to read it from FLOW_SECRET_\(name) at run time",
                            notes: Suggestion.note(for: name, in: workflow.secrets.map(\.value)))
            }
            return
        }
        sink.report(.secretLeak, at: template.location, "a credential here must be one secret, as in `<<secrets.API_KEY>>`: a key written in the file is in git for anyone who reads it",
                    notes: ["list the name under `Secrets:` and set FLOW_SECRET_<NAME> where flows runs"])
    }

    /// `{Source: <<call.result_code>>, Operand: Equals, Value: X}` where the flow never ends with `X`.
    private func checkResultCode(_ condition: Workflow.Condition, of flow: Flow) {
        guard condition.operand == .equals || condition.operand == .notEquals,
              condition.source.path.count == 2, condition.source.root == "call", condition.source.path[1].key == "result_code",
              let code = condition.value?.constant else { return }
        let codes = Self.resultCodes(of: flow)
        guard !codes.contains(code) else { return }
        sink.report(.unknownResultCode, at: condition.valueLocation ?? condition.operandLocation,
                    "`\(flow.name.value)` never ends with the result code `\(code)`, so this condition \(condition.operand == .equals ? "never holds" : "always holds")",
                    notes: ["its calls end with \(codes.sorted().map { "`\($0)`" }.joined(separator: ", "))"] + Suggestion.note(for: code, in: codes.sorted()))
    }

    /// Every result code a call of `flow` can end with: each element's `ResultCode` or its
    /// default, and the codes the runtime gives (a hang-up, the step limit, a failed transfer).
    static func resultCodes(of flow: Flow) -> Set<String> {
        var codes: Set<String> = ["INBOUND", "ABANDONED", "STEP_LIMIT"]
        for element in flow.elements {
            if case .transfer? = element.kind {
                codes.insert(element.resultCode?.value ?? "TRANSFERRED")
                codes.insert("TRANSFER_FAILED")
            } else if let code = element.resultCode?.value {
                codes.insert(code)
            }
        }
        return codes
    }

    /// The templates of an action in the order of its keys, with where each stands.
    static func uses(of action: Workflow.Action) -> [TemplateUse] {
        var uses: [TemplateUse] = []
        func add(_ template: Template?, _ place: TemplateUse.Place) {
            if let template { uses.append(TemplateUse(template: template, place: place)) }
        }
        switch action.kind {
        case .apiRequest(let request)?:
            let element = Element(name: action.name, nameLocation: action.nameLocation, index: action.index, description: nil, next: nil,
                                  resultCode: nil, agentsCanSee: false, supervisorCanSee: false, kind: .apiRequest(request))
            TemplateUse.append(of: element, to: &uses)
        case .sms(let sms)?:
            add(sms.sender.value, .other("Sender"))
            add(sms.recipient.value, .other("Recipient"))
            add(sms.text, .other("Text"))
            add(sms.keyId.value, .credential)
            add(sms.keySecret.value, .credential)
            add(sms.accountSid?.value, .credential)
        case .slack(let slack)?:
            add(slack.token.value, .credential)
            add(slack.channel, .other("Channel"))
            add(slack.text, .other("Text"))
            add(slack.iconEmoji, .other("IconEmoji"))
            add(slack.iconURL, .other("IconURL"))
        case .transcription(let transcription)?:
            add(transcription.key?.value, .credential)
        case nil:
            break
        }
        return uses
    }
}
