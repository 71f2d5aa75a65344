/// The person on the line, as a call's flow meets them: the seam between a call and the world.
/// A terminal (`flows run`), a scenario (`flows test`) and a SIP call (`flows serve`) each
/// implement it. `Call` reports every step as an event itself; a caller only does what the
/// step means to the person: speaking, playing, reading keys, handing the call over.
///
/// Every method but `collect` has a default that does nothing at once, which is what a caller
/// without audio wants.
public protocol Caller: Sendable {
    /// Speaks `text`; returns once it has been heard (or the caller has gone). `voice` is the
    /// element's `Voice`, nil for the default.
    func say(_ text: String, voice: String?) async
    /// Plays audio files in order; returns once they have been heard.
    func play(_ files: [String]) async
    /// One attempt of a CollectInput: prompts, then reads keys as `rules` say. A key pressed
    /// during the prompt stops it and counts. The keys, or nil for no input.
    func collect(element: String, prompt: Prompt, rules: DigitRules) async -> String?
    /// Plays `files` again and again, until `endHold`: the `Phrase` heard while a request waits.
    func hold(_ files: [String]) async
    func endHold() async
    /// Hands the call over to `destination` (a Transfer's `To`).
    func transfer(to destination: String) async -> TransferOutcome
    /// True once the person has hung up: the flow stops at the next element.
    var hasHungUp: Bool { get }
}

extension Caller {
    public func say(_ text: String, voice: String?) async {}
    public func play(_ files: [String]) async {}
    public func hold(_ files: [String]) async {}
    public func endHold() async {}
    public func transfer(to destination: String) async -> TransferOutcome { .transferred }
    public var hasHungUp: Bool { false }
}

/// How a transfer ended.
public enum TransferOutcome: Sendable, Equatable {
    /// The other side took the call.
    case transferred
    /// It did not (`486 Busy Here`, no answer to the REFER, …): the flow goes on.
    case failed(String)
}

/// What a CollectInput says or plays before reading keys.
public struct Prompt: Sendable, Equatable {
    public var text: String
    public var files: [String]

    public init(text: String, files: [String]) {
        self.text = text
        self.files = files
    }
}

/// How a CollectInput reads keys.
public struct DigitRules: Sendable, Equatable {
    public var minDigits: Int
    public var maxDigits: Int
    /// How long to wait for the first key after the prompt, and for each next one.
    public var timeout: Duration
    /// The key that ends input early (not part of the digits), or nil for none.
    public var terminator: Character?
    /// The digits are a secret (`Sensitive: true`): a caller that shows or records keys hides
    /// them while it reads.
    public var sensitive: Bool

    public init(minDigits: Int, maxDigits: Int, timeout: Duration, terminator: Character?, sensitive: Bool = false) {
        self.minDigits = minDigits
        self.maxDigits = maxDigits
        self.timeout = timeout
        self.terminator = terminator
        self.sensitive = sensitive
    }
}

/// Answers each CollectInput with the next of a list; none left means no input.
public actor ScriptedDigits: Caller {
    private var remaining: [String]

    public init(_ inputs: [String]) {
        remaining = inputs
    }

    public func collect(element: String, prompt: Prompt, rules: DigitRules) -> String? {
        remaining.isEmpty ? nil : remaining.removeFirst()
    }
}
