import ArgumentParser
import CallFlowCompiler
import CallFlowRuntime

#if canImport(Glibc)
import Glibc
#endif

/// `--call KEY=VALUE` and `--contact KEY=VALUE`: the call's variables, for `flows run` and
/// `flows try`.
struct VariableOptions: ParsableArguments {
    @Option(name: .customLong("call"), help: "A call variable, KEY=VALUE (repeatable).")
    var callVariables: [String] = []

    @Option(name: .customLong("contact"), help: "A contact variable, KEY=VALUE; tags and emails comma-separated (repeatable).")
    var contactVariables: [String] = []

    /// The variables, and the names given (`call.leadid`); nil after an error that names the
    /// key or the value at fault.
    func parse() -> (call: CallVariables, contact: ContactVariables, given: Set<String>)? {
        var variables = CallVariables()
        var given: Set<String> = []
        for assignment in callVariables {
            guard let (key, value) = Self.split(assignment), variables.set(key, value) else {
                printError("flows: error: " + Self.badAssignment("--call", assignment, names: CallVariables.names))
                return nil
            }
            given.insert("call." + key)
        }
        var contact = ContactVariables()
        for assignment in contactVariables {
            guard let (key, value) = Self.split(assignment), contact.set(key, value) else {
                printError("flows: error: " + Self.badAssignment("--contact", assignment, names: ContactVariables.names))
                return nil
            }
            given.insert("contact." + key)
        }
        return (variables, contact, given)
    }

    /// The secrets a flow declares, from `FLOW_SECRET_<NAME>`.
    static func secrets(of flow: CompiledFlow) -> [String: String] {
        var secrets: [String: String] = [:]
        for name in flow.secrets {
            if let value = getenv("FLOW_SECRET_" + name) { secrets[name] = String(cString: value) }
        }
        return secrets
    }

    /// Why `--call KEY=VALUE` was refused: the key, with a did-you-mean, or the value.
    static func badAssignment(_ option: String, _ assignment: String, names: [String]) -> String {
        guard let (key, value) = split(assignment) else {
            return "\(option) \(assignment): expected KEY=VALUE with one of \(names.joined(separator: ", "))"
        }
        if names.contains(key) {
            return "\(option) \(assignment): `\(value)` is not a number; \(key) is a number, such as 30"
        }
        let guess = Suggestion.closest(to: key, in: names).map { " Did you mean `\($0)`?" } ?? ""
        return "\(option) \(assignment): `\(key)` is not a variable.\(guess) The variables are: \(names.joined(separator: ", "))"
    }

    /// `KEY=VALUE` split at the first `=`.
    static func split(_ assignment: String) -> (String, String)? {
        guard let equals = assignment.firstIndex(of: "=") else { return nil }
        return (String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]))
    }
}
