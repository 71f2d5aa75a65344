/// A SetProperty element: store a value for later elements.
public struct SetProperty: Sendable {
    public enum PropertyType: String, Sendable, CaseIterable {
        case ivrData = "IVRData", callData = "CallData"
    }

    public var property: String
    public var propertyLocation: SourceLocation
    public var propertyType: PropertyType
    /// `Value`, or the fillpoint that `ValueType: DataBin` + `ValueName` stand for.
    public var value: Template
    /// The location of the `Value` (or `ValueName`) key.
    public var valueLocation: SourceLocation
}
