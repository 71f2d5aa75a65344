/// One APIRequest as it went, secrets already redacted: what `flows logs` shows.
public struct RequestLogEntry: Sendable, Equatable {
    public var flow: String
    public var element: String
    /// When the request started, in seconds since 1970 (UTC).
    public var started: Double
    public var method: String
    public var url: String
    /// The URL of each redirect followed, in order.
    public var redirects: [String] = []
    public var requestHeaders: [HTTPHeader]
    public var requestBody: String?
    /// 0 when no response came.
    public var status: Int
    public var responseHeaders: [HTTPHeader]
    public var responseBody: String?
    public var attempts: Int
    public var milliseconds: Int
    public var error: String?
    /// What became of the `AlertEmail` mail, when the request failed and the element has one.
    public var alert: String?

    /// How many entries are kept for each element; older ones are deleted.
    public static let keptPerElement = 20
}
