#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Infers a `Result` shape from a sample JSON response (`ResultSample`).
///
/// Every number is inferred as `number` (a sample's `12` may be `12.5` tomorrow); `null` as
/// `string?`; a list from the union of its items, a key missing from some items being optional.
enum ResultSampleInference {
    enum Failure: Error, CustomStringConvertible {
        case notJSON(String)
        case notAnObject

        var description: String {
            switch self {
            case .notJSON(let reason): "is not valid JSON (\(reason))"
            case .notAnObject: "is not a JSON object; a response shape starts with `{`"
            }
        }
    }

    static func infer(from data: Data, location: SourceLocation) throws(Failure) -> ValueType {
        let value: JSONSample
        do {
            value = try JSONDecoder().decode(JSONSample.self, from: data)
        } catch {
            throw .notJSON(describe(error))
        }
        guard case .object = value else { throw .notAnObject }
        return type(of: value, location: location)
    }

    private static func type(of value: JSONSample, location: SourceLocation) -> ValueType {
        switch value {
        case .string: return .string
        case .number: return .number
        case .boolean: return .boolean
        case .null: return .optional(.string)
        case .object(let pairs):
            return .object(pairs.map { ValueType.Field(name: $0.key, type: type(of: $0.value, location: location), location: location) })
        case .array(let items):
            guard var merged = items.first.map({ type(of: $0, location: location) }) else { return .array(.optional(.string)) }
            for item in items.dropFirst() { merged = merge(merged, type(of: item, location: location)) }
            return .array(merged)
        }
    }

    /// The type that describes both samples: keys missing from one side become optional.
    private static func merge(_ a: ValueType, _ b: ValueType) -> ValueType {
        if a == b { return a }
        let optional = a.isOptional || b.isOptional
        let wrap: (ValueType) -> ValueType = { optional && !$0.isOptional ? .optional($0) : $0 }
        switch (a.unwrapped, b.unwrapped) {
        case (.object(let left), .object(let right)):
            var fields: [ValueType.Field] = []
            for field in left {
                if let other = right.first(where: { $0.name == field.name }) {
                    fields.append(.init(name: field.name, type: merge(field.type, other.type), location: field.location))
                } else {
                    fields.append(.init(name: field.name, type: field.type.isOptional ? field.type : .optional(field.type), location: field.location))
                }
            }
            for field in right where !left.contains(where: { $0.name == field.name }) {
                fields.append(.init(name: field.name, type: field.type.isOptional ? field.type : .optional(field.type), location: field.location))
            }
            return wrap(.object(fields))
        case (.array(let left), .array(let right)):
            return wrap(.array(merge(left, right)))
        case (let left, let right) where left == right:
            return wrap(left)
        case (.string, _) where a == .optional(.string):
            return b.isOptional ? b : .optional(b)
        case (_, .string) where b == .optional(.string):
            return a.isOptional ? a : .optional(a)
        default:
            // Items of different kinds: only text describes both.
            return wrap(.string)
        }
    }

    private static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
        }
        return String(describing: error)
    }
}

/// A JSON value that keeps the order of object keys, so inferred shapes are deterministic.
private indirect enum JSONSample: Decodable {
    case string(String)
    case number
    case boolean(Bool)
    case null
    case object([(key: String, value: JSONSample)])
    case array([JSONSample])

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            // allKeys has no defined order; sort so the inferred shape is the same every build.
            self = .object(try container.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                ($0.stringValue, try container.decode(JSONSample.self, forKey: $0))
            })
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var items: [JSONSample] = []
            while !container.isAtEnd { items.append(try container.decode(JSONSample.self)) }
            self = .array(items)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .boolean(bool)
        } else if (try? container.decode(Double.self)) != nil {
            self = .number
        } else {
            self = .string(try container.decode(String.self))
        }
    }
}
