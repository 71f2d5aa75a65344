/// One piece of a template as generated code hands it to the runtime. The runtime encodes
/// values for the place the template stands in (FLOW-LANGUAGE.md §4).
public enum TemplatePiece: Sendable {
    /// Text written in the flow, used as it is.
    case text(String)
    /// A fillpoint's value, already written as text.
    case value(String)
    /// A fillpoint's value as text, with the fillpoint as the flow wrote it (`call.leadid`), for
    /// errors that name it. Generated code uses it in URLs.
    case fillpoint(String, source: String)
    /// A fillpoint's value as JSON, for a JSON body that keeps its type.
    case json(JSONValue)
    /// A secret, read from `FLOW_SECRET_<NAME>` when the request is made.
    case secret(String)

    var isSecret: Bool {
        if case .secret = self { true } else { false }
    }
}
