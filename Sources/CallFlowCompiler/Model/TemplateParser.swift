/// Parses template text into literal runs and fillpoints, reporting `fillpoint-syntax`
/// problems at the fillpoint's `<<`.
///
/// Grammar inside `<< >>` (spaces allowed around the parts):
///
///     fillpoint := path ( "??" fallback )?
///     path      := segment ( "." segment | "[" ( index | quoted ) "]" )*
///     segment   := identifier | index | quoted
///     fallback  := quoted | number
struct TemplateParser {
    private let sink: DiagnosticSink

    init(sink: DiagnosticSink) {
        self.sink = sink
    }

    /// Parses a whole scalar as a template.
    func parse(_ node: YAMLNode) -> Template? {
        guard let scalar = node.scalar else { return nil }
        let plain = scalar.style == .plain && node.tag == nil
        return node.withText { bytes in
            parse(bytes, range: 0..<bytes.count, in: scalar, at: node.location, plain: plain)
        } ?? nil
    }

    /// Parses `range` of a scalar's UTF-8 bytes as a template (a header value, say). Fillpoint
    /// locations come from the scalar's marker locations, so they are exact inside quoted and
    /// block scalars too.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, in scalar: YAMLScalar, at location: SourceLocation, plain: Bool = false) -> Template? {
        // Ordinal of the next `<<` among all of the scalar's markers, counted as the loader does.
        var ordinal = FillpointMarkers.count(in: bytes, from: 0, to: min(range.lowerBound + 1, bytes.count))
        let markers = FillpointMarkers.count(in: bytes, from: range.lowerBound, to: range.upperBound)
        var parts: [Template.Part] = []
        // A text run before each fillpoint, and one after the last.
        parts.reserveCapacity(2 * markers + 1)
        var valid = true
        var literalStart = range.lowerBound
        var i = range.lowerBound
        while markers > 0, i < range.upperBound {
            guard bytes[i] == UInt8(ascii: "<"), i + 1 < range.upperBound, bytes[i + 1] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            let markerLocation = scalar.markerLocation(ordinal) ?? location
            guard let close = Self.closingMarker(in: bytes, from: i + 2, to: range.upperBound) else {
                sink.report(.fillpointSyntax, at: markerLocation, "this `<<` is never closed; end the fillpoint with `>>`")
                return nil
            }
            if literalStart < i {
                parts.append(.text(String(decoding: UnsafeBufferPointer(rebasing: bytes[literalStart..<i]), as: UTF8.self)))
            }
            if let fillpoint = parseFillpoint(UnsafeBufferPointer(rebasing: bytes[(i + 2)..<close]), at: markerLocation) {
                parts.append(.fillpoint(fillpoint))
            } else {
                valid = false
            }
            // This fillpoint's `<<`, and any inside a quoted part of it.
            ordinal += 1 + FillpointMarkers.count(in: bytes, from: i + 2, to: close)
            i = close + 2
            literalStart = i
        }
        if literalStart < range.upperBound {
            parts.append(.text(String(decoding: UnsafeBufferPointer(rebasing: bytes[literalStart..<range.upperBound]), as: UTF8.self)))
        }
        reportForeignFillpoints(bytes, range: range, in: scalar, at: location)
        return valid ? Template(parts: parts, location: location, isPlainScalar: plain) : nil
    }

    /// `{{call.name}}`, the fillpoint syntax of the products flows are copied from, would be
    /// spoken or sent as written: a warning with the fix. Only a `{{ }}` holding a path (letters,
    /// digits, `_`, `.`) counts, so JSON or a template language in a raw body is left alone.
    private func reportForeignFillpoints(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, in scalar: YAMLScalar, at location: SourceLocation) {
        var i = range.lowerBound
        while i + 1 < range.upperBound {
            guard bytes[i] == UInt8(ascii: "{"), bytes[i + 1] == UInt8(ascii: "{") else {
                i += 1
                continue
            }
            var close = i + 2
            while close + 1 < range.upperBound, !(bytes[close] == UInt8(ascii: "}") && bytes[close + 1] == UInt8(ascii: "}")), bytes[close] != 10 {
                close += 1
            }
            guard close + 1 < range.upperBound, bytes[close] == UInt8(ascii: "}") else {
                // Unclosed on this line: look on from the next `{{`.
                i += 2
                continue
            }
            let inner = String(decoding: UnsafeBufferPointer(rebasing: bytes[(i + 2)..<close]), as: UTF8.self).trimming(" ")
            if let first = inner.unicodeScalars.first, first.properties.isAlphabetic,
               inner.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ".") }) {
                sink.report(.foreignFillpoint, at: Self.location(ofByte: i, in: bytes, scalar: scalar, at: location),
                            "`{{\(inner)}}` is not a fillpoint here and would be used as it is written; CallFlow's fillpoints are `<<\(inner)>>`",
                            notes: ["write `<<\(inner)>>`"])
            }
            i = close + 2
        }
    }

    /// Where byte `offset` of a scalar's value stands in the file: exact for one-line plain and
    /// quoted scalars without escapes before it; else the scalar's own location.
    private static func location(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>, scalar: YAMLScalar, at location: SourceLocation) -> SourceLocation {
        let before = UnsafeBufferPointer(rebasing: bytes[..<offset])
        guard !before.contains(10), !before.contains(UInt8(ascii: "\\")) || scalar.style != .doubleQuoted,
              !before.contains(UInt8(ascii: "'")) || scalar.style != .singleQuoted else { return location }
        var found = location
        switch scalar.style {
        case .plain: break
        case .singleQuoted, .doubleQuoted: found.column += 1
        case .literal, .folded: return location
        }
        found.column += before.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
        return found
    }

    /// The offset of the `>>` that closes a fillpoint, skipping `>>` inside a quoted key or
    /// fallback.
    static func closingMarker(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var i = start
        var inQuotes = false
        while i < end {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: ">"), i + 1 < end, bytes[i + 1] == UInt8(ascii: ">") {
                return i
            } else if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "<") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "<")) {
                // A fillpoint never spans a new fillpoint or a line: the first `<<` is unclosed.
                return nil
            }
            i += 1
        }
        return nil
    }

    /// Parses the text between `<<` and `>>`.
    func parseFillpoint(_ inner: String, at location: SourceLocation) -> Fillpoint? {
        var inner = inner
        return inner.withUTF8 { parseFillpoint($0, at: location) }
    }

    /// Parses the UTF-8 between `<<` and `>>`.
    func parseFillpoint(_ bytes: UnsafeBufferPointer<UInt8>, at location: SourceLocation) -> Fillpoint? {
        var inner: String { String(decoding: bytes, as: UTF8.self) }
        var scanner = FillpointScanner(bytes)
        scanner.skipSpaces()
        if scanner.atEnd {
            sink.report(.fillpointSyntax, at: location, "empty fillpoint `<<\(inner)>>`; write a path such as `<<call.name>>`")
            return nil
        }
        var path: [PathSegment] = []
        // A step after each `.` or `[`, and the first: an upper bound.
        path.reserveCapacity(1 + bytes.reduce(0) { $0 + ($1 == UInt8(ascii: ".") || $1 == UInt8(ascii: "[") ? 1 : 0) })
        do {
            path.append(try scanner.segment())
            while true {
                scanner.skipSpaces()
                if scanner.consume(".") {
                    scanner.skipSpaces()
                    path.append(try scanner.segment())
                } else if scanner.consume("[") {
                    scanner.skipSpaces()
                    let segment = try scanner.segment()
                    if case .name = segment { throw FillpointScanner.Failure("a `[...]` step takes a number or a quoted key, not `\(segment)`") }
                    path.append(segment)
                    scanner.skipSpaces()
                    guard scanner.consume("]") else { throw FillpointScanner.Failure("expected `]`") }
                } else {
                    break
                }
            }
            var fallback: Fallback?
            if scanner.consume("??") {
                scanner.skipSpaces()
                fallback = try scanner.fallback()
                scanner.skipSpaces()
            }
            guard scanner.atEnd else {
                let rest = scanner.rest
                if rest.hasPrefix(":") {
                    throw FillpointScanner.Failure("unexpected `:`; a fillpoint path joins its steps with `.`")
                }
                throw FillpointScanner.Failure("unexpected `\(rest)`")
            }
            return Fillpoint(path: path, fallback: fallback, location: location, source: inner)
        } catch let failure as FillpointScanner.Failure {
            sink.report(.fillpointSyntax, at: location, "malformed fillpoint `<<\(inner)>>`: \(failure.reason)")
            return nil
        } catch {
            return nil
        }
    }
}

