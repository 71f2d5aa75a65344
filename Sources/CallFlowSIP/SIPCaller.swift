import CallFlowRuntime

/// The caller of a SIP call, as a flow meets them: speech and files played on the call's line,
/// keys read from it.
public struct SIPCaller: Caller {
    public let line: CallLine
    public let prompts: PromptLibrary
    /// Where a Transfer sends the call: a SIP URI with `{to}` for the element's `To`; nil for
    /// `sip:{to}@` the host and port of the caller's Contact.
    public let transferURI: String?
    /// Hears what went wrong beside the flow (a file that cannot be played); the call goes on.
    private let warn: @Sendable (String) -> Void

    public init(line: CallLine, prompts: PromptLibrary, transferURI: String? = nil, warn: @escaping @Sendable (String) -> Void) {
        self.line = line
        self.prompts = prompts
        self.transferURI = transferURI
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
        line.beginCollecting(sensitive: rules.sensitive)
        defer { line.endCollecting() }
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

    /// A blind transfer by REFER. A `To` that is a SIP URI is used as it is.
    public func transfer(to destination: String) async -> TransferOutcome {
        let lowered = destination.lowercased()
        if lowered.hasPrefix("sip:") || lowered.hasPrefix("sips:") {
            // A URI from a fillpoint goes into a header: it must be one token.
            guard destination.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"<>\"".unicodeScalars.contains($0) }) else {
                return .failed("\(destination) is not a SIP URI")
            }
            return await line.transfer(to: destination, isUser: false)
        }
        let user = Encoding.sipUserEncoded(destination)
        if let transferURI { return await line.transfer(to: transferURI.replacing("{to}", with: user), isUser: false) }
        return await line.transfer(to: user, isUser: true)
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
