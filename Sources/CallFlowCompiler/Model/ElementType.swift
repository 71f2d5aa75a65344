/// The element types of FLOW-LANGUAGE.md §3 and the keys each one takes. This table is the one
/// source of truth for key checking (and for the docs and schemas written from it).
public enum ElementType: String, Sendable, CaseIterable {
    case apiRequest = "APIRequest"
    case setProperty = "SetProperty"
    case branch = "Branch"
    case tts = "TTS"
    case play = "Play"
    case collectInput = "CollectInput"
    case transfer = "Transfer"
    case hangup = "Hangup"

    /// The type whose name is `utf8`, matched as bytes: a `String` switch costs more than the
    /// rest of reading an element's type.
    init?(utf8: UnsafeBufferPointer<UInt8>) {
        guard let type = Self.utf8Names.first(where: { $0.name.withUnsafeBufferPointer { $0.hasSameBytes(as: utf8) } })?.type else { return nil }
        self = type
    }

    private static let utf8Names = allCases.map { (name: Array($0.rawValue.utf8), type: $0) }

    /// "an APIRequest", "a TTS": the type name with its article, for messages.
    public var withArticle: String {
        (rawValue.first.map { "AEIO".contains($0) } ?? false ? "an " : "a ") + rawValue
    }

    /// A key of a mapping in a flow file.
    public struct Key: Sendable {
        public var name: String
        public var isRequired: Bool
        public var summary: String
        /// `name` as UTF-8, to match keys in the file without making strings of them.
        let utf8: [UInt8]

        init(_ name: String, required: Bool = false, _ summary: String) {
            self.name = name
            self.utf8 = Array(name.utf8)
            self.isRequired = required
            self.summary = summary
        }
    }

    /// Keys every element has (§2).
    public static let commonKeys: [Key] = [
        Key("Name", required: true, "identifier other elements refer to"),
        Key("Type", required: true, "the element type"),
        Key("Description", "free text"),
        Key("Next", "the element control passes to; default: the element below"),
        Key("ResultCode", "result code when the call ends at this element; default INBOUND"),
        Key("AgentsCanSee", "whether agents may transfer a call to this element"),
        Key("SupervisorCanSee", "whether only supervisors may transfer a call to this element"),
    ]

    /// Keys of this element type, besides the common ones.
    public var keys: [Key] {
        switch self {
        case .apiRequest: Self.apiRequestKeys
        case .setProperty: Self.setPropertyKeys
        case .branch: Self.branchKeys
        case .tts: Self.ttsKeys
        case .play: Self.playKeys
        case .collectInput: Self.collectInputKeys
        case .transfer: Self.transferKeys
        case .hangup: Self.hangupKeys
        }
    }

    /// The common keys and this type's keys: every key an element of this type may have.
    public var allKeys: [Key] {
        switch self {
        case .apiRequest: Self.allAPIRequestKeys
        case .setProperty: Self.allSetPropertyKeys
        case .branch: Self.allBranchKeys
        case .tts: Self.allTTSKeys
        case .play: Self.allPlayKeys
        case .collectInput: Self.allCollectInputKeys
        case .transfer: Self.allTransferKeys
        case .hangup: Self.allHangupKeys
        }
    }

    private static let allAPIRequestKeys = commonKeys + apiRequestKeys
    private static let allSetPropertyKeys = commonKeys + setPropertyKeys
    private static let allBranchKeys = commonKeys + branchKeys
    private static let allTTSKeys = commonKeys + ttsKeys
    private static let allPlayKeys = commonKeys + playKeys
    private static let allCollectInputKeys = commonKeys + collectInputKeys
    private static let allTransferKeys = commonKeys + transferKeys
    private static let allHangupKeys = commonKeys + hangupKeys

