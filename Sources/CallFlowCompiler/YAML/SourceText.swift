/// The raw bytes of a YAML file, with the byte offset of each line, for locating characters
/// inside a scalar from libyaml's (character-counting) marks.
struct SourceText {
    let bytes: [UInt8]
    private var lineStarts: [Int] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The byte offset of a 0-based line and character column, clamped to the text.
    mutating func offset(line: Int, column: Int) -> Int {
        if lineStarts.isEmpty { indexLines() }
        guard line < lineStarts.count else { return bytes.count }
        var offset = lineStarts[line]
        var remaining = column
        while remaining > 0, offset < bytes.count {
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }

    /// The 1-based positions of each `<<` (left to right, without overlap) in the bytes from
    /// `start` up to `end`, where `start` is at the 0-based `line` and `column`.
    func markers(from start: Int, to end: Int, line: Int, column: Int) -> [(line: Int, column: Int)] {
        bytes.withUnsafeBufferPointer { bytes in
            var found: [(line: Int, column: Int)] = []
            var line = line, column = column
            var i = start
            let end = min(end, bytes.count)
            while i < end {
                let byte = bytes[i]
                if byte == UInt8(ascii: "<"), i + 1 < end, bytes[i + 1] == UInt8(ascii: "<") {
                    found.append((line + 1, column + 1))
                    i += 2
                    column += 2
                    continue
                }
                if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && (i + 1 >= end || bytes[i + 1] != UInt8(ascii: "\n"))) {
                    line += 1
                    column = 0
                } else if byte & 0xC0 != 0x80, byte != UInt8(ascii: "\r") {
                    column += 1
                }
                i += 1
            }
            return found
        }
    }

    private mutating func indexLines() {
        lineStarts = [0]
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\n") {
                lineStarts.append(i + 1)
            } else if byte == UInt8(ascii: "\r") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                lineStarts.append(i + 1)
            }
            i += 1
        }
    }
}
