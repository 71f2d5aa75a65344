import CallFlowRuntime

/// A SIP call's variables, from its INVITE: `call.dnis` is the number called, `call.phonenum`
/// the caller (empty for `anonymous`), and each `X-Call-NAME` / `X-Contact-NAME` header sets
/// that variable as `--call` / `--contact` would (so an explicit `X-Call-Dnis` wins).
struct InviteVariables {
    var call = CallVariables()
    var contact = ContactVariables()
    /// What was not taken, one line each, for the call's record: unknown names, bad values.
    var ignored: [String] = []

    init(to: String, from: String, headers: [(name: String, value: String)]) {
        _ = call.set("dnis", to)
        _ = call.set("phonenum", from == "anonymous" ? "" : from)
        for (header, value) in headers {
            let lowered = header.lowercased()
            if lowered.hasPrefix("x-call-") {
                let name = String(header.dropFirst("x-call-".count))
                guard let key = Self.variable(name, in: CallVariables.names) else {
                    ignored.append("\(header): no call variable \(name)")
                    continue
                }
                if !call.set(key, value) { ignored.append("\(header): `\(value)` is not a number") }
            } else if lowered.hasPrefix("x-contact-") {
                let name = String(header.dropFirst("x-contact-".count))
                // A custom field keeps its own name: X-Contact-Custom_Fields.VIP is custom_fields.VIP.
                let key: String?
                if name.lowercased().hasPrefix("custom_fields."), name.count > "custom_fields.".count {
                    key = "custom_fields." + name.dropFirst("custom_fields.".count)
                } else {
                    key = Self.variable(name, in: ContactVariables.names)
                }
                guard let key, contact.set(key, value) else {
                    ignored.append("\(header): no contact variable \(name)")
                    continue
                }
            }
        }
    }

    /// `name` as one of `names`, matched without regard to case.
    private static func variable(_ name: String, in names: [String]) -> String? {
        names.first { $0.lowercased() == name.lowercased() }
    }
}
