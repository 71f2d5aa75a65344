/// What `flows try` needs to know of an APIRequest element, from generated code.
public struct RequestElementInfo: Sendable {
    public var name: String
    /// The values of earlier elements the request reads without a fallback, as fillpoint paths
    /// (`LeadField`, `GETAPI.Result.Value`): each must be given with `--set`.
    public var reads: [String]
    /// The declared or inferred `Result`.
    public var result: ResultShape?
    /// The `ResultSample` file, relative to the package (`Flows/samples/lead.json`).
    public var sample: String?

    public init(_ name: String, reads: [String] = [], result: ResultShape? = nil, sample: String? = nil) {
        self.name = name
        self.reads = reads
        self.result = result
        self.sample = sample
    }

    /// The response as the declared `Result` holds it (`ResultShape.decoded`); the response
    /// itself where the element declares none.
    public func decode(_ response: JSONValue) throws(ResponseShapeError) -> JSONValue {
        guard let result else { return response }
        return try result.decoded(response)
    }
}
