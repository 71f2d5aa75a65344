/// A TTS element: speak text.
public struct TTS: Sendable {
    public var text: Template
    public var voice: String?
    public var language: String?
}
