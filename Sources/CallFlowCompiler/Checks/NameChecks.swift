/// Checks names: elements and properties unique and distinct, every exit and `Start` naming an
/// element of the flow.
struct NameChecks {
    let flow: Flow
    let sink: DiagnosticSink

    /// The index of each element by name (the first, where two share one).
    func elementIndex() -> [String: Int] {
        var index = [String: Int](minimumCapacity: flow.elements.count)
        for element in flow.elements where !element.name.isEmpty {
            // One hash a name: store, and put the first back in the rare case of a duplicate.
            if let first = index.updateValue(element.index, forKey: element.name) {
                index[element.name] = first
                sink.report(.duplicateName, at: element.nameLocation, "another element is already named `\(element.name)`; element names are unique in a flow",
                            notes: ["`\(element.name)` is first defined at \(sink.reference(flow.elements[first].nameLocation))"])
            }
        }
        return index
    }

    /// A property may be set in several places, but must not share an element's name.
    func checkProperties(_ assignments: [PropertyTypes.Assignment], elementIndex: [String: Int]) {
        var reported = Set<String>()
        for assignment in assignments {
            guard let element = elementIndex[assignment.property], reported.insert(assignment.property).inserted else { continue }
            let location: SourceLocation
            if case .setProperty(let set) = flow.elements[assignment.element].kind { location = set.propertyLocation } else { location = assignment.location }
            sink.report(.duplicateName, at: location, "the property `\(assignment.property)` has the name of an element; `<<\(assignment.property)>>` must mean one thing, so rename one of them",
                        notes: ["the element `\(assignment.property)` is defined at \(sink.reference(flow.elements[element].nameLocation))"])
        }
    }

    /// Every `Start`, `Next`, `Goto`, `OnSuccess`, `OnFailure`, `OnNoInput` and `Default`
    /// names an element. Returns whether all of them do.
    func checkTargets(elementIndex: [String: Int]) -> Bool {
        var references: [ElementReference] = []
        references.reserveCapacity(flow.elements.count + 1)
        if let start = flow.start { references.append(start) }
        for element in flow.elements {
            if let next = element.next { references.append(next) }
            switch element.kind {
            case .apiRequest(let request):
                if let onSuccess = request.onSuccess { references.append(onSuccess) }
                if let onFailure = request.onFailure { references.append(onFailure) }
            case .branch(let branch):
                for condition in branch.conditions { references.append(condition.goto) }
                references.append(branch.defaultTarget)
            case .collectInput(let input):
                if let onNoInput = input.onNoInput { references.append(onNoInput) }
            case .transfer(let transfer):
                if let onFailure = transfer.onFailure { references.append(onFailure) }
            default:
                break
            }
        }
        var allResolve = true
        for reference in references where elementIndex[reference.name] == nil {
            sink.report(.unknownTarget, at: reference.location, "`\(reference.key): \(reference.name)` names no element of this flow",
                        notes: Suggestion.note(for: reference.name, in: flow.elements.map(\.name)))
            allResolve = false
        }
        return allResolve
    }
}
