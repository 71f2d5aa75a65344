/// One header line of a request or a response.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `Name: value` lines, one a header, as they are stored and shown.
    static func lines(_ headers: [HTTPHeader]) -> String {
        headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    static func parseLines(_ text: String) -> [HTTPHeader] {
        text.split(separator: "\n").compactMap { (line: Substring) -> HTTPHeader? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return HTTPHeader(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingSpaces())
        }
    }
}

extension String {
    /// The text of a NUL-terminated C buffer, such as libcurl's error buffer.
    init(nulTerminated buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
