/// A CollectInput element: read keypad digits into `<<Name.Value>>`.
public struct CollectInput: Sendable {
    public var text: Template?
    public var phrase: [Template]
    public var minDigits: Int
    public var maxDigits: Int
    public var timeout: Int
    public var terminator: String
    public var retries: Int
    public var onNoInput: ElementReference?
}
