/// Parses the string form of `Header`, `"K: V, K: V"`.
///
/// A comma starts a new header only where the text after it, up to the next colon, is a valid
/// header name, so `Accept: text/html, application/json` stays one header. Fillpoints are
/// opaque: a comma or colon inside `<< >>` never splits.
struct HeaderParser {
    private let sink: DiagnosticSink
    private let templates: TemplateParser

    init(sink: DiagnosticSink) {
        self.sink = sink
        self.templates = TemplateParser(sink: sink)
    }

    /// Whether `name` is an RFC 9110 token, the grammar of a header name.
    static func isValidName(_ name: Substring) -> Bool {
        isValidName(bytes: name.utf8)
    }

    static func isValidName(bytes name: some Collection<UInt8>) -> Bool {
        !name.isEmpty && name.allSatisfy(isTokenByte)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Whether `text` holds CR or LF. Checked on bytes: `"\r\n"` is one Character, equal to
    /// neither `"\r"` nor `"\n"`.
    static func hasLineBreak(_ text: String) -> Bool {
        text.utf8.contains { $0 == 13 || $0 == 10 }
    }

    /// The headers of a `Header` string, or `nil` after reporting `invalid-header`.
    func parse(_ node: YAMLNode, key: SourceLocation) -> [APIRequest.Header]? {
        guard let scalar = node.scalar else { return nil }
        return node.withText { parse($0, in: scalar, at: node.location, key: key) } ?? nil
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>, in scalar: YAMLScalar, at location: SourceLocation, key: SourceLocation) -> [APIRequest.Header]? {
        let segments = segments(bytes)
        var headers: [APIRequest.Header] = []
        headers.reserveCapacity(segments.count)
        var valid = true
        for segment in segments {
            let trimmed = trim(segment, in: bytes)
            if trimmed.isEmpty { continue }
            guard let colon = topLevelIndex(of: UInt8(ascii: ":"), in: bytes, range: trimmed) else {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[trimmed]), as: UTF8.self)
                sink.report(.invalidHeader, at: key, "`\(text)` is not a header; write `Name: value`, with headers separated by commas")
                valid = false
                continue
            }
            let nameRange = trim(trimmed.lowerBound..<colon, in: bytes)
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[nameRange]), as: UTF8.self)
            guard Self.isValidName(bytes: bytes[nameRange]) else {
                sink.report(.invalidHeader, at: key, "`\(name)` is not a valid header name; a name is letters, digits and !#$%&'*+-.^_`|~ only")
                valid = false
                continue
            }
            let valueRange = trim((colon + 1)..<trimmed.upperBound, in: bytes)
            guard let value = templates.parse(bytes, range: valueRange, in: scalar, at: location) else {
                valid = false
                continue
            }
            if let constant = value.constant, Self.hasLineBreak(constant) {
                sink.report(.invalidHeader, at: key, "the value of header `\(name)` contains a line break")
                valid = false
                continue
            }
            headers.append(APIRequest.Header(name: name, value: value, location: key))
        }
        return valid ? headers : nil
    }

    /// Splits at the commas that start a new header.
    private func segments(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        result.reserveCapacity(4)
        var start = 0
        var i = 0
        while i < bytes.count {
            if let end = fillpointEnd(bytes, at: i) {
                i = end
                continue
            }
            if bytes[i] == UInt8(ascii: ","), startsHeader(bytes, after: i) {
                result.append(start..<i)
                start = i + 1
            }
            i += 1
        }
        result.append(start..<bytes.count)
        return result
    }

    /// Whether the text after the comma at `comma`, up to the next colon, is a header name.
    private func startsHeader(_ bytes: UnsafeBufferPointer<UInt8>, after comma: Int) -> Bool {
        guard let colon = topLevelIndex(of: UInt8(ascii: ":"), in: bytes, range: (comma + 1)..<bytes.count) else { return false }
        let name = trim((comma + 1)..<colon, in: bytes)
        return Self.isValidName(bytes: bytes[name])
    }

    private func topLevelIndex(of target: UInt8, in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if let end = fillpointEnd(bytes, at: i) {
                i = end
                continue
            }
            if bytes[i] == target { return i }
            i += 1
        }
        return nil
    }

    /// If a fillpoint starts at `i`, the offset just past its `>>`.
    private func fillpointEnd(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        guard bytes[i] == UInt8(ascii: "<"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "<"),
              let close = TemplateParser.closingMarker(in: bytes, from: i + 2, to: bytes.count) else { return nil }
        return close + 2
    }

    private func trim(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
        while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
        return lower..<upper
    }
}
