#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A `Transcription` action: the recording read, then recognised by Google Cloud
/// Speech-to-Text v1 (`speech:recognize` up to a minute, `speech:longrunningrecognize` and
/// polling beyond), or by the process's local recognizer.
extension ActionPerformer {
    /// Recordings longer than this go to `speech:longrunningrecognize`.
    static let longestRecognizedAtOnce: Double = 60
    /// How long a long-running recognition is waited for, and how often it is asked after.
    static let longestRecognition: Duration = .seconds(600)
    static let pollInterval: Duration = .seconds(2)

    func transcribe(_ transcription: SpeechTranscription, _ info: WorkflowActionInfo) async -> ActionOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        var outcome = ActionOutcome(action: info.name, type: info.type, succeeded: false, status: 0, error: nil, method: "POST", url: "",
                                    attempts: 0, milliseconds: 0, finished: 0)
        func finish(_ result: JSONValue?, error: String?) -> ActionOutcome {
            outcome.succeeded = error == nil
            outcome.error = error
            outcome.result = error == nil ? result : nil
            outcome.milliseconds = (clock.now - started).milliseconds
            outcome.finished = WallClock.now()
            return outcome
        }
        let audio: WAVAudio
        do {
            audio = try WAVAudio.read(transcription.recording)
        } catch {
            return finish(nil, error: "The recording could not be read: \(error)")
        }
        outcome.requestBody = "(\(FlowText.number((audio.seconds * 10).rounded() / 10)) s of audio, \(audio.channels) channel\(audio.channels == 1 ? "" : "s") at \(audio.sampleRate) Hz)"

        if transcription.engine == .local {
            outcome.method = "LOCAL"
            outcome.url = "local speech recognizer"
            guard let recognizer else { return finish(nil, error: "This build of flows has no local speech recognizer") }
            var segments: [TranscriptSegment] = []
            do {
                for channel in 0..<audio.channels {
                    let found = try await recognizer.recognize(audio.channel(channel), sampleRate: audio.sampleRate, language: transcription.language)
                    segments += found.map { TranscriptSegment(channel: channel + 1, text: $0.text, confidence: $0.confidence) }
                }
            } catch {
                return finish(nil, error: "The local recognizer failed: \(error)")
            }
            outcome.attempts = 1
            let result = SpeechTranscription.result(segments, channels: audio.channels)
            outcome.responseBody = result.compactText
            return finish(result, error: nil)
        }

        let base = ProviderEndpoints.trimmed(endpoints.speech)
        let long = audio.seconds > Self.longestRecognizedAtOnce
        var pcm = [UInt8]()
        pcm.reserveCapacity(audio.samples.count * 2)
        for sample in audio.samples {
            let bits = UInt16(bitPattern: sample)
            pcm.append(UInt8(bits & 0xFF))
            pcm.append(UInt8(bits >> 8))
        }
        var config: [(key: String, value: JSONValue)] = [
            ("encoding", .string("LINEAR16")), ("sampleRateHertz", .number(Double(audio.sampleRate))),
            ("languageCode", .string(transcription.language)), ("model", .string(transcription.model)),
        ]
        if audio.channels > 1 {
            config += [("audioChannelCount", .number(Double(audio.channels))), ("enableSeparateRecognitionPerChannel", .bool(true))]
        }
        if transcription.enhanced { config.append(("useEnhanced", .bool(true))) }
        let body = JSONValue.object([("config", .object(config)), ("audio", .object([("content", .string(Data(pcm).base64EncodedString()))]))]).compactText
        var plan = RequestPlan(method: .post, url: [.text(base + (long ? "/v1/speech:longrunningrecognize" : "/v1/speech:recognize"))])
        plan.headers = [(name: "X-Goog-Api-Key", value: transcription.key)]
        plan.body = .raw([.text(body)])
        plan.contentType = [.text("application/json; charset=utf-8")]
        plan.timeout = 120
        plan.retries = ProviderRequest.retries

        let redact = Redactor(secrets: secrets.values)
        var answer = await exchange(plan, info, into: &outcome, redact: redact)
        guard outcome.error == nil, var json = answer else { return finish(nil, error: outcome.error.map { redact($0) } ?? "Response is not JSON") }
        if long {
            guard let name = json["name"]?.flowString else { return finish(nil, error: "Speech-to-Text started no operation: no `name` in its answer") }
            let deadline = clock.now + Self.longestRecognition
            while json["done"]?.flowBoolean != true {
                guard clock.now + Self.pollInterval < deadline else {
                    return finish(nil, error: "Speech-to-Text had not finished operation \(name) after \(Self.longestRecognition.components.seconds) s")
                }
                try? await Task.sleep(for: Self.pollInterval)
                var poll = RequestPlan(method: .get, url: [.text(base + "/v1/operations/"), .value(name)])
                poll.headers = [(name: "X-Goog-Api-Key", value: transcription.key)]
                poll.retries = ProviderRequest.retries
                var polled = outcome
                polled.attempts = 0
                answer = await exchange(poll, info, into: &polled, redact: redact)
                outcome.attempts += polled.attempts
                outcome.status = polled.status
                outcome.responseBody = polled.responseBody
                guard polled.error == nil, let next = answer else { return finish(nil, error: polled.error.map { redact($0) } ?? "Response is not JSON") }
                json = next
            }
            if let error = json["error"] {
                return finish(nil, error: "Speech-to-Text failed: \(error["message"]?.flowString ?? error.compactText)")
            }
            json = json["response"] ?? .object([])
        }
        var segments: [TranscriptSegment] = []
        if case .array(let results)? = json["results"] {
            for result in results {
                guard let best = result["alternatives"]?.flowElement(at: 0) else { continue }
                segments.append(TranscriptSegment(channel: result["channelTag"]?.flowInteger ?? 1,
                                                  text: best["transcript"]?.flowString?.trimmingSpaces() ?? "",
                                                  confidence: best["confidence"]?.flowNumber ?? 0))
            }
        }
        return finish(SpeechTranscription.result(segments, channels: audio.channels), error: nil)
    }

    /// One request to Speech-to-Text through the retrying exchange: its JSON answer, with the
    /// status, attempts, URL and answer (or the error) noted in `outcome`.
    private func exchange(_ plan: RequestPlan, _ info: WorkflowActionInfo, into outcome: inout ActionOutcome, redact: Redactor) async -> JSONValue? {
        let clock = ContinuousClock()
        let exchange = await send(plan, with: RequestBuilder(secrets: secrets), info, from: clock.now, clock)
        // The first request's URL stands for the action (the polls' are its operation's).
        if outcome.url.isEmpty { outcome.url = redact(exchange.url) }
        guard exchange.request != nil else {
            outcome.error = exchange.error
            return nil
        }
        outcome.attempts += exchange.attempts
        outcome.status = exchange.status
        outcome.responseBody = Self.keptBody(of: exchange, redact)
        let json = exchange.response.flatMap { try? JSONParser.parse($0.body) }
        if let error = exchange.error {
            let detail = json?["error"]?["message"]?.flowString
            outcome.error = error + (detail.map { ": \($0)" } ?? "")
            return nil
        }
        guard let json else {
            outcome.error = "Response is not JSON"
            return nil
        }
        return json
    }
}
