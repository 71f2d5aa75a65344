import CSIPShim
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The audio a call plays, as 8 kHz samples: speech made once per text and voice, and WAV
/// files from one folder read once, both kept up to a bound. Making and reading run on a
/// thread of their own, never on Swift's shared ones.
public final class PromptLibrary: Sendable {
    /// Where `Phrase` files are found.
    public let directory: String
    public let synthesizer: any SpeechSynthesizer
    /// The voice of a TTS element without one (or with one the synthesizer lacks).
    public let defaultVoice: String
    private let worker = DispatchQueue(label: "CallFlow.PromptLibrary")
    private let cache = Mutex(Cache())

    /// Samples kept before the oldest are dropped: about 35 minutes of audio, 32 MB.
    static let cachedSamples = 16 << 20

    private struct Cache {
        var entries: [String: [Int16]] = [:]
        var order: [String] = []
        var samples = 0

        mutating func insert(_ key: String, _ value: [Int16]) {
            guard entries[key] == nil else { return }
            entries[key] = value
            order.append(key)
            samples += value.count
            while samples > PromptLibrary.cachedSamples, order.count > 1 {
                samples -= entries.removeValue(forKey: order.removeFirst())?.count ?? 0
            }
        }
    }

    public init(directory: String, synthesizer: any SpeechSynthesizer, defaultVoice: String) {
        self.directory = directory
        self.synthesizer = synthesizer
        self.defaultVoice = defaultVoice
    }

    /// `text` spoken in `voice` (nil, or one the synthesizer lacks: the default).
    public func speech(_ text: String, voice: String?) async -> Result<[Int16], SpeechError> {
        let voice = voice.flatMap { synthesizer.voices.contains($0) ? $0 : nil } ?? defaultVoice
        let key = "speech\u{0}\(voice)\u{0}\(text)"
        if let samples = cache.withLock({ $0.entries[key] }) { return .success(samples) }
        let made = await onWorker { [synthesizer] () -> Result<[Int16], SpeechError> in
            do throws(SpeechError) { return .success(try synthesizer.synthesize(text, voice: voice)) } catch { return .failure(error) }
        }
        if case .success(let samples) = made { cache.withLock { $0.insert(key, samples) } }
        return made
    }

    /// The samples of the file `name` under `directory`.
    public func file(_ name: String) async -> Result<[Int16], PromptFileError> {
        let key = "file\u{0}\(name)"
        if let samples = cache.withLock({ $0.entries[key] }) { return .success(samples) }
        let read = await onWorker { [directory] in Self.read(name, in: directory) }
        if case .success(let samples) = read { cache.withLock { $0.insert(key, samples) } }
        return read
    }

    /// Reads every file in `names` now (as a server starts); the problems, one a file.
    public func check(_ names: [String]) -> [PromptFileError] {
        names.compactMap { name in
            switch Self.read(name, in: directory) {
            case .success(let samples):
                cache.withLock { $0.insert("file\u{0}\(name)", samples) }
                return nil
            case .failure(let error):
                return error
            }
        }
    }

    private func onWorker<Value: Sendable>(_ work: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            worker.async { continuation.resume(returning: work()) }
        }
    }

    private static func read(_ name: String, in directory: String) -> Result<[Int16], PromptFileError> {
        // A name may come from a fillpoint: it must stay inside the folder.
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\0"), !parts.contains(".."), !parts.contains("") else {
            return .failure(PromptFileError(file: name, problem: "not a file name inside the prompts folder"))
        }
        let path = directory.isEmpty || directory == "." ? name : (directory.hasSuffix("/") ? directory : directory + "/") + name
        guard access(path, R_OK) == 0 else {
            return .failure(PromptFileError(file: name, problem: errno == ENOENT ? "not found in \(directory)" : String(cString: strerror(errno))))
        }
        var samples: UnsafeMutablePointer<Int16>?
        var count = 0
        let error = cf_audio_load(path, &samples, &count)
        guard error == 0, let samples else {
            let problem = switch error {
            case ENOTSUP: "not a WAV file of 16-bit PCM, µ-law or A-law at 8, 16, 24, 32 or 48 kHz"
            case EBADMSG: "not a WAV file"
            case EFBIG: "longer than ten minutes"
            default: String(cString: strerror(error))
            }
            return .failure(PromptFileError(file: name, problem: problem))
        }
        defer { free(samples) }
        return .success(Array(UnsafeBufferPointer(start: samples, count: count)))
    }
}

/// An audio file that cannot be played, and why.
public struct PromptFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problem: String

    public var description: String { "\(file): \(problem)" }
}
