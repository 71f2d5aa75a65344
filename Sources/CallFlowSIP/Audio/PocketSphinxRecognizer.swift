import CallFlowRuntime
import CPocketSphinx
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Speech to text on this machine with pocketsphinx (BSD) and Debian's US English model
/// (`pocketsphinx-en-us`): what a workflow's `Transcription` with `Engine: local` runs.
///
/// The model is for 16 kHz speech; a call's 8 kHz audio is brought to 16 kHz first, so the
/// upper half of the model's band is empty, and accuracy on call audio is modest
/// (docs/workflows.md has what it gets right). Loading the model takes seconds, so one decoder
/// is loaded on first use and kept; it serves one recognition at a time, on a queue of its
/// own, off Swift's cooperative pool.
public final class PocketSphinxRecognizer: SpeechRecognizer, @unchecked Sendable {
    /// Where Debian puts the model.
    public static let modelDirectory = "/usr/share/pocketsphinx/model/en-us"

    // Used only on `queue`.
    private let queue = DispatchQueue(label: "callflow.pocketsphinx")
    private var decoder: OpaquePointer?

    deinit {
        if let decoder { ps_free(decoder) }
    }

    public init() {
        // pocketsphinx logs every setting and every utterance on standard error by default.
        _ = Self.quiet
    }

    private static let quiet: Bool = {
        err_set_logfp(nil)
        return true
    }()

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func recognize(_ samples: [Int16], sampleRate: Int, language: String) async throws -> [TranscriptSegment] {
        guard language.lowercased() == "en-us" else { throw Failure(description: "the local recognizer knows en-US only, not \(language)") }
        let audio = sampleRate == 16000 ? samples : Self.upsampled(samples, from: sampleRate)
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                continuation.resume(with: Result { try decode(audio, with: loadedDecoder()) })
            }
        }
    }

    /// `samples` at 16 kHz, by linear interpolation (8 kHz call audio doubles exactly).
    static func upsampled(_ samples: [Int16], from rate: Int) -> [Int16] {
        guard rate > 0, !samples.isEmpty else { return [] }
        let count = samples.count * 16000 / rate
        var out = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let position = Double(index) * Double(rate) / 16000
            let left = Int(position)
            let right = min(left + 1, samples.count - 1)
            let fraction = position - Double(left)
            out[index] = Int16(Double(samples[left]) * (1 - fraction) + Double(samples[right]) * fraction)
        }
        return out
    }

    /// The decoder, loaded on first use; on `queue`.
    private func loadedDecoder() throws -> OpaquePointer {
        if let decoder { return decoder }
        let arguments = ["-hmm", Self.modelDirectory + "/en-us", "-lm", Self.modelDirectory + "/en-us.lm.bin",
                         "-dict", Self.modelDirectory + "/cmudict-en-us.dict", "-samprate", "16000", "-logfn", "/dev/null"]
        var pointers = arguments.map { strdup($0) }
        defer { for pointer in pointers { free(pointer) } }
        guard let config = pointers.withUnsafeMutableBufferPointer({ cmd_ln_parse_r(nil, ps_args(), Int32($0.count), $0.baseAddress, 0) }) else {
            throw Failure(description: "pocketsphinx rejected its settings")
        }
        // The decoder keeps its own reference to the configuration.
        defer { cmd_ln_free_r(config) }
        guard let loaded = ps_init(config) else {
            throw Failure(description: "pocketsphinx could not load its model from \(Self.modelDirectory) (apt install pocketsphinx-en-us)")
        }
        decoder = loaded
        return loaded
    }

    /// `samples` (16 kHz) through `decoder`: each utterance, split at pauses, is a segment with
    /// the mean posterior probability of its words.
    private func decode(_ samples: [Int16], with decoder: OpaquePointer) throws -> [TranscriptSegment] {
        let logmath = ps_get_logmath(decoder)
        var segments: [TranscriptSegment] = []
        // Utterances are cut where pocketsphinx hears silence, a tenth of a second at a time.
        let chunk = 1600
        var inSpeech = false
        func finishUtterance() {
            ps_end_utt(decoder)
            var words: [String] = []
            var confidence = 0.0
            var iterator = ps_seg_iter(decoder)
            while let segment = iterator {
                if let word = ps_seg_word(segment).map({ String(cString: $0) }), !word.hasPrefix("<"), !word.hasPrefix("[") {
                    // `word(2)` is an alternative pronunciation of `word`.
                    words.append(String(word.prefix { $0 != "(" }))
                    confidence += logmath_exp(logmath, ps_seg_prob(segment, nil, nil, nil))
                }
                iterator = ps_seg_next(segment)
            }
            if !words.isEmpty {
                segments.append(TranscriptSegment(channel: 1, text: words.joined(separator: " "), confidence: confidence / Double(words.count)))
            }
        }
        ps_start_utt(decoder)
        var offset = 0
        while offset < samples.count {
            let count = min(chunk, samples.count - offset)
            samples.withUnsafeBufferPointer { buffer in
                _ = ps_process_raw(decoder, buffer.baseAddress! + offset, count, 0, 0)
            }
            offset += count
            let speaking = ps_get_in_speech(decoder) != 0
            if inSpeech, !speaking {
                finishUtterance()
                ps_start_utt(decoder)
            }
            inSpeech = speaking
        }
        finishUtterance()
        return segments
    }
}
