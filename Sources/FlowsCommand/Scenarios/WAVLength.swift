import CallFlowCompiler

/// The length of a WAV file from its header: what a scenario's `Recording` fires
/// `RecordingUploaded` with.
enum WAVLength {
    /// Seconds of audio in the RIFF/WAVE file at `path`; nil when it is not one.
    static func seconds(ofFile path: String) -> Double? {
        guard let bytes = FileSystem.read(path), bytes.count >= 12,
              Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8) else { return nil }
        func little(_ offset: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var offset = 12
        var bytesPerSecond: Int?
        while offset + 8 <= bytes.count {
            let size = little(offset + 4, 4)
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            if id == "fmt ", offset + 20 <= bytes.count {
                bytesPerSecond = little(offset + 16, 4)
            } else if id == "data", let rate = bytesPerSecond, rate > 0 {
                return Double(min(size, bytes.count - offset - 8)) / Double(rate)
            }
            offset += 8 + size + size % 2
        }
        return nil
    }
}
