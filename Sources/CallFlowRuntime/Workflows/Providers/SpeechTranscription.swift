/// A `Transcription` action: the call's recording as text, by Google Cloud Speech-to-Text or
/// by a recognizer on this machine.
public struct SpeechTranscription: Sendable {
    public enum Engine: String, Sendable {
        case google, local
    }

    public var engine: Engine
    /// The recording's file (`recording.file`).
    public var recording: String
    /// A BCP-47 tag, `en-US`.
    public var language: String
    /// Google's model: `default`, `command_and_search`, `phone_call` or `video`.
    public var model: String
    public var enhanced: Bool
    /// Google's API key: a secret.
    public var key: [TemplatePiece]

    public init(engine: Engine = .google, recording: String, language: String = "en-US", model: String = "default",
                enhanced: Bool = false, key: [TemplatePiece] = []) {
        self.engine = engine
        self.recording = recording
        self.language = language
        self.model = model
        self.enhanced = enhanced
        self.key = key
    }

    /// The result later actions read: `Text`, and `Confidence`, the mean over the segments.
    /// Each side of a stereo recording is labelled (`Caller: …`, `Flow: …`: `flows serve
    /// --record` puts the caller left, the flow right); a mono one is not.
    static func result(_ segments: [TranscriptSegment], channels: Int) -> JSONValue {
        var parts: [String] = []
        for channel in Set(segments.map(\.channel)).sorted() {
            let text = segments.filter { $0.channel == channel && !$0.text.isEmpty }.map(\.text).joined(separator: " ")
            guard !text.isEmpty else { continue }
            parts.append(channels > 1 ? (channel == 1 ? "Caller: " : channel == 2 ? "Flow: " : "Channel \(channel): ") + text : text)
        }
        let spoken = segments.filter { !$0.text.isEmpty }
        let confidence = spoken.isEmpty ? 0 : spoken.map(\.confidence).reduce(0, +) / Double(spoken.count)
        return .object([("Text", .string(parts.joined(separator: " "))), ("Confidence", .number(confidence))])
    }
}

/// One stretch of recognised speech.
public struct TranscriptSegment: Sendable, Equatable {
    /// The channel, from 1.
    public var channel: Int
    public var text: String
    /// From 0 to 1.
    public var confidence: Double

    public init(channel: Int, text: String, confidence: Double) {
        self.channel = channel
        self.text = text
        self.confidence = confidence
    }
}

/// Speech to text on this machine (`Engine: local`): `flows` gives its runner one (pocketsphinx,
/// in CallFlowSIP beside the speech synthesizer); the runtime itself has none.
public protocol SpeechRecognizer: Sendable {
    /// The segments recognised in one channel of 16-bit PCM at `sampleRate`.
    func recognize(_ samples: [Int16], sampleRate: Int, language: String) async throws -> [TranscriptSegment]
}
