/// A Transfer element: hand the call over; the flow ends, unless the transfer fails and
/// `OnFailure` names where to go on.
public struct Transfer: Sendable {
    public var to: Template
    public var onFailure: ElementReference?
}
