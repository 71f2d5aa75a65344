import CFlite
import CSIPShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Speech by flite (BSD), with its US English voices. flite keeps global state, so one
/// synthesis runs at a time.
public final class FliteSynthesizer: SpeechSynthesizer {
    public let voices = ["kal", "kal16", "slt", "rms", "awb"]
    private let loaded = Mutex<[String: OpaquePointer]>([:])

    public init() {
        _ = Self.initialised
    }

    private static let initialised: Bool = {
        flite_init()
        return true
    }()

    public func synthesize(_ text: String, voice name: String) throws(SpeechError) -> [Int16] {
        try loaded.withLock { voices throws(SpeechError) -> [Int16] in
            guard let voice = try Self.voice(name, in: &voices) else { throw SpeechError("flite has no voice \(name)") }
            guard let wave = flite_text_to_wave(text, UnsafeMutablePointer(voice)) else {
                throw SpeechError("flite could not speak \"\(text)\"")
            }
            defer { delete_wave(wave) }
            let samples = Array(UnsafeBufferPointer(start: wave.pointee.samples, count: Int(wave.pointee.num_samples)))
            let rate = UInt32(wave.pointee.sample_rate)
            if rate == 8000 { return samples }
            var converted: UnsafeMutablePointer<Int16>?
            var count = 0
            let error = cf_audio_resample(samples, samples.count, rate, &converted, &count)
            guard error == 0, let converted else { throw SpeechError("cannot convert flite's \(rate) Hz speech to 8 kHz: \(String(cString: strerror(error)))") }
            defer { free(converted) }
            return Array(UnsafeBufferPointer(start: converted, count: count))
        }
    }

    private static func voice(_ name: String, in loaded: inout [String: OpaquePointer]) throws(SpeechError) -> OpaquePointer? {
        if let voice = loaded[name] { return voice }
        let register: (UnsafePointer<CChar>?) -> UnsafeMutablePointer<cst_voice>?
        switch name {
        case "kal": register = register_cmu_us_kal
        case "kal16": register = register_cmu_us_kal16
        case "slt": register = register_cmu_us_slt
        case "rms": register = register_cmu_us_rms
        case "awb": register = register_cmu_us_awb
        default: return nil
        }
        guard let voice = register(nil) else { throw SpeechError("flite could not load its voice \(name)") }
        loaded[name] = OpaquePointer(voice)
        return OpaquePointer(voice)
    }
}