/// A cursor over the bytes of one fillpoint.
private struct FillpointScanner {
    struct Failure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    var atEnd: Bool { index >= bytes.count }
    var rest: String { text(index..<bytes.count) }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
    }

    /// Consumes `text` (ASCII) if the bytes at the cursor are exactly it.
    mutating func consume(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] { return false }
        index += count
        return true
    }

    mutating func segment() throws -> PathSegment {
        guard index < bytes.count else { throw Failure("the path ends with an empty step") }
        let byte = bytes[index]
        if byte == UInt8(ascii: "\"") { return .key(try quoted()) }
        if isDigit(byte) {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            if index < bytes.count, isIdentifierByte(bytes[index]) {
                throw Failure("`\(text(start..<bytes.count))` is neither a name nor an index; quote a key that starts with a digit")
            }
            var value = 0
            for digit in bytes[start..<index] {
                let (tens, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, carry) = tens.addingReportingOverflow(Int(digit - UInt8(ascii: "0")))
                guard !overflow, !carry else { throw Failure("the index is too large") }
                value = sum
            }
            return .index(value)
        }
        guard isIdentifierStart(byte) else {
            if byte == UInt8(ascii: ".") { throw Failure("the path has an empty step") }
            throw Failure("unexpected `\(rest)`; quote a key that is not a plain name, as in `a.\"b c\"`")
        }
        let start = index
        while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
        return .name(text(start..<index))
    }

    mutating func fallback() throws -> Fallback {
        guard index < bytes.count else { throw Failure("`??` needs a fallback, such as `?? \"\"` or `?? 0`") }
        if bytes[index] == UInt8(ascii: "\"") { return .text(try quoted()) }
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        var digits = 0, dots = 0
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
            if bytes[index] == UInt8(ascii: ".") { dots += 1 } else { digits += 1 }
            index += 1
        }
        guard digits > 0, dots <= 1, bytes[index - 1] != UInt8(ascii: ".") else {
            index = start
            throw Failure("the fallback must be quoted text or a number, as in `?? \"none\"` or `?? 0`")
        }
        return .number(text(start..<index))
    }

    private mutating func quoted() throws -> String {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                value.append(bytes[index + 1])
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            value.append(byte)
            index += 1
        }
        throw Failure("a quoted key or fallback is not closed with `\"`")
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }
    private func isIdentifierByte(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
}
