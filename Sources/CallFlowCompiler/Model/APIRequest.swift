/// An APIRequest element: call an HTTP API (FLOW-LANGUAGE.md §3).
public struct APIRequest: Sendable {
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

    public var phrase: [Template]
    public var method: APIRequest.Method
    public var methodLocation: SourceLocation?
    public var timeout: Int
    public var url: Template
    public var urlLocation: SourceLocation
    public var headers: [Header]
    public var headerLocation: SourceLocation?
    public var query: [QueryItem]
    public var body: Body?
    public var bodyLocation: SourceLocation?
    public var bodyType: BodyType
    public var contentType: Template?
    public var retries: Int
    public var parseResponse: Bool
    public var parseResponseLocation: SourceLocation?
    /// The declared or inferred response shape, an object type.
    public var result: ValueType?
    public var resultLocation: SourceLocation?
    public var results: [ResultAssignment]
    public var successStatus: [Int]
    public var onSuccess: ElementReference?
    public var onFailure: ElementReference?
    public var fallback: FallbackMode
    public var alertEmail: [String]
    public var rateLimit: RateLimit?
}
