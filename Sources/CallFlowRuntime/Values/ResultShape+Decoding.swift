extension ResultShape {
    /// The response as the declared shape holds it, or the first path where it differs.
    ///
    /// Checks run in the order of the shape, so the error names the same path a hand-written
    /// decoder would. The value returned has the declared keys only, in declared order, with
    /// `null` for a missing optional, so `<<E.Result>>` shows what the flow declared. Generated
    /// code reads it with `flowMember`, `flowElement(at:)` and the typed `flowString`… views,
    /// which cannot fail on a value that passed here.
    public func decoded(_ value: JSONValue?, at path: String = "") throws(ResponseShapeError) -> JSONValue {
        switch self {
        case .string: return .string(try ResponseDecoding.string(value, at: path))
        case .number: return .number(try ResponseDecoding.number(value, at: path))
        case .integer: return .number(Double(try ResponseDecoding.integer(value, at: path)))
        case .boolean: return .bool(try ResponseDecoding.boolean(value, at: path))
        case .optional(let wrapped):
            return try ResponseDecoding.optional(value, at: path) { value, path throws(ResponseShapeError) in try wrapped.decoded(value, at: path) } ?? .null
        case .array(let item):
            return .array(try ResponseDecoding.array(value, at: path) { value, path throws(ResponseShapeError) in try item.decoded(value, at: path) })
        case .object(let members):
            let object = try ResponseDecoding.object(value, at: path)
            var decoded: [(key: String, value: JSONValue)] = []
            decoded.reserveCapacity(members.count)
            for member in members {
                decoded.append((member.key, try member.shape.decoded(object[member.key], at: ResponseDecoding.member(path, member.key))))
            }
            return .object(decoded)
        }
    }
}
