/// Where a CollectInput's digits come from: the `--input` values of `flows run`, a person at a
/// terminal, a scenario.
public protocol DigitSource: Sendable {
    /// The digits for the next CollectInput, or nil for no input.
    func nextDigits(element: String, prompt: String) async -> String?
}

/// Answers each CollectInput with the next of a list; none left means no input.
public actor ScriptedDigits: DigitSource {
    private var remaining: [String]

    public init(_ inputs: [String]) {
        remaining = inputs
    }

    public func nextDigits(element: String, prompt: String) -> String? {
        remaining.isEmpty ? nil : remaining.removeFirst()
    }
}
