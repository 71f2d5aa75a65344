/// Replaces a call's secret values with `***` in any text that leaves the call: events, log
/// entries, alert mails, error texts.
public struct Redactor: Sendable {
    /// Every form a secret may take in a request, longest first, so that no part of a longer
    /// form is left behind by a shorter one.
    private let forms: [String]

    public init(secrets: some Sequence<String>) {
        forms = Set(secrets.filter { !$0.isEmpty }.flatMap { [$0, Encoding.percentEncoded($0), Encoding.formEncoded($0)] })
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    public func callAsFunction(_ text: String) -> String {
        var text = text
        for form in forms where text.contains(form) {
            text = text.replacing(form, with: "***")
        }
        return text
    }

    var isEmpty: Bool { forms.isEmpty }
}
