import CallFlowSIP
import FaultFlows
@testable import FlowsCommand
import Foundation
import Testing

/// Audio files as a call plays them: WAV in the formats and rates callers' prompts come in,
/// converted to 8 kHz mono; what cannot be played is named, never played as noise.
@Suite struct PromptLibraryTests {
    let folder = TemporaryFolder()

    /// Writes a WAV file: `format` 1 (PCM), 6 (A-law) or 7 (µ-law); `data` as stored.
    func write(_ name: String, format: UInt16 = 1, rate: UInt32, channels: UInt16 = 1, bits: UInt16 = 16, data: Data) throws {
        var file = Data("RIFF".utf8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { file.append(contentsOf: $0) } }
        let blockAlign = channels * bits / 8
        append(UInt32(36 + data.count)); file.append(contentsOf: "WAVEfmt ".utf8)
        append(UInt32(16)); append(format); append(channels); append(rate); append(rate * UInt32(blockAlign)); append(blockAlign); append(bits)
        file.append(contentsOf: "data".utf8); append(UInt32(data.count)); file.append(data)
        try file.write(to: URL(fileURLWithPath: folder.path + "/" + name))
    }

    /// `seconds` of a 1 kHz tone at `rate`, as 16-bit samples.
    static func tone(rate: Int, seconds: Double = 1, amplitude: Double = 10_000) -> [Int16] {
        (0..<Int(Double(rate) * seconds)).map { Int16(amplitude * sin(2 * Double.pi * 1000 * Double($0) / Double(rate))) }
    }

    static func bytes(_ samples: [Int16]) -> Data {
        samples.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    static func rms(_ samples: some Collection<Int16>) -> Double {
        (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(samples.count, 1))).squareRoot()
    }

    var library: PromptLibrary {
        PromptLibrary(directory: folder.path, synthesizer: FliteSynthesizer(), defaultVoice: "kal")
    }

    @Test(arguments: [8000, 16000, 24000, 32000, 48000])
    func pcmAtEveryRateBecomesOneSecondAtEightKilohertz(rate: Int) async throws {
        try write("tone.wav", rate: UInt32(rate), data: Self.bytes(Self.tone(rate: rate)))
        let samples = try await library.file("tone.wav").get()
        #expect(abs(samples.count - 8000) <= 160, "\(samples.count) samples")
        // A 1 kHz tone passes the filters whole (a muffling filter would lose it).
        let level = Self.rms(samples[800..<7200]) / Self.rms(Self.tone(rate: 8000)[800..<7200])
        #expect(level > 0.85 && level < 1.15, "level \(level)")
    }

    @Test func stereoIsMixedDownAndCompandedFormatsAreDecoded() async throws {
        let tone = Self.tone(rate: 8000)
        try write("stereo.wav", rate: 8000, channels: 2, data: Self.bytes(tone.flatMap { [$0, $0] }))
        let stereo = try await library.file("stereo.wav").get()
        #expect(stereo.count == 8000 && abs(Self.rms(stereo) - Self.rms(tone)) < 200)
        // Silence and the loudest sample: 0xFF and 0x80 in µ-law, 0xD5 and 0xAA in A-law.
        try write("ulaw.wav", format: 7, rate: 8000, bits: 8, data: Data([0xFF, 0xFF, 0x80, 0x80]))
        try write("alaw.wav", format: 6, rate: 8000, bits: 8, data: Data([0xD5, 0xD5, 0xAA, 0xAA]))
        let ulaw = try await library.file("ulaw.wav").get(), alaw = try await library.file("alaw.wav").get()
        #expect(ulaw.count == 4 && abs(Int(ulaw[0])) < 8 && abs(Int(ulaw[2])) > 30_000, "\(ulaw)")
        #expect(alaw.count == 4 && abs(Int(alaw[0])) < 16 && abs(Int(alaw[2])) > 30_000, "\(alaw)")
    }

    @Test func whatCannotBePlayedIsNamed() async throws {
        try write("cd.wav", rate: 44100, data: Self.bytes(Self.tone(rate: 44100, seconds: 0.1)))
        try write("eight.wav", rate: 8000, bits: 8, data: Data(repeating: 128, count: 800))
        try Data("not audio at all".utf8).write(to: URL(fileURLWithPath: folder.path + "/text.wav"))
        let library = library
        func problem(_ name: String) async -> String? {
            if case .failure(let error) = await library.file(name) { return error.description } else { return nil }
        }
        let unsupported = "not a WAV file of 16-bit PCM, µ-law or A-law at 8, 16, 24, 32 or 48 kHz"
        #expect(await problem("cd.wav") == "cd.wav: \(unsupported)")
        #expect(await problem("eight.wav") == "eight.wav: \(unsupported)")
        #expect(await problem("text.wav") == "text.wav: not a WAV file")
        #expect(await problem("missing.wav") == "missing.wav: not found in \(folder.path)")
        // A name from a fillpoint must not leave the folder.
        for name in ["../escape.wav", "/etc/passwd", "a//b.wav", ""] {
            #expect(await problem(name) == "\(name): not a file name inside the prompts folder")
        }
        // At start, every problem at once.
        #expect(library.check(["cd.wav", "missing.wav"]).map(\.file) == ["cd.wav", "missing.wav"])
    }

    @Test func speechIsMadeOnceAndAnUnknownVoiceFallsBack() async throws {
        let library = library
        let kal = try await library.speech("One moment please.", voice: nil).get()
        #expect(kal.count > 4000 && Self.rms(kal) > 500)
        #expect(try await library.speech("One moment please.", voice: "Joanna").get() == kal)
        // slt speaks at 16 kHz: converted to the call's 8 kHz, a little longer than kal.
        let slt = try await library.speech("One moment please.", voice: "slt").get()
        #expect(slt != kal && slt.count > 4000 && slt.count < 40_000)
    }
}

/// What `flows serve` says about the flows' speech before it takes a call.
@Suite struct SpeechCheckTests {
    @Test func voicesFliteLacksAndOtherLanguagesAreWarnedAbout() throws {
        let library = PromptLibrary(directory: TemporaryFolder().path, synthesizer: FliteSynthesizer(), defaultVoice: "kal")
        let spoken = try #require(GeneratedFlows.all.first { $0.name == "Spoken" })
        let found = ServeCommand.checkSpeech(of: [spoken], library: library)
        #expect(found.warnings == [
            "Spoken asks for the voice Celine, which flite lacks; it is spoken with kal",
            "Spoken asks for the language fr-FR; flite speaks English only, so it is spoken in English",
        ])
        #expect(found.errors.isEmpty)
    }
}
