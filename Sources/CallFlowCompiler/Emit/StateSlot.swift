/// Where a call's state keeps a value: one member of the flow's `State` tuple, labelled with a
/// prefix and the flow's name for it (`state.property_Lead`, `state.result_GETAPI`). The
/// prefixes start with different letters, so no two labels meet whatever the names are.
enum StateSlot: String, CaseIterable {
    case property, result, status, error, digits

    func label(_ name: String) -> String { "\(rawValue)_\(name)" }

    func path(_ name: String) -> String { "state." + label(name) }
}
