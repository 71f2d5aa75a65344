/// A value that is set at some point of a call, and that a fillpoint may need to have been set
/// before it is read. `call.*`, `contact.*` and secrets are always set and need no fact.
///
/// The element facts name their element by index, and `ReferenceResolver` makes them only for
/// an element that sets them: `result`, `status` and `error` for an APIRequest that waits for
/// its response (whose exits are success and failure), `digits` for a CollectInput.
enum Fact: Hashable {
    case property(String)
    case result(Int)
    case status(Int)
    case error(Int)
    case digits(Int)
}