    private static let apiRequestKeys: [Key] = [
        Key("Phrase", "audio file or list of files played while the request runs"),
        Key("Action", "HTTP method: GET, POST, PUT, PATCH, DELETE or HEAD; default GET"),
        Key("Timeout", "seconds the whole request may take, retries included (1 to 60; default 10)"),
        Key("URL", required: true, "the URL template; https:// except for loopback hosts"),
        Key("Header", "headers as \"K: V, K: V\" or a mapping"),
        Key("Query", "query parameters, form-encoded into the URL"),
        Key("Body", "a mapping (JSON or Form) or a string (Raw)"),
        Key("BodyType", "JSON, Form or Raw"),
        Key("ContentType", "overrides the Content-Type that BodyType implies"),
        Key("Retries", "further attempts after a failure that may pass (0 to 3; default 0)"),
        Key("ParseResponse", "false: send and go on at once; default true"),
        Key("Result", "the shape of the JSON response"),
        Key("ResultSample", "a sample JSON response, relative to the flow file, to infer Result from"),
        Key("Results", "PropertyName: path below Result, set on success"),
        Key("SuccessStatus", "status codes counted as success; default any 2xx"),
        Key("OnSuccess", "element to go to on success; default Next"),
        Key("OnFailure", "element to go to on failure"),
        Key("Fallback", "Continue (default) or Stop, when there is no OnFailure"),
        Key("AlertEmail", "up to 10 addresses mailed when the request fails"),
        Key("RateLimit", "requests allowed per period, e.g. 10/minute"),
    ]

    private static let setPropertyKeys: [Key] = [
        Key("PropertyName", required: true, "the property to set"),
        Key("PropertyType", "IVRData (default) or CallData"),
        Key("Value", "the value template"),
        Key("ValueType", "DataBin, together with ValueName"),
        Key("ValueName", "a path such as GETAPI.Result.Value, with ValueType: DataBin"),
    ]

    private static let branchKeys: [Key] = [
        Key("Source", required: true, "a property, or one fillpoint"),
        Key("Conditions", "list of {Operand, Value, Goto}; the first that holds wins"),
        Key("Default", required: true, "element to go to when no condition holds"),
    ]

    private static let ttsKeys: [Key] = [
        Key("Text", required: true, "the text to speak"),
        Key("Voice", "voice name"),
        Key("Language", "language tag"),
    ]

    private static let playKeys: [Key] = [
        Key("Phrase", required: true, "audio file or list of files"),
    ]

    private static let collectInputKeys: [Key] = [
        Key("Text", "spoken prompt"),
        Key("Phrase", "audio prompt: a file or a list of files"),
        Key("MinDigits", "fewest digits (default 1)"),
        Key("MaxDigits", "most digits (default 1, at most 32)"),
        Key("Timeout", "seconds to wait (default 5)"),
        Key("Terminator", "key that ends input (default #)"),
        Key("Retries", "prompts repeated after no input (default 2)"),
        Key("Sensitive", "whether the digits are masked in traces, logs and recordings: a card number, a PIN (default false)"),
        Key("OnNoInput", "element to go to when no digits came"),
    ]

    private static let transferKeys: [Key] = [
        Key("To", required: true, "a queue name, an agent, an E.164 number, or a sip: URI"),
        Key("OnFailure", "element to go to when the transfer fails (without it the call ends with TRANSFER_FAILED)"),
    ]

    private static let hangupKeys: [Key] = [
        Key("Text", "said before hanging up"),
    ]

    /// The keys of the flow file's top-level mapping (§1).
    public static let flowKeys: [Key] = [
        Key("Flow", required: true, "the flow's name, a Swift type name"),
        Key("Description", "free text"),
        Key("Start", "the first element; default: the first in the list"),
        Key("Secrets", "names of secrets read at run time"),
        Key("Elements", required: true, "the elements, a non-empty list"),
    ]

    /// The keys of a Branch condition.
    public static let conditionKeys: [Key] = [
        Key("Operand", required: true, "how the source is compared"),
        Key("Value", "the value compared with (not for IsEmpty and IsNotEmpty)"),
        Key("Goto", required: true, "element to go to when the condition holds"),
    ]

    /// The keys of a Body value given as a mapping.
    public static let bodyValueKeys: [Key] = [
        Key("Value", required: true, "the value template"),
        Key("Format", "String, Number, Boolean or Auto (default)"),
    ]
}
