/// Checks a Branch's conditions against the type of its source: ordering needs numbers, a
/// number source is compared with numbers, a boolean with true or false; a `Matches` pattern
/// must compile.
struct BranchChecks {
    let sink: DiagnosticSink

    func check(_ branch: Branch, sourceType: ValueType?) {
        let source = sourceType?.unwrapped
        // Only messages need it; most Branches have none.
        var sourceName: String { "`\(PathSegment.describe(branch.source.path))`" }
        for condition in branch.conditions {
            let operand = condition.operand
            let constant = condition.value?.constant
            let valueLocation = condition.valueLocation ?? condition.operandLocation
            if operand == .matches, let pattern = constant {
                do {
                    _ = try Regex(pattern)
                } catch {
                    sink.report(.invalidValue, at: valueLocation, "`\(pattern)` is not a valid regular expression: \(error)")
                }
                continue
            }
            if operand.isOrdering {
                if let source, !source.isNumeric, source != .string {
                    sink.report(.typeMismatch, at: condition.operandLocation, "`\(operand.rawValue)` orders numbers, but \(sourceName) is \(ReferenceResolver.article(source))")
                    continue
                }
                if let constant, !RequestChecks.isDecimal(constant.trimming(" ")) {
                    sink.report(.typeMismatch, at: valueLocation, "`\(operand.rawValue)` compares with a number, but `\(constant)` is not one")
                    continue
                }
            }
            guard let source, let constant else { continue }
            switch operand {
            case .equals, .notEquals:
                if source.isNumeric, !RequestChecks.isDecimal(constant.trimming(" ")) {
                    sink.report(.typeMismatch, at: valueLocation, "\(sourceName) is a number, so it never equals `\(constant)`; compare it with a number")
                } else if source == .boolean, !["true", "false"].contains(constant) {
                    sink.report(.typeMismatch, at: valueLocation, "\(sourceName) is a boolean, so compare it with `true` or `false`, not `\(constant)`")
                }
            default:
                break
            }
        }
    }
}
