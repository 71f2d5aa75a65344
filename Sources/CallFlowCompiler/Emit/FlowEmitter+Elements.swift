extension FlowEmitter {
    func emitElement(_ element: Element, _ writer: inout CodeWriter) {
        let type = element.type!.rawValue
        writer.line("// \(type) `\(element.name)`, line \(element.nameLocation.line)\(element.description.map { ": " + SwiftNames.comment($0) } ?? "")")
        writer.block("func \(Self.functionName(element))() async -> Int?") { writer in
            writer.line("call.enter(\(SwiftNames.literal(element.name)), type: \(SwiftNames.literal(type)))")
            let defaultCode = element.type == .transfer ? "TRANSFERRED" : "INBOUND"
            writer.line("resultCode = \(SwiftNames.literal(element.resultCode?.value ?? defaultCode))")
            let edges = graph.edges[element.index]
            let name = SwiftNames.literal(element.name)
            switch element.kind! {
            case .tts(let tts):
                let text = buildText(tts.text, named: "text", &writer)
                writer.line("await call.say(\(name), \(text)\(tts.voice.map { ", voice: \(SwiftNames.literal($0))" } ?? ""))")
                writer.line(exit(edges[0].target))
            case .play(let play):
                writer.line("await call.play(\(name), \(fileList(play.phrase, &writer)))")
                writer.line(exit(edges[0].target))
            case .hangup(let hangup):
                if let template = hangup.text {
                    let text = buildText(template, named: "text", &writer)
                    writer.line("await call.say(\(name), \(text))")
                }
                writer.line("return nil")
            case .transfer(let transfer):
                let to = buildText(transfer.to, named: "destination", &writer)
                writer.line("if await call.transfer(\(name), to: \(to)) { return nil }")
                if let failure = edges.first(where: { $0.exit == .failure })?.target {
                    writer.line(exit(failure))
                } else {
                    writer.line("resultCode = FlowLimits.transferFailedResultCode")
                    writer.line("return nil")
                }
            case .setProperty(let set):
                sourceLine(set.valueLocation.line, &writer)
                let property = values.layout.path(.property, set.property)
                writer.line("\(property) = \(propertyValue(set.value, for: set.property, &writer))")
                writer.line("call.set(\(name), property: \(SwiftNames.literal(set.property)), value: FlowText.text(\(property)))")
                writer.line(exit(edges[0].target))
            case .collectInput(let input):
                let prompt = input.text.map { buildText($0, named: "prompt", &writer) } ?? "\"\""
                let files = fileList(input.phrase, &writer)
                let next = edges.first { $0.exit == .next }!.target
                let noInput = edges.first { $0.exit == .noInput }!.target
                let stored = values.layout.storedPath(.digits, element.name)
                let digits = stored == nil && next == noInput ? "_" : "let digits"
                writer.line("\(digits) = await call.collect(\(name), prompt: \(prompt), files: \(files), minDigits: \(input.minDigits), maxDigits: \(input.maxDigits), timeout: \(input.timeout), terminator: \(SwiftNames.literal(input.terminator)), retries: \(input.retries)\(input.sensitive ? ", sensitive: true" : ""))")
                if let stored { writer.line("\(stored) = digits ?? \"\"") }
                if next == noInput {
                    writer.line(exit(next))
                } else {
                    writer.block("if digits == nil") { writer in writer.line(exit(noInput)) }
                    writer.line(exit(next))
                }
            case .branch(let branch):
                emitBranch(element, branch, edges, &writer)
            case .apiRequest(let request):
                emitRequest(element, request, edges, &writer)
            }
        }
    }

    private func emitBranch(_ element: Element, _ branch: Branch, _ edges: ElementGraph.EdgeList, _ writer: inout CodeWriter) {
        let name = SwiftNames.literal(element.name)
        let source = values.expression(for: branch.source)
        writer.line("\(branch.source.fallback == nil ? "let" : "var") source = BranchValue(\(source.code))")
        switch branch.source.fallback {
        case .text(let text)?: writer.line("if case .unset = source { source = .text(\(SwiftNames.literal(text))) }")
        case .number(let number)?: writer.line("if case .unset = source { source = .text(\(SwiftNames.literal(number))) }")
        case nil: break
        }
        for (index, condition) in branch.conditions.enumerated() {
            sourceLine(condition.operandLocation.line, &writer)
            let operand = "Operand.\(Self.operandCase(condition.operand))"
            let test: String
            if let value = condition.value {
                test = "\(operand).holds(source, \(buildText(value, named: "value\(index + 1)", &writer)))"
            } else {
                test = "\(operand).holds(source)"
            }
            let target = edges[index].target!
            writer.block("if \(test)") { writer in
                writer.line("call.branch(\(name), goto: \(SwiftNames.literal(flow.elements[target].name)))")
                writer.line(exit(target))
            }
        }
        let fallback = edges.last!.target!
        writer.line("call.branch(\(name), goto: \(SwiftNames.literal(flow.elements[fallback].name)))")
        writer.line(exit(fallback))
    }

    static func operandCase(_ operand: Branch.Operand) -> String {
        SwiftNames.enumCase(operand.rawValue)
    }

    /// Writes the statements that build a template's text; returns the expression holding it.
    func buildText(_ template: Template, named variable: String, _ writer: inout CodeWriter) -> String {
        if let constant = template.constant { return SwiftNames.literal(constant) }
        if template.parts.count == 1, case .fillpoint(let fillpoint) = template.parts[0] { return values.text(fillpoint) }
        sourceLine(template.location.line, &writer)
        writer.line("var \(variable) = \"\"")
        for part in template.parts {
            switch part {
            case .text(let text): writer.line("\(variable) += \(SwiftNames.literal(text))")
            case .fillpoint(let fillpoint): writer.line("\(variable) += \(values.text(fillpoint))")
            }
        }
        return variable
    }

    /// `[file, file]` for a `Phrase`.
    func fileList(_ phrase: [Template], _ writer: inout CodeWriter) -> String {
        let files = phrase.enumerated().map { buildText($0.element, named: "file\($0.offset + 1)", &writer) }
        return "[" + files.joined(separator: ", ") + "]"
    }

    /// The value stored in a property, converted to how the property is stored.
    func propertyValue(_ template: Template, for property: String, _ writer: inout CodeWriter) -> String {
        let storage = ValueExpressions.storage(of: propertyTypes[property] ?? .string)
        if let fillpoint = template.soleFillpoint {
            if fillpoint.fallback != nil, storage.swiftType == "String" { return values.text(fillpoint) }
            return converted(values.expression(for: fillpoint), to: storage.swiftType, fallback: fillpoint.fallback)
        }
        if template.isPlainScalar, let constant = template.constant {
            switch storage.swiftType {
            case "Double": if let number = Double(constant) { return "\(number)" }
            case "Bool": if constant == "true" || constant == "false" { return constant }
            default: break
            }
        }
        let text = buildText(template, named: "value", &writer)
        return storage.swiftType == "String" ? text : "JSONValue.string(\(text))"
    }

    /// `expression` as a value of `swiftType` (the types agree by the property type checks).
    func converted(_ expression: ValueExpressions.Expression, to swiftType: String, fallback: Fallback?) -> String {
        var code = expression.code
        switch swiftType {
        case "JSONValue":
            if !expression.isJSON { code = expression.isOptional ? "(\(code))?.json" : "(\(code)).json" }
        case "Double":
            if expression.type.unwrapped == .integer {
                code = expression.isOptional ? "(\(code)).map { Double($0) }" : "Double(\(code))"
            }
            if case .number(let number)? = fallback, expression.isOptional { code = "(\(code)) ?? \(Double(number) ?? 0)" }
        default:
            break
        }
        return code
    }
}
