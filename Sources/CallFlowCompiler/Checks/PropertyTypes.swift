/// Where properties are set, and the type each one holds. A property's type is the type of its
/// value; setting it with two different types is a `type-mismatch`.
struct PropertyTypes {
    /// One place that sets a property.
    struct Assignment {
        enum Source {
            case template(Template)
            /// A `Results` entry: a path below the element's `Result`.
            case result([PathSegment])
        }

        var property: String
        var element: Int
        /// The key that gives the value (`Value`, `ValueName`, or the `Results` entry).
        var location: SourceLocation
        var source: Source
        /// The exit on which the property is set; `nil` for every exit of the element.
        var exit: ElementGraph.Exit?
    }

    let assignments: [Assignment]
    /// The inferred type of each property (text where nothing better is known).
    private(set) var types: [String: ValueType] = [:]

    init(flow: Flow) {
        var assignments: [Assignment] = []
        for element in flow.elements {
            switch element.kind {
            case .setProperty(let set):
                assignments.append(Assignment(property: set.property, element: element.index, location: set.valueLocation, source: .template(set.value), exit: nil))
            case .apiRequest(let request):
                for result in request.results {
                    assignments.append(Assignment(property: result.property, element: element.index, location: result.location, source: .result(result.path), exit: .success))
                }
            default:
                break
            }
        }
        self.assignments = assignments
    }

    /// The names of all properties, in the order they are first set.
    var names: [String] {
        var seen = Set<String>()
        return assignments.compactMap { seen.insert($0.property).inserted ? $0.property : nil }
    }

    /// Infers every property's type and reports properties set with two types. A value may read
    /// other properties, so inference repeats until nothing more can be learnt.
    mutating func infer(flow: Flow, indexOf: [String: Int], sink: DiagnosticSink) {
        let names = names
        var known = [String: ValueType?](minimumCapacity: names.count)
        for name in names { known[name] = .some(nil) }
        var assignmentTypes = [ValueType?](repeating: nil, count: assignments.count)
        var changed = true
        while changed {
            changed = false
            let resolver = ReferenceResolver(flow: flow, indexOf: indexOf, propertyTypes: known)
            for (index, assignment) in assignments.enumerated() where assignmentTypes[index] == nil {
                guard let type = Self.type(of: assignment, flow: flow, resolver: resolver) else { continue }
                assignmentTypes[index] = type
                if known[assignment.property]! == nil {
                    known[assignment.property] = type
                    changed = true
                }
            }
        }
        var first = [String: (type: ValueType, location: SourceLocation)](minimumCapacity: names.count)
        types.reserveCapacity(names.count)
        for (index, assignment) in assignments.enumerated() {
            let type = assignmentTypes[index] ?? .string
            guard let earlier = first[assignment.property] else {
                first[assignment.property] = (type, assignment.location)
                types[assignment.property] = type
                continue
            }
            if Self.normalized(earlier.type) != Self.normalized(type) {
                sink.report(.typeMismatch, at: assignment.location,
                            "`\(assignment.property)` is set to \(ReferenceResolver.article(type)) here but to \(ReferenceResolver.article(earlier.type)) at \(sink.reference(earlier.location)); a property holds one type",
                            notes: ["convert one of the values, or store it in a property of its own"])
            }
        }
    }

    /// The type an assignment gives its property, or nil while a property it reads is untyped.
    private static func type(of assignment: Assignment, flow: Flow, resolver: ReferenceResolver) -> ValueType? {
        switch assignment.source {
        case .result(let path):
            let element = flow.elements[assignment.element]
            let fillpoint = Fillpoint(path: [.name(element.name), .name("Result")] + path, fallback: nil, location: assignment.location, source: "")
            return resolver.resolve(fillpoint, place: .other("Results"), sink: nil)?.type.unwrapped ?? .string
        case .template(let template):
            return templateType(template, resolver: resolver)
        }
    }

    /// A template's type: a sole fillpoint keeps the type of what it reads; an unquoted constant
    /// that is a number or a boolean has that type; anything else is text.
    static func templateType(_ template: Template, resolver: ReferenceResolver) -> ValueType? {
        if let fillpoint = template.soleFillpoint {
            let place = TemplateUse.Place.other("Value")
            guard let resolution = resolver.resolve(fillpoint, place: place, sink: nil) else {
                // Unknown so far: a property without a type yet, or a reference that is wrong
                // (reported later, loudly). Only the former can still change.
                if case .name(let root) = fillpoint.path[0], let known = resolver.propertyTypes[root], known == nil, resolver.indexOf[root] == nil {
                    return nil
                }
                return .string
            }
            return resolution.type.unwrapped
        }
        if template.isPlainScalar, let constant = template.constant {
            if constant == "true" || constant == "false" { return .boolean }
            if Double(constant) != nil, constant.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) { return .number }
        }
        return .string
    }

    /// Integers are numbers for the purpose of keeping one type.
    private static func normalized(_ type: ValueType) -> ValueType {
        type.unwrapped == .integer ? .number : type.unwrapped
    }
}
