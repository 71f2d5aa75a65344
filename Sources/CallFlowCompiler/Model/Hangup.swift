/// A Hangup element: end the call, optionally saying something first.
public struct Hangup: Sendable {
    public var text: Template?
}
