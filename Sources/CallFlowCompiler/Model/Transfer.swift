/// A Transfer element: hand the call over; the flow ends.
public struct Transfer: Sendable {
    public var to: Template
}
