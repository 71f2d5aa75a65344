/// Where a flow's generated code starts a call.
public enum FlowEntry: Sendable {
    /// At the flow's `Start` element, running until the call ends.
    case start
    /// `flows try`: the APIRequest element at `element` (its position in the flow) alone, the
    /// values it reads of earlier elements taken from `values`; it is not run when any of them
    /// is a problem.
    case trial(element: Int, values: GivenValues)
}
