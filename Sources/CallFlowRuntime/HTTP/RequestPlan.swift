/// An APIRequest element as generated code describes it, before secrets are read and values
/// encoded.
public struct RequestPlan: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
    }

    public enum Body: Sendable {
        /// JSON object fields: a dotted key path, the value, its format.
        case json([(path: [String], value: [TemplatePiece], format: BodyFormat)])
        case form([(name: String, value: [TemplatePiece])])
        case raw([TemplatePiece])
    }

    public var method: Method
    public var url: [TemplatePiece]
    public var query: [(name: String, value: [TemplatePiece])]
    public var headers: [(name: String, value: [TemplatePiece])]
    public var body: Body?
    public var contentType: [TemplatePiece]?
    /// Seconds for the whole request, retries included.
    public var timeout: Int
    public var retries: Int
    /// Status codes that count as success; empty means any 2xx.
    public var successStatus: [Int]
    /// Whether the flow waits for the response (`ParseResponse`).
    public var waitsForResponse: Bool
    public var rateLimit: RateLimit?
    /// Who is mailed when the request fails (`AlertEmail`).
    public var alertEmail: [String] = []

    public init(method: Method, url: [TemplatePiece], query: [(name: String, value: [TemplatePiece])] = [],
                headers: [(name: String, value: [TemplatePiece])] = [], body: Body? = nil, contentType: [TemplatePiece]? = nil,
                timeout: Int = 10, retries: Int = 0, successStatus: [Int] = [], waitsForResponse: Bool = true,
                rateLimit: RateLimit? = nil, alertEmail: [String] = []) {
        self.method = method
        self.url = url
        self.query = query
        self.headers = headers
        self.body = body
        self.contentType = contentType
        self.timeout = timeout
        self.retries = retries
        self.successStatus = successStatus
        self.waitsForResponse = waitsForResponse
        self.rateLimit = rateLimit
        self.alertEmail = alertEmail
    }

    func isSuccess(_ status: Int) -> Bool {
        successStatus.isEmpty ? (200...299).contains(status) : successStatus.contains(status)
    }
}

/// A request ready to send: every secret read, every value encoded.
public struct PreparedRequest: Sendable {
    public var method: RequestPlan.Method
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// The headers whose values hold a secret, lowercased: a redirect to another origin drops them.
    public var secretHeaders: Set<String>
    /// Whether the body holds a secret: a redirect to another origin may not re-send it.
    public var bodyHoldsSecret: Bool
    /// Whether connections to loopback and private addresses are refused: set on every hop
    /// after a redirect from a host that is not loopback.
    public var refusesPrivateAddresses: Bool

    public init(method: RequestPlan.Method, url: String, headers: [HTTPHeader], body: [UInt8]?,
                secretHeaders: Set<String> = [], bodyHoldsSecret: Bool = false, refusesPrivateAddresses: Bool = false) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.secretHeaders = secretHeaders
        self.bodyHoldsSecret = bodyHoldsSecret
        self.refusesPrivateAddresses = refusesPrivateAddresses
    }
}

/// What one HTTP exchange gave.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The IP address a redirect came from, when known (not through a proxy).
    public var address: String?

    public init(status: Int, headers: [HTTPHeader], body: [UInt8], address: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.address = address
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Why no usable response came.
public struct HTTPFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// Whether trying again may help (a connection problem or a timeout).
    public var isTransient: Bool
    /// The status of a response that came but could not be used (too large, say); 0 when none came.
    public var status: Int
    public var description: String { message }

    /// The request's task was cancelled (over SIP: the caller hung up) before the response came.
    public static let abandoned = HTTPFailure(message: "Abandoned: the call ended before the response came", isTransient: false)

    public init(message: String, isTransient: Bool, status: Int = 0) {
        self.message = message
        self.isTransient = isTransient
        self.status = status
    }
}
