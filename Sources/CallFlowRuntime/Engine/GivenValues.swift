import Synchronization

/// The values of earlier elements given to `flows try` (`--set PATH=VALUE`), for the one
/// request it makes: a property (`LeadField`), `X.Status`, `X.Error`, `X.Value`, and a
/// request's result, whole (`X.Result={"Value":"gold"}`) or by path (`X.Result.Value=gold`).
/// Generated code asks for every value some request reads; what cannot be read as its type is
/// a problem, and a value never asked for is named too.
public final class GivenValues: Sendable {
    private let assignments: [(path: String, text: String)]
    private let record = Mutex<(asked: Set<String>, problems: [String])>(([], []))

    public init(_ assignments: [(path: String, text: String)]) {
        self.assignments = assignments
    }

    /// Why a given value could not be used, in the order found.
    public var problems: [String] { record.withLock { $0.problems } }

    /// The given paths that nothing the flow's requests read matches.
    public var unused: [String] {
        let asked = record.withLock { $0.asked }
        return assignments.map(\.path).filter { path in
            !asked.contains(path) && !asked.contains { path.hasPrefix($0 + ".") }
        }
    }

    /// Whether a value was given for `path` (a read such as `GETAPI.Result.Value`): the path
    /// itself, a part of it, or something inside it.
    public func provides(_ path: String) -> Bool {
        assignments.contains { $0.path == path || path.hasPrefix($0.path + ".") || $0.path.hasPrefix(path + ".") }
    }

    private func given(_ path: String) -> String? {
        record.withLock { _ = $0.asked.insert(path) }
        return assignments.last { $0.path == path }?.text
    }

    private func problem(_ text: String) {
        record.withLock { $0.problems.append(text) }
    }

    public func text(_ path: String) -> String? { given(path) }

    public func number(_ path: String) -> Double? {
        guard let text = given(path) else { return nil }
        guard let number = Double(text), number.isFinite else {
            problem("--set \(path)=\(text): \(path) is a number")
            return nil
        }
        return number
    }

    public func integer(_ path: String) -> Int? {
        guard let text = given(path) else { return nil }
        guard let number = Int(text) else {
            problem("--set \(path)=\(text): \(path) is a whole number")
            return nil
        }
        return number
    }

    public func boolean(_ path: String) -> Bool? {
        guard let text = given(path) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            problem("--set \(path)=\(text): \(path) is true or false")
            return nil
        }
    }

    /// A list or object: the text as JSON.
    public func json(_ path: String) -> JSONValue? {
        guard let text = given(path) else { return nil }
        guard let value = try? JSONParser.parse(text) else {
            problem("--set \(path)=\(text): \(path) is a list or an object, written as JSON")
            return nil
        }
        return value
    }

    /// The result of `request`, from `X.Result` (JSON) and `X.Result.a.b` values (JSON where the
    /// text is JSON, else text), laid over its declared shape with the other places left empty,
    /// as a response that shape holds.
    public func result(of request: RequestElementInfo) -> JSONValue? {
        let root = request.name + ".Result"
        record.withLock { _ = $0.asked.insert(root) }
        let parts = assignments.filter { $0.path == root || $0.path.hasPrefix(root + ".") }
        guard !parts.isEmpty else { return nil }
        var built: JSONValue = .object([])
        for part in parts {
            let value = (try? JSONParser.parse(part.text)) ?? .string(part.text)
            let steps = part.path.dropFirst(root.count).split(separator: ".").map(String.init)
            built = steps.isEmpty ? value : Self.setting(value, at: steps[...], in: built)
        }
        do throws(ResponseShapeError) {
            return try request.decode((request.result ?? .object([])).filled(with: built))
        } catch {
            problem("--set \(root)…: \(error)")
            return nil
        }
    }

    private static func setting(_ value: JSONValue, at path: ArraySlice<String>, in object: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var members: [(key: String, value: JSONValue)] = []
        if case .object(let existing) = object { members = existing }
        let inner = members.last { $0.key == key }?.value ?? .object([])
        members.removeAll { $0.key == key }
        members.append((key, setting(value, at: path.dropFirst(), in: inner)))
        return .object(members)
    }
}
