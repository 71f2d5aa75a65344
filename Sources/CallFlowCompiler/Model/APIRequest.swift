/// An APIRequest element: call an HTTP API (FLOW-LANGUAGE.md §3).
///
/// A class with constant fields, not a struct: the checks and the emitter take a request out of
/// its element's kind many times, and a struct of this many counted fields would be copied,
/// field by field, each time.
public final class APIRequest: Sendable {
    public enum Method: String, Sendable, CaseIterable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
    }

    public enum BodyType: String, Sendable, CaseIterable {
        case json = "JSON", form = "Form", raw = "Raw"
    }

    public enum FallbackMode: String, Sendable, CaseIterable {
        case `continue` = "Continue", stop = "Stop"
    }

    /// A header; the name is constant, the value a template.
    public struct Header: Sendable {
        public var name: String
        public var value: Template
        public var location: SourceLocation
    }

    /// A query parameter.
    public struct QueryItem: Sendable {
        public var name: String
        public var value: Template
        public var location: SourceLocation
    }

    public enum Body: Sendable {
        /// A mapping: JSON object (dotted keys nest) or form fields.
        case fields([BodyField])
        /// A string sent as it is.
        case raw(Template)
    }

    /// One key of a mapping body.
    public struct BodyField: Sendable {
        public enum Format: String, Sendable, CaseIterable {
            case auto = "Auto", string = "String", number = "Number", boolean = "Boolean"
        }

        /// The key as written (`customer.firstname`).
        public var key: String
        public var value: Template
        public var format: Format
        public var location: SourceLocation
        /// The location of `Format`, if given.
        public var formatLocation: SourceLocation?

        /// The key split on dots, the nesting in a JSON body.
        public var keyPath: [String] { key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    }

    /// A `Results` entry: set a property from a path of the response on success.
    public struct ResultAssignment: Sendable {
        public var property: String
        public var path: [PathSegment]
        public var location: SourceLocation
    }

    /// `RateLimit`: at most `count` requests per `period` seconds.
    public struct RateLimit: Sendable, Hashable {
        public var count: Int
        public var period: Int
        public var unit: String
    }

    public let phrase: [Template]
    public let method: APIRequest.Method
    public let methodLocation: SourceLocation?
    public let timeout: Int
    public let url: Template
    public let urlLocation: SourceLocation
    public let headers: [Header]
    public let headerLocation: SourceLocation?
    public let query: [QueryItem]
    public let body: Body?
    public let bodyLocation: SourceLocation?
    public let bodyType: BodyType
    public let contentType: Template?
    public let retries: Int
    public let parseResponse: Bool
    public let parseResponseLocation: SourceLocation?
    /// The declared or inferred response shape, an object type.
    public let result: ValueType?
    public let resultLocation: SourceLocation?
    /// The `ResultSample` file the shape was inferred from, as a path beside the flow file's
    /// (`Flows/samples/lead.json`).
    public let resultSample: String?
    public let results: [ResultAssignment]
    public let successStatus: [Int]
    public let onSuccess: ElementReference?
    public let onFailure: ElementReference?
    public let fallback: FallbackMode
    public let alertEmail: [String]
    public let rateLimit: RateLimit?

    init(phrase: [Template], method: APIRequest.Method, methodLocation: SourceLocation?, timeout: Int,
         url: Template, urlLocation: SourceLocation, headers: [Header], headerLocation: SourceLocation?,
         query: [QueryItem], body: Body?, bodyLocation: SourceLocation?, bodyType: BodyType,
         contentType: Template?, retries: Int, parseResponse: Bool,
         parseResponseLocation: SourceLocation?, result: ValueType?, resultLocation: SourceLocation?,
         resultSample: String? = nil, results: [ResultAssignment], successStatus: [Int], onSuccess: ElementReference?,
         onFailure: ElementReference?, fallback: FallbackMode, alertEmail: [String],
         rateLimit: RateLimit?) {
        self.phrase = phrase
        self.method = method
        self.methodLocation = methodLocation
        self.timeout = timeout
        self.url = url
        self.urlLocation = urlLocation
        self.headers = headers
        self.headerLocation = headerLocation
        self.query = query
        self.body = body
        self.bodyLocation = bodyLocation
        self.bodyType = bodyType
        self.contentType = contentType
        self.retries = retries
        self.parseResponse = parseResponse
        self.parseResponseLocation = parseResponseLocation
        self.result = result
        self.resultLocation = resultLocation
        self.resultSample = resultSample
        self.results = results
        self.successStatus = successStatus
        self.onSuccess = onSuccess
        self.onFailure = onFailure
        self.fallback = fallback
        self.alertEmail = alertEmail
        self.rateLimit = rateLimit
    }
}
