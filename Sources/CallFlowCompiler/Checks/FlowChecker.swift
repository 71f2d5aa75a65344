/// Runs every check of FLOW-LANGUAGE.md §6 that looks at one flow.
struct FlowChecker {
    let flow: Flow
    let sink: DiagnosticSink

    func run() {
        let names = NameChecks(flow: flow, sink: sink)
        let indexOf = names.elementIndex()
        let targetsResolve = names.checkTargets(elementIndex: indexOf)

        var properties = PropertyTypes(flow: flow)
        names.checkProperties(properties.assignments, elementIndex: indexOf)
        properties.infer(flow: flow, indexOf: indexOf, sink: sink)

        // Resolve every fillpoint once; remember what each must find set, and Branch sources.
        let resolver = ReferenceResolver(flow: flow, indexOf: indexOf, propertyTypes: properties.types.mapValues { $0 })
        var reads: [DefiniteAssignment.Read] = []
        var sourceTypes: [Int: ValueType] = [:]
        // One list, emptied for each element, rather than a list an element.
        var uses: [TemplateUse] = []
        for element in flow.elements {
            uses.removeAll(keepingCapacity: true)
            TemplateUse.append(of: element, to: &uses)
            for use in uses {
                for case .fillpoint(let fillpoint) in use.template.parts {
                    guard let resolution = resolver.resolve(fillpoint, place: use.place, sink: sink) else { continue }
                    if use.place == .branchSource { sourceTypes[element.index] = resolution.type }
                    if let fact = resolution.requires, fillpoint.fallback == nil {
                        reads.append(DefiniteAssignment.Read(location: fillpoint.location, path: fillpoint.path, element: element.index, fact: fact))
                    }
                }
            }
        }

        let requestChecks = RequestChecks(sink: sink)
        let hostTrust = HostTrust(flow: flow, indexOf: indexOf)
        let branchChecks = BranchChecks(sink: sink)
        for element in flow.elements {
            switch element.kind {
            case .apiRequest(let request):
                requestChecks.check(request)
                hostTrust.check(request, sink: sink)
                for result in request.results {
                    // A `Results` path is read on success, from the element's own response.
                    let fillpoint = Fillpoint(path: [.name(element.name), .name("Result")] + result.path, fallback: nil, location: result.location, source: "")
                    _ = resolver.resolve(fillpoint, place: .other("Results"), sink: sink)
                }
            case .branch(let branch):
                branchChecks.check(branch, sourceType: sourceTypes[element.index])
            default:
                break
            }
        }

        let graph = ElementGraph(flow: flow, indexOf: indexOf)
        DefiniteAssignment(flow: flow, graph: graph, assignments: properties.assignments).check(reads, sink: sink)

        let reachable = graph.reachable()
        // An exit naming no element leaves the graph incomplete; "unreachable" would only
        // repeat that error.
        if targetsResolve, let start = graph.start {
            for index in reachable.indices where !reachable[index] {
                let element = flow.elements[index]
                sink.report(.unreachable, at: element.nameLocation, "no path from `\(flow.elements[start].name)`, where the call starts, reaches `\(element.name)`",
                            notes: ["make it an exit of another element (Next, OnFailure, Goto, …) or remove it"])
            }
        }
        LoopCheck(flow: flow, graph: graph).check(reachable: reachable, sink: sink)
    }
}
