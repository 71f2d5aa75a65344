/// A value that is set at some point of a call, and that a fillpoint may need to have been set
/// before it is read. `call.*`, `contact.*` and secrets are always set and need no fact.
enum Fact: Hashable {
    case property(String)
    case result(Int)
    case status(Int)
    case error(Int)
    case digits(Int)

    /// How a message names the value: `LeadField`, `GETAPI.Result`.
    func describe(in flow: Flow) -> String {
        switch self {
        case .property(let name): name
        case .result(let element): "\(flow.elements[element].name).Result"
        case .status(let element): "\(flow.elements[element].name).Status"
        case .error(let element): "\(flow.elements[element].name).Error"
        case .digits(let element): "\(flow.elements[element].name).Value"
        }
    }
}
