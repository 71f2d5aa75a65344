/// One flow file, decoded: what the checks and the code emitter work on.
public struct Flow: Sendable {
    public var name: Located<String>
    public var file: String
    public var description: String?
    public var start: ElementReference?
    public var secrets: [Located<String>]
    public var elements: [Element]

    /// The element a call starts at: `Start`, or the first element.
    public var startIndex: Int? {
        guard let start else { return elements.isEmpty ? nil : 0 }
        return elements.firstIndex { $0.name == start.name }
    }
}

/// An element name used as an exit (`Next`, `Goto`, `OnFailure`, …) or as `Start`.
public struct ElementReference: Sendable {
    public var name: String
    /// The location of the key (`Next:`, `Goto:`) that names the element.
    public var location: SourceLocation
    /// The key that holds the reference, for messages.
    public var key: String
}

/// One element of a flow.
public struct Element: Sendable {
    public var name: String
    /// The location of the `Name` key.
    public var nameLocation: SourceLocation
    /// The element's position in the list, which sets the default `Next`.
    public var index: Int
    public var description: String?
    public var next: ElementReference?
    public var resultCode: Located<String>?
    public var agentsCanSee: Bool
    public var supervisorCanSee: Bool
    /// What the element does; `nil` when its `Type` is missing or unknown (already reported).
    public var kind: Kind?

    /// Indirect: the checks copy elements often, and a boxed payload copies with one retain.
    public indirect enum Kind: Sendable {
        case apiRequest(APIRequest)
        case setProperty(SetProperty)
        case branch(Branch)
        case tts(TTS)
        case play(Play)
        case collectInput(CollectInput)
        case transfer(Transfer)
        case hangup(Hangup)

        public var type: ElementType {
            switch self {
            case .apiRequest: .apiRequest
            case .setProperty: .setProperty
            case .branch: .branch
            case .tts: .tts
            case .play: .play
            case .collectInput: .collectInput
            case .transfer: .transfer
            case .hangup: .hangup
            }
        }
    }

    public var type: ElementType? { kind?.type }
}
