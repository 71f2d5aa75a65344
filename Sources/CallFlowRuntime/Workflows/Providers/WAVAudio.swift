#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A WAV file's 16-bit PCM audio: what a `Transcription` reads of a recording.
public struct WAVAudio: Sendable {
    public var sampleRate: Int
    public var channels: Int
    /// The samples, interleaved when there are several channels.
    public var samples: [Int16]

    /// Seconds of audio.
    public var seconds: Double { sampleRate > 0 && channels > 0 ? Double(samples.count / channels) / Double(sampleRate) : 0 }

    /// The samples of one channel (0: the left, which `flows serve --record` gives the caller).
    public func channel(_ index: Int) -> [Int16] {
        guard channels > 1 else { return samples }
        return stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// Why a file could not be read as audio.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the RIFF/WAVE file at `path`: 16-bit PCM, any rate and channel count.
    public static func read(_ path: String) throws(Problem) -> WAVAudio {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(description: "cannot read \(path)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8) else {
            throw Problem(description: "\(path) is not a WAV file")
        }
        func little(_ offset: Int, _ count: Int) -> Int {
            (0..<count).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        var offset = 12
        var format: (encoding: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let size = little(offset + 4, 4)
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let body = offset + 8
            if id == "fmt ", body + 16 <= bytes.count {
                format = (little(body, 2), little(body + 2, 2), little(body + 4, 4), little(body + 14, 2))
            } else if id == "data" {
                guard let format, format.encoding == 1 || format.encoding == 0xFFFE, format.bits == 16, format.channels > 0 else {
                    throw Problem(description: "\(path) is not 16-bit PCM audio")
                }
                // A recording cut short has a data size larger than what is there.
                let count = min(size, bytes.count - body) / 2
                var samples = [Int16](repeating: 0, count: count)
                for index in 0..<count {
                    samples[index] = Int16(bitPattern: UInt16(bytes[body + 2 * index]) | UInt16(bytes[body + 2 * index + 1]) << 8)
                }
                return WAVAudio(sampleRate: format.rate, channels: format.channels, samples: samples)
            }
            offset = body + size + size % 2
        }
        throw Problem(description: "\(path) has no audio data")
    }
}
