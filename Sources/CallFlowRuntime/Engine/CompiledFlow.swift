/// An element as `flows list` shows it.
public struct FlowElement: Sendable, Equatable {
    public var name: String
    public var type: String
    public var agentsCanSee: Bool
    public var supervisorCanSee: Bool

    public init(name: String, type: String, agentsCanSee: Bool = false, supervisorCanSee: Bool = false) {
        self.name = name
        self.type = type
        self.agentsCanSee = agentsCanSee
        self.supervisorCanSee = supervisorCanSee
    }
}

/// Limits that keep every call finite.
public enum FlowLimits {
    /// Elements one call may run before it is ended; a flow that loops without end stops here.
    public static let maximumSteps = 10_000
    /// The result code of a call stopped by `maximumSteps`.
    public static let stepLimitResultCode = "STEP_LIMIT"
    /// The result code of a call whose Transfer failed, where the element has no `OnFailure`.
    public static let transferFailedResultCode = "TRANSFER_FAILED"
    /// The result code of a call whose caller hung up before the flow ended.
    public static let abandonedResultCode = "ABANDONED"
}

extension Array {
    /// The element at `index`, or nil past the end: a fillpoint index never traps.
    public func flowElement(at index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

extension JSONValue {
    /// The element at `index` of a list, or nil.
    public func flowElement(at index: Int) -> JSONValue? {
        guard case .array(let items) = self else { return nil }
        return items.flowElement(at: index)
    }

    /// The member `key` of an object, or nil.
    public func flowMember(_ key: String) -> JSONValue? { self[key] }

    /// Text, or nil for any other value. With the three below, how generated code reads a
    /// declared `Result` field (already checked against its shape) as a Swift value.
    public var flowString: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// A number that is a whole number, or nil.
    public var flowInteger: Int? {
        if case .number(let number) = self { Int(exactly: number) } else { nil }
    }

    /// A number, or nil.
    public var flowNumber: Double? {
        if case .number(let number) = self { number } else { nil }
    }

    /// A boolean, or nil.
    public var flowBoolean: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }
}

/// A compiled flow as a value: what `flowc generate` makes of each flow file (its type's
/// `compiled`), and what a `flows` command lists and runs.
public struct CompiledFlow: Sendable {
    /// The `Flow` name.
    public let name: String
    public let summary: String?
    /// The secrets the flow reads, by name (`FLOW_SECRET_<NAME>`).
    public let secrets: [String]
    /// The elements in the order of the file.
    public let elements: [FlowElement]
    /// The call variables the flow reads (`leadid` for `<<call.leadid>>`).
    public let callVariables: [String]
    /// The contact variables the flow reads (`custom_fields.NAME` for one custom field).
    public let contactVariables: [String]
    /// The audio files the flow names by constants (`Phrase: [please_hold.wav]`), checked
    /// before a server takes calls.
    public let audioFiles: [String]
    /// The `Voice` and `Language` values of its TTS elements.
    public let voices: [String]
    public let languages: [String]
    /// The APIRequest elements, for `flows try`.
    public let requests: [RequestElementInfo]
    private let body: @Sendable (Call, FlowEntry) async -> String

    /// - Parameter run: the flow's generated code, which runs a call from where `FlowEntry` says
    ///   and returns the result code it ended with.
    public init(name: String, summary: String? = nil, secrets: [String] = [], elements: [FlowElement],
                callVariables: [String] = [], contactVariables: [String] = [], audioFiles: [String] = [],
                voices: [String] = [], languages: [String] = [], requests: [RequestElementInfo] = [],
                run: @escaping @Sendable (Call, FlowEntry) async -> String) {
        self.name = name
        self.summary = summary
        self.secrets = secrets
        self.elements = elements
        self.callVariables = callVariables
        self.contactVariables = contactVariables
        self.audioFiles = audioFiles
        self.voices = voices
        self.languages = languages
        self.requests = requests
        body = run
    }

    /// Makes one APIRequest element's request (`flows try`), the values it reads of earlier
    /// elements taken from `values`. nil when the flow has no such APIRequest element; the
    /// problems with the given values, with nothing sent, when there are any; else empty.
    public func tryRequest(_ element: String, on call: Call, given values: GivenValues) async -> [String]? {
        guard let index = elements.firstIndex(where: { $0.name == element && $0.type == "APIRequest" }) else { return nil }
        _ = await body(call, .trial(element: index, values: values))
        return values.problems
    }

    /// Runs one call from `Start`; returns the result code it ended with.
    public func run(on call: Call) async -> String {
        await body(call, .start)
    }
}
