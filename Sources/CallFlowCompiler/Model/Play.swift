/// A Play element: play audio files.
public struct Play: Sendable {
    public var phrase: [Template]
}
