/// Emits the Swift file of one checked workflow: an enum named after it with the workflow as
/// a `CompiledWorkflow`, a function for its conditions and one an action that makes the
/// action from what the run has (`WorkflowContext`). Like a flow's, the file declares little:
/// what `flows` reads is built in function bodies.
struct WorkflowEmitter {
    let workflow: Workflow
    let displayPath: String
    let values: ValueExpressions

    /// - Parameter flow: the flow `Flow:` names, whose properties and digits the run carries.
    init(workflow: Workflow, flow: Flow?, displayPath: String) {
        self.workflow = workflow
        self.displayPath = displayPath
        let scope = flow ?? Flow(name: workflow.name, file: workflow.file, description: nil, start: nil, secrets: [], elements: [])
        var indexOf: [String: Int] = [:]
        for element in scope.elements where indexOf[element.name] == nil { indexOf[element.name] = element.index }
        var properties = PropertyTypes(flow: scope)
        properties.infer(flow: scope, indexOf: indexOf, sink: DiagnosticSink(file: scope.file))
        var actions: [String: Workflow.Action] = [:]
        for action in workflow.actions where actions[action.name] == nil { actions[action.name] = action }
        let empty = Flow(name: workflow.name, file: workflow.file, description: nil, start: nil, secrets: [], elements: [])
        values = ValueExpressions(flow: scope, indexOf: indexOf, propertyTypes: properties.types,
                                  layout: StateLayout(flow: empty, propertyTypes: [:]), scope: .workflow(actions: actions))
    }

    private var plans: RequestPlanEmitter { RequestPlanEmitter(values: values) }

    func emit() -> String {
        var writer = CodeWriter()
        writer.fileStart(from: displayPath, kind: "workflow", description: workflow.description)
        writer.block("public enum \(SwiftNames.flowTypeName(workflow.name.value))") { writer in
            emitCompiled(&writer)
            if !workflow.conditions.isEmpty { emitConditions(&writer) }
            emitDispatch(&writer)
            for action in workflow.actions {
                writer.line()
                emitAction(action, &writer)
            }
        }
        return writer.text
    }

    private func emitCompiled(_ writer: inout CodeWriter) {
        var arguments = ["name: \(SwiftNames.literal(workflow.name.value))"]
        if let description = workflow.description { arguments.append("summary: \(SwiftNames.literal(description))") }
        arguments.append("trigger: .\(SwiftNames.enumCase(workflow.trigger!.value.rawValue))")
        if let flow = workflow.flow { arguments.append("flow: \(SwiftNames.literal(flow.value))") }
        if !workflow.secrets.isEmpty {
            arguments.append("secrets: [" + workflow.secrets.map { SwiftNames.literal($0.value) }.joined(separator: ", ") + "]")
        }
        let actions = workflow.actions.map { "WorkflowActionInfo(\(SwiftNames.literal($0.name)), \(SwiftNames.literal($0.type!.rawValue)))" }
        arguments.append("actions: [" + actions.joined(separator: ", ") + "]")
        if !workflow.conditions.isEmpty { arguments.append("conditions: conditions(_:)") }
        arguments.append("action: action(_:_:)")
        writer.line("/// The workflow, for `GeneratedFlows.workflows`.")
        writer.block("public static var compiled: CompiledWorkflow") { writer in
            writer.arguments("CompiledWorkflow(", arguments)
        }
    }

    /// Every condition must hold.
    private func emitConditions(_ writer: inout CodeWriter) {
        writer.line()
        writer.block("static func conditions(_ run: WorkflowContext) -> Bool") { writer in
            for (index, condition) in workflow.conditions.enumerated() {
                plans.sourceLine(condition.sourceLocation.line, &writer)
                let source = "source\(index + 1)"
                writer.line("\(condition.source.fallback == nil ? "let" : "var") \(source) = BranchValue(\(values.expression(for: condition.source).code))")
                switch condition.source.fallback {
                case .text(let text)?: writer.line("if case .unset = \(source) { \(source) = .text(\(SwiftNames.literal(text))) }")
                case .number(let number)?: writer.line("if case .unset = \(source) { \(source) = .text(\(SwiftNames.literal(number))) }")
                case nil: break
                }
                let operand = "Operand.\(FlowEmitter.operandCase(condition.operand))"
                let test = condition.value.map { "\(operand).holds(\(source), \(text($0)))" } ?? "\(operand).holds(\(source))"
                writer.line("guard \(test) else { return false }")
            }
            writer.line("return true")
        }
    }

