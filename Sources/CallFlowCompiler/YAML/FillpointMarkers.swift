/// How `<<` markers are counted: left to right, without overlap (`<<<` holds one). The loader,
/// which finds each marker's place in the raw file, and the template parser, which finds the
/// fillpoints in the decoded text, must count alike for the two to line up.
enum FillpointMarkers {
    static func count<Bytes: RandomAccessCollection>(in bytes: Bytes, from start: Int, to end: Int) -> Int
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var count = 0
        var i = start
        while i + 1 < end {
            if bytes[i] == UInt8(ascii: "<"), bytes[i + 1] == UInt8(ascii: "<") {
                count += 1
                i += 2
            } else {
                i += 1
            }
        }
        return count
    }

    /// Whether `bytes` hold a `<<` at all; quicker than counting, as most scalars have none.
    static func occur(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "<") {
                if bytes[i - 1] == UInt8(ascii: "<") { return true }
                i += 1
            } else {
                // Neither this byte nor the one before can pair with the next.
                i += 2
            }
        }
        return false
    }
}
