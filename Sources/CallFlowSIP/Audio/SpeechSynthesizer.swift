/// Makes speech from text, for `TTS` elements and the prompts of `CollectInput` and `Hangup`.
/// flite is the engine today; another one is another conformance.
public protocol SpeechSynthesizer: Sendable {
    /// The voices it has, by the names `--voice` and an element's `Voice` use.
    var voices: [String] { get }
    /// Speaks `text` in `voice` (one of `voices`) as 8 kHz mono samples. It may block: the
    /// caller runs it off Swift's shared threads.
    func synthesize(_ text: String, voice: String) throws(SpeechError) -> [Int16]
}

public struct SpeechError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
