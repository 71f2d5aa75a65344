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
///
/// The fields live in one immutable box: the checks copy elements often, and a box copies with
/// one retain where the fields would take one each.
public struct Element: Sendable {
    public var name: String { box.fields.name }
    /// The location of the `Name` key.
    public var nameLocation: SourceLocation { box.fields.nameLocation }
    /// The element's position in the list, which sets the default `Next`.
    public var index: Int { box.fields.index }
    public var description: String? { box.fields.description }
    public var next: ElementReference? { box.fields.next }
    public var resultCode: Located<String>? { box.fields.resultCode }
    public var agentsCanSee: Bool { box.fields.agentsCanSee }
    public var supervisorCanSee: Bool { box.fields.supervisorCanSee }
    /// What the element does; `nil` when its `Type` is missing or unknown (already reported).
    public var kind: Kind? { box.fields.kind }

    private let box: Box

    public init(name: String, nameLocation: SourceLocation, index: Int, description: String?, next: ElementReference?,
                resultCode: Located<String>?, agentsCanSee: Bool, supervisorCanSee: Bool, kind: Kind?) {
        box = Box(Fields(name: name, nameLocation: nameLocation, index: index, description: description, next: next,
                         resultCode: resultCode, agentsCanSee: agentsCanSee, supervisorCanSee: supervisorCanSee, kind: kind))
    }

    private struct Fields: Sendable {
        var name: String
        var nameLocation: SourceLocation
        var index: Int
        var description: String?
        var next: ElementReference?
        var resultCode: Located<String>?
        var agentsCanSee: Bool
        var supervisorCanSee: Bool
        var kind: Kind?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    /// Indirect: a payload is boxed once, however often its element is copied.
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
