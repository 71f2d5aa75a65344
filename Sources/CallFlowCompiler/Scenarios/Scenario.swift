/// One scenario of a scenario file (FLOW-LANGUAGE.md §8), decoded: a call to run against
/// mocked responses, and what must come of it. `flows test` runs it; the flow and element
/// names are checked there, against the compiled flows.
public struct Scenario: Sendable {
    public var name: String
    public var file: String
    /// Where the scenario's mapping starts.
    public var location: SourceLocation
    public var flow: Located<String>
    public var call: [Variable]
    public var contact: [Variable]
    public var inputs: [String]
    public var secrets: [Variable]
    public var responses: [MockedElement]
    public var expect: Expectations
    /// `Recording`: the call's recording as the path was written (relative to the scenario
    /// file), which fires `RecordingUploaded` when the call ends.
    public var recording: Located<String>?

    /// A `Call` or `Contact` variable.
    public struct Variable: Sendable {
        public var name: Located<String>
        public var value: String
    }

    /// The answers to one element's requests, one an attempt; the last repeats.
    public struct MockedElement: Sendable {
        public var element: Located<String>
        public var answers: [MockResponse]
    }

    public struct Expectations: Sendable {
        /// The elements entered, exactly.
        public var path: [Located<String>]?
        /// Texts that must be said, in this order (others may come between).
        public var said: [Located<String>]?
        public var requests: [RequestExpectation] = []
        /// The value each property must hold when the call ends.
        public var properties: [Variable] = []
        public var resultCode: Located<String>?
        /// How each workflow the call ran must end (`succeeded`, `failed`); nil when not expected.
        public var workflows: [Variable]?
    }

    /// What an element's last request must have sent, after encoding.
    public struct RequestExpectation: Sendable {
        public var element: Located<String>
        public var url: Located<String>?
        public var method: Located<String>?
        public var headers: [Variable] = []
        public var body: Located<ExpectedBody>?
    }

    public enum ExpectedBody: Sendable, Equatable {
        /// Compared as JSON, whatever the spacing and key order of what was sent.
        case json(String)
        /// Compared byte for byte.
        case text(String)
    }
}

/// A mocked answer to one attempt of a request.
public struct MockResponse: Sendable {
    public enum Failure: String, Sendable, CaseIterable {
        /// No connection could be made.
        case connection
        /// The connection closed before the response was complete.
        case closed
        /// No answer within the request's budget.
        case timeout
    }

    public var location: SourceLocation
    public var status: Int = 200
    public var headers: [(name: String, value: String)] = []
    /// The body as sent by the server; JSON text when it was given as a mapping or list.
    public var body: String = ""
    public var bodyIsJSON = false
    /// Seconds before the answer comes.
    public var delay: Double = 0
    public var failure: Failure?
}
