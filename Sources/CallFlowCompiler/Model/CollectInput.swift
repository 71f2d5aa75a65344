/// A CollectInput element: read keypad digits into `<<Name.Value>>`.
public struct CollectInput: Sendable {
    public var text: Template?
    public var phrase: [Template]
    public var minDigits: Int
    public var maxDigits: Int
    public var timeout: Int
    public var terminator: String
    public var retries: Int
    /// The digits are a secret (a card number, a PIN): masked wherever they would show.
    public var sensitive: Bool
    public var onNoInput: ElementReference?
}
