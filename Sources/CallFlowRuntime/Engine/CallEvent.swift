/// Everything a call does, as the `--trace json` events of FLOW-LANGUAGE.md §7. The readable
/// transcript, the JSON trace and the scenario tests all read these.
public enum CallEvent: Sendable, Equatable {
    case enter(element: String, type: String)
    case say(element: String, text: String)
    case play(element: String, files: [String])
    case collect(element: String, digits: String)
    case request(RequestRecord)
    case set(element: String, property: String, value: String)
    case branch(element: String, goto: String)
    case transfer(element: String, to: String)
    /// A failed request's `AlertEmail`: mailed (`error` nil) or why not.
    case alert(element: String, to: [String], error: String?)
    /// Something went wrong beside the flow (the request log could not be written); the call
    /// goes on.
    case warning(element: String, message: String)
    case end(resultCode: String)

    /// One request as it was made: secrets already redacted.
    public struct RequestRecord: Sendable, Equatable {
        public var element: String
        public var method: String
        public var url: String
        /// The URL of each redirect followed, in order.
        public var redirects: [String] = []
        /// 0 when no response came.
        public var status: Int
        public var attempts: Int
        public var milliseconds: Int
        /// Why the request failed; nil on success.
        public var error: String?
    }

    /// The event as one line of JSON, keys in the documented order.
    public var json: String {
        func object(_ members: [(String, JSONValue)]) -> String { JSONValue.object(members.map { (key: $0.0, value: $0.1) }).compactText }
        switch self {
        case .enter(let element, let type):
            return object([("event", .string("enter")), ("element", .string(element)), ("type", .string(type))])
        case .say(let element, let text):
            return object([("event", .string("say")), ("element", .string(element)), ("text", .string(text))])
        case .play(let element, let files):
            return object([("event", .string("play")), ("element", .string(element)), ("files", .array(files.map { .string($0) }))])
        case .collect(let element, let digits):
            return object([("event", .string("collect")), ("element", .string(element)), ("digits", .string(digits))])
        case .request(let record):
            return object([
                ("event", .string("request")), ("element", .string(record.element)), ("method", .string(record.method)),
                ("url", .string(record.url)),
            ] + (record.redirects.isEmpty ? [] : [("redirects", .array(record.redirects.map { .string($0) }))]) + [
                ("status", .number(Double(record.status))), ("attempts", .number(Double(record.attempts))),
                ("ms", .number(Double(record.milliseconds))), ("error", record.error.map { .string($0) } ?? .null),
            ])
        case .set(let element, let property, let value):
            return object([("event", .string("set")), ("element", .string(element)), ("property", .string(property)), ("value", .string(value))])
        case .branch(let element, let goto):
            return object([("event", .string("branch")), ("element", .string(element)), ("goto", .string(goto))])
        case .transfer(let element, let to):
            return object([("event", .string("transfer")), ("element", .string(element)), ("to", .string(to))])
        case .alert(let element, let to, let error):
            return object([
                ("event", .string("alert")), ("element", .string(element)), ("to", .array(to.map { .string($0) })),
                ("sent", .bool(error == nil)), ("error", error.map { .string($0) } ?? .null),
            ])
        case .warning(let element, let message):
            return object([("event", .string("warning")), ("element", .string(element)), ("message", .string(message))])
        case .end(let resultCode):
            return object([("event", .string("end")), ("resultCode", .string(resultCode))])
        }
    }

    /// The same event with every secret replaced by `***` in every text it holds.
    func redacting(_ clean: Redactor) -> CallEvent {
        guard !clean.isEmpty else { return self }
        switch self {
        case .enter: return self
        case .say(let element, let text): return .say(element: element, text: clean(text))
        case .play(let element, let files): return .play(element: element, files: files.map { clean($0) })
        case .collect: return self
        case .request(var record):
            record.url = clean(record.url)
            record.redirects = record.redirects.map { clean($0) }
            record.error = record.error.map { clean($0) }
            return .request(record)
        case .set(let element, let property, let value): return .set(element: element, property: property, value: clean(value))
        case .branch: return self
        case .transfer(let element, let to): return .transfer(element: element, to: clean(to))
        case .alert(let element, let to, let error): return .alert(element: element, to: to, error: error.map { clean($0) })
        case .warning(let element, let message): return .warning(element: element, message: clean(message))
        case .end: return self
        }
    }
}
