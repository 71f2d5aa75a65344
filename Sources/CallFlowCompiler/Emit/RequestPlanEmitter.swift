/// Writes the statements that build a `RequestPlan` from an APIRequest's keys: an element's in
/// a flow, an action's in a workflow. The values come from `values`, which knows where each
/// fillpoint's value is kept.
struct RequestPlanEmitter {
    let values: ValueExpressions

    /// `let plan = RequestPlan(…)` (or `var`, and the keys that differ from the defaults).
    func emitPlan(_ request: APIRequest, _ writer: inout CodeWriter) {
        sourceLine(request.urlLocation.line, &writer)
        let adjusted = request.timeout != 10 || request.retries != 0 || !request.successStatus.isEmpty || !request.parseResponse
            || !request.query.isEmpty || !request.headers.isEmpty || request.body != nil || request.contentType != nil
            || request.rateLimit != nil || !request.alertEmail.isEmpty
        writer.line("\(adjusted ? "var" : "let") plan = RequestPlan(method: .\(request.method.rawValue.lowercased()), url: \(pieces(request.url, naming: true)))")
        if request.timeout != 10 { writer.line("plan.timeout = \(request.timeout)") }
        if request.retries != 0 { writer.line("plan.retries = \(request.retries)") }
        if !request.successStatus.isEmpty { writer.line("plan.successStatus = [\(request.successStatus.map(String.init).joined(separator: ", "))]") }
        if !request.parseResponse { writer.line("plan.waitsForResponse = false") }
        if let limit = request.rateLimit { writer.line("plan.rateLimit = RateLimit(count: \(limit.count), seconds: \(limit.period))") }
        if !request.alertEmail.isEmpty {
            writer.line("plan.alertEmail = [\(request.alertEmail.map(SwiftNames.literal).joined(separator: ", "))]")
        }
        if !request.query.isEmpty {
            writer.list("plan.query =") { writer in
                for item in request.query { writer.line("(name: \(SwiftNames.literal(item.name)), value: \(pieces(item.value))),") }
            }
        }
        if !request.headers.isEmpty {
            if let line = request.headerLocation?.line { sourceLine(line, &writer) }
            writer.list("plan.headers =") { writer in
                for header in request.headers { writer.line("(name: \(SwiftNames.literal(header.name)), value: \(pieces(header.value))),") }
            }
        }
        if let body = request.body {
            if let line = request.bodyLocation?.line { sourceLine(line, &writer) }
            switch (body, request.bodyType) {
            case (.raw(let template), _):
                writer.line("plan.body = .raw(\(pieces(template)))")
            case (.fields(let fields), .form):
                writer.list("plan.body = .form(") { writer in
                    for field in fields { writer.line("(name: \(SwiftNames.literal(field.key)), value: \(pieces(field.value))),") }
                }
                writer.line(")")
            case (.fields(let fields), _):
                writer.list("plan.body = .json(") { writer in
                    for field in fields {
                        let path = "[" + field.keyPath.map(SwiftNames.literal).joined(separator: ", ") + "]"
                        writer.line("(path: \(path), value: \(pieces(field.value, asJSON: true)), format: .\(field.format.rawValue.lowercased())),")
                    }
                }
                writer.line(")")
            }
        }
        if let contentType = request.contentType { writer.line("plan.contentType = \(pieces(contentType))") }
    }

    /// A template as `[TemplatePiece]`: constant text, values as text (or as JSON for a body
    /// value that is one fillpoint, so it keeps its type), secrets by name. With `naming`, each
    /// value carries its fillpoint's path, for run-time errors that name it (a URL's).
    func pieces(_ template: Template, asJSON: Bool = false, naming: Bool = false) -> String {
        if asJSON, let fillpoint = template.soleFillpoint, fillpoint.fallback == nil, fillpoint.root != "secrets" {
            let expression = values.expression(for: fillpoint)
            return "[.json((\(expression.code)).json)]"
        }
        let items = template.parts.map { part -> String in
            switch part {
            case .text(let text):
                return ".text(\(SwiftNames.literal(text)))"
            case .fillpoint(let fillpoint):
                if fillpoint.root == "secrets", let name = fillpoint.path.last?.key { return ".secret(\(SwiftNames.literal(name)))" }
                if naming { return ".fillpoint(\(values.text(fillpoint)), source: \(SwiftNames.literal(PathSegment.describe(fillpoint.path))))" }
                return ".value(\(values.text(fillpoint)))"
            }
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// `// line 12`: the line of the flow file the next statements come from. A comment, not a
    /// `#sourceLocation` directive: Swift parses every function body holding a directive on
    /// every build of the module (see `FlowEmitter`).
    func sourceLine(_ line: Int, _ writer: inout CodeWriter) {
        writer.line("// line \(line)")
    }
}
