#if canImport(Glibc)
import Glibc
#endif

/// Replaces a call's secret values with `***` in any text that leaves the call: events, log
/// entries, alert mails, error texts.
public struct Redactor: Sendable {
    /// Every form a secret may take in a request, longest first, so that no part of a longer
    /// form is left behind by a shorter one.
    private let forms: [String]

    /// What a secret is replaced with.
    public static let mask = "***"
    /// `Sensitive` input shorter than this is masked in its own event only.
    public static let shortestHiddenValue = 3

    private let secrets: [String]

    public init(secrets: some Sequence<String>) {
        self.secrets = Array(secrets)
        forms = Set(self.secrets.filter { !$0.isEmpty }.flatMap { [$0, Encoding.percentEncoded($0), Encoding.formEncoded($0)] })
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// This redactor hiding `value` as well.
    public func adding(_ value: String) -> Redactor {
        Redactor(secrets: secrets + [value])
    }

    public func callAsFunction(_ text: String) -> String {
        var text = text
        for form in forms {
            if let replaced = Self.replacing(form, in: text) { text = replaced }
        }
        return text
    }

    /// `text` with every occurrence of `form` as `***`, or nil when there is none (almost
    /// always). Works on the UTF-8 with `memchr` and `memcmp`: this runs on every text of every
    /// event and log entry, and `String.contains` and `replacing` build a search table each time.
    private static func replacing(_ form: String, in text: String) -> String? {
        var text = text, form = form
        return text.withUTF8 { haystack in
            form.withUTF8 { needle -> String? in
                guard let first = needle.first, needle.count <= haystack.count,
                      let start = haystack.baseAddress, let pattern = needle.baseAddress else { return nil }
                var out: [UInt8] = []
                var copied = 0
                var offset = 0
                let lastStart = haystack.count - needle.count
                while offset <= lastStart, let found = memchr(start + offset, Int32(first), lastStart - offset + 1) {
                    let position = UnsafeRawPointer(found) - UnsafeRawPointer(start)
                    if memcmp(found, pattern, needle.count) == 0 {
                        out.append(contentsOf: haystack[copied..<position])
                        out.append(contentsOf: mask.utf8)
                        copied = position + needle.count
                        offset = copied
                    } else {
                        offset = position + 1
                    }
                }
                guard copied > 0 else { return nil }
                out.append(contentsOf: haystack[copied...])
                return String(decoding: out, as: UTF8.self)
            }
        }
    }

    var isEmpty: Bool { forms.isEmpty }
}
