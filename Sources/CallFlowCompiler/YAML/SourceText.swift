/// The raw bytes of a YAML file, for locating characters inside a scalar from libyaml's marks,
/// which count characters, not bytes.
struct SourceText {
    let bytes: [UInt8]
    /// The last character index converted and its byte offset. Marks arrive in file order, so
    /// each conversion walks forward from the previous one.
    private var cursor = (character: 0, byte: 0)
    /// Bytes before the first character (a byte-order mark), and how many characters after
    /// them are ASCII: up to there, a character's offset needs no walk.
    private let prefix: Int
    private let asciiCount: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        // libyaml does not count a UTF-8 byte-order mark as a character.
        let prefix = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        self.prefix = prefix
        cursor = (0, prefix)
        asciiCount = bytes.withUnsafeBytes { raw in
            var end = prefix
            // Eight bytes at a time while none has its high bit set.
            while end + 8 <= raw.count, raw.loadUnaligned(fromByteOffset: end, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { end += 8 }
            while end < raw.count, raw[end] < 0x80 { end += 1 }
            return end - prefix
        }
    }

    /// The byte offset of the character at `index` (a libyaml mark's `index`).
    mutating func offset(ofCharacter index: Int) -> Int {
        if index <= asciiCount { return prefix + index }
        if index < cursor.character { cursor = (0, prefix) }
        var (character, byte) = cursor
        bytes.withUnsafeBufferPointer { bytes in
            while character < index, byte < bytes.count {
                byte += 1
                while byte < bytes.count, bytes[byte] & 0xC0 == 0x80 { byte += 1 }
                character += 1
            }
        }
        cursor = (character, byte)
        return byte
    }

    /// Appends to `found` the 1-based positions of each `<<` (left to right, without overlap) in
    /// the bytes from `start` up to `end`, where `start` is at the 0-based `line` and `column`.
    func appendMarkers(from start: Int, to end: Int, line: Int, column: Int, to found: inout [SourceLocation]) {
        bytes.withUnsafeBufferPointer { bytes in
            var line = line, column = column
            var i = start
            let end = min(end, bytes.count)
            while i < end {
                let byte = bytes[i]
                if byte == UInt8(ascii: "<"), i + 1 < end, bytes[i + 1] == UInt8(ascii: "<") {
                    found.append(SourceLocation(line: line + 1, column: column + 1))
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
        }
    }
}
