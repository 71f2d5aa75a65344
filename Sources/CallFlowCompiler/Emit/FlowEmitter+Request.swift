extension FlowEmitter {
    func emitRequest(_ element: Element, _ request: APIRequest, _ edges: ElementGraph.EdgeList, _ writer: inout CodeWriter) {
        let name = SwiftNames.literal(element.name)
        // The Phrase plays while the response is awaited; a request the flow does not wait for
        // plays it once.
        let phrase = request.phrase.isEmpty ? "" : fileList(request.phrase, &writer)
        if !request.parseResponse, !phrase.isEmpty { writer.line("await call.play(\(name), \(phrase))") }
        let holding = phrase.isEmpty || !request.parseResponse ? "" : ", holding: \(phrase)"
        plans.emitPlan(request, &writer)
        if !request.parseResponse {
            writer.line("await call.send(\(name), plan)")
            writer.line(exit(edges[0].target))
            return
        }
        if case .object = request.result {
            writer.line("let outcome = await call.request(\(name), plan\(holding), decode: requests[\(requestPosition(element.index)!)].decode)")
        } else {
            writer.line("let outcome = await call.request(\(name), plan\(holding))")
        }
        if let stored = values.layout.storedPath(.status, element.name) { writer.line("\(stored) = outcome.status") }
        let success = edges.first { $0.exit == .success }!.target
        let failure = edges.first { $0.exit == .failure }!.target
        writer.block("guard outcome.succeeded else") { writer in
            if let stored = values.layout.storedPath(.error, element.name) { writer.line("\(stored) = outcome.error") }
            writer.line(exit(failure))
        }
        if case .object = request.result {
            if let stored = values.layout.storedPath(.result, element.name) { writer.line("\(stored) = outcome.value") }
            if !request.results.isEmpty {
                writer.block("if let result = outcome.value") { writer in
                    for assignment in request.results {
                        sourceLine(assignment.location.line, &writer)
                        let start = ValueExpressions.Expression(code: "result", type: request.result!, isOptional: false)
                        let value = values.result(start, assignment.path[...])
                        let storage = ValueExpressions.storage(of: propertyTypes[assignment.property] ?? .string)
                        let property = values.layout.path(.property, assignment.property)
                        writer.line("\(property) = \(converted(value, to: storage.swiftType, fallback: nil))")
                        writer.line("call.set(\(name), property: \(SwiftNames.literal(assignment.property)), value: FlowText.text(\(property)))")
                    }
                }
            }
        }
        writer.line(exit(success))
    }
}
