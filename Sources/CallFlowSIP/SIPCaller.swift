import CallFlowRuntime

/// The caller of a SIP call, as a flow meets them: speech and files played on the call's line,
/// keys read from it.
public struct SIPCaller: Caller {
    public let line: CallLine
    public let prompts: PromptLibrary
    /// Hears what went wrong beside the flow (a file that cannot be played); the call goes on.
    private let warn: @Sendable (String) -> Void

    public init(line: CallLine, prompts: PromptLibrary, warn: @escaping @Sendable (String) -> Void) {
        self.line = line
        self.prompts = prompts
        self.warn = warn
    }

    public var hasHungUp: Bool { line.hasHungUp }

    public func say(_ text: String, voice: String?) async {
        if let samples = await speech(text, voice: voice) { await line.play(samples) }
    }

    public func play(_ files: [String]) async {
        for file in files where !line.hasHungUp {
            if let samples = await audio(file) { await line.play(samples) }
        }
    }

    public func collect(element: String, prompt: Prompt, rules: DigitRules) async -> String? {
        // A key pressed during the prompt stops it and counts; one pressed before skips it.
        line.keysStopAudio(true)
        if !prompt.text.isEmpty, !line.hasKeys { await say(prompt.text, voice: nil) }
        for file in prompt.files where !line.hasKeys && !line.hasHungUp {
            if let samples = await audio(file) { await line.play(samples) }
        }
        line.keysStopAudio(false)
        var keys = ""
        while keys.count < rules.maxDigits, let key = await line.nextKey(within: rules.timeout) {
            if key == rules.terminator { break }
            keys.append(key)
        }
        return keys.isEmpty ? nil : keys
    }

    public func hold(_ files: [String]) async {
        var samples: [Int16] = []
        for file in files { samples += await audio(file) ?? [] }
        if !samples.isEmpty { line.loop(samples) }
    }

    public func endHold() async {
        line.stopPlaying()
    }

    private func speech(_ text: String, voice: String?) async -> [Int16]? {
        switch await prompts.speech(text, voice: voice) {
        case .success(let samples): return samples
        case .failure(let error):
            warn("nothing said: \(error)")
            return nil
        }
    }

    private func audio(_ file: String) async -> [Int16]? {
        switch await prompts.file(file) {
        case .success(let samples): return samples
        case .failure(let error):
            warn("nothing played: \(error)")
            return nil
        }
    }
}