    /// A template's text as one expression.
    private func text(_ template: Template) -> String {
        if let constant = template.constant { return SwiftNames.literal(constant) }
        return template.parts.map { part in
            switch part {
            case .text(let text): SwiftNames.literal(text)
            case .fillpoint(let fillpoint): values.text(fillpoint)
            }
        }.joined(separator: " + ")
    }

    private func emitDispatch(_ writer: inout CodeWriter) {
        writer.line()
        writer.block("static func action(_ index: Int, _ run: WorkflowContext) -> WorkflowAction") { writer in
            writer.line("switch index {")
            for action in workflow.actions.dropLast() {
                writer.line("case \(action.index): \(Self.functionName(action))(run)")
            }
            writer.line("default: \(Self.functionName(workflow.actions.last!))(run)")
            writer.line("}")
        }
    }

    static func functionName(_ action: Workflow.Action) -> String { "action_\(action.name)" }

    private func emitAction(_ action: Workflow.Action, _ writer: inout CodeWriter) {
        writer.block("private static func \(Self.functionName(action))(_ run: WorkflowContext) -> WorkflowAction") { writer in
            plans.sourceLine(action.nameLocation.line, &writer)
            switch action.kind! {
            case .apiRequest(let request):
                plans.emitPlan(request, &writer)
                writer.line("return .request(plan, result: \(request.result.map(FlowEmitter.shapeLiteral) ?? "nil"))")
            case .sms(let sms):
                var arguments: [String] = []
                if sms.provider != .cloudTalk { arguments.append("provider: .\(SwiftNames.enumCase(sms.provider.rawValue))") }
                arguments += ["sender: \(plans.pieces(sms.sender.value))", "recipient: \(plans.pieces(sms.recipient.value))",
                              "text: \(plans.pieces(sms.text))", "keyId: \(plans.pieces(sms.keyId.value))",
                              "keySecret: \(plans.pieces(sms.keySecret.value))"]
                if let accountSid = sms.accountSid { arguments.append("accountSid: \(plans.pieces(accountSid.value))") }
                emitReturn("WorkflowAction.sms(SMSMessage", arguments, &writer)
            case .slack(let slack):
                var arguments = ["token: \(plans.pieces(slack.token.value))", "channel: \(plans.pieces(slack.channel))",
                                 "text: \(plans.pieces(slack.text))"]
                if let emoji = slack.iconEmoji { arguments.append("iconEmoji: \(plans.pieces(emoji))") }
                if let url = slack.iconURL { arguments.append("iconURL: \(plans.pieces(url))") }
                if !slack.useMarkdown { arguments.append("useMarkdown: false") }
                emitReturn("WorkflowAction.slack(SlackMessage", arguments, &writer)
            case .transcription(let transcription):
                var arguments = ["recording: run.recordingFile ?? \"\"", "language: \(SwiftNames.literal(transcription.language))"]
                if transcription.engine == .local {
                    arguments.insert("engine: .local", at: 0)
                } else {
                    if transcription.model != .default { arguments.append("model: \(SwiftNames.literal(transcription.model.rawValue))") }
                    if transcription.enhanced { arguments.append("enhanced: true") }
                    if let key = transcription.key { arguments.append("key: \(plans.pieces(key.value))") }
                }
                emitReturn("WorkflowAction.transcription(SpeechTranscription", arguments, &writer)
            }
        }
    }

    private func emitReturn(_ opening: String, _ arguments: [String], _ writer: inout CodeWriter) {
        writer.arguments("return \(opening)(", arguments, closing: "))")
    }
}
