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
}
