/// A value that is set at some point of a call, and that a fillpoint may need to have been set
/// before it is read. `call.*`, `contact.*` and secrets are always set and need no fact.
enum Fact: Hashable {
    case property(String)
    case result(Int)
    case status(Int)
    case error(Int)
    case digits(Int)
}
