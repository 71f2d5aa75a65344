import CallFlowSIP
import Foundation
import Testing

/// What a caller hears and presses on a real call: baresip records the call's audio, which is
/// matched against the prompts the flow speaks.
extension ServeTests {
    static let menuPrompt = "Press 1 for sales or 2 for support."

    /// The prompt as the server speaks it.
    static func spoken(_ text: String) throws -> [Int16] {
        try FliteSynthesizer().synthesize(text, voice: "kal")
    }

    /// The stereo recording of the one call in `folder`: (left: the caller, right: the flow).
    static func recording(in folder: TemporaryFolder) throws -> (name: String, caller: [Int16], flow: [Int16]) {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".wav") })
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + name))
        #expect(data.count > 44 && data.prefix(4) == Data("RIFF".utf8))
        // The header's sizes were written as the call ended.
        let riffSize = data[4..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        #expect(Int(riffSize) == data.count - 8, "the WAV header was not finished")
        let frames = data.dropFirst(44).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        return (name, stride(from: 0, to: frames.count - 1, by: 2).map { frames[$0] }, stride(from: 1, to: frames.count, by: 2).map { frames[$0] })
    }

    /// The samples of a 16-bit mono WAV file with a plain 44-byte header.
    static func wav(_ path: String) throws -> [Int16] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.dropFirst(44).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }

    /// The 8 kHz samples of what baresip heard on its only call.
    static func heard(in folder: TemporaryFolder) throws -> [Int16] {
        let heard = folder.path + "/heard"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: heard).first { $0.hasSuffix("-dec.wav") })
        let data = try Data(contentsOf: URL(fileURLWithPath: heard + "/" + name))
        return data.dropFirst(44).withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
    }

    /// No key pressed: the menu is said twice (Retries: 1), then the goodbye, and the server
    /// hangs up. The recording holds both prompts; a prompt never said does not match.
    @Test func aCallerWhoPressesNothingHearsTheMenuTwiceAndGoodbye() async throws {
        let (server, port, _) = try await serve(["--trace", "json"])
        let (caller, control, folder) = try await Self.dial("DtmfMenu", port: port, recording: true)
        // Two prompts of 2.5 s, two waits of 5 s, the goodbye: about 18 s.
        let events = try await control.events(waitingFor: "CALL_CLOSED", seconds: 45)
        #expect(events.contains("CALL_ESTABLISHED") && events.contains("CALL_RTPESTAB"), "\(events)\n\(caller.output)")
        #expect(events.last == "CALL_CLOSED", "\(events)")
        #expect(await server.waitFor(5) { $0.contains(#""event":"hangup""#) })

        // One call: every line of the trace carries its Call-ID, from the answer to the BYE.
        let trace = server.callTrace
        let callIDs = Set(trace.compactMap { $0.firstMatch(of: /^\{"call":"([^"]+)"/).map { String($0.output.1) } })
        #expect(callIDs.count == 1, "\(trace)")
        #expect(trace.first?.contains(#""event":"answer","flow":"DtmfMenu","from":"tester","to":"DtmfMenu""#) == true, "\(trace)")
        #expect(trace.filter { $0.contains(#""event":"say","element":"Menu""#) }.count == 2, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"collect","element":"Menu","digits":"""#) })
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"NO_CHOICE""#) })
        #expect(trace.last?.contains(#""event":"hangup","by":"server","reason":"the flow ended""#) == true, "\(trace)")

        let heard = try Self.heard(in: folder)
        let menu = AudioMatch.best(of: try Self.spoken(Self.menuPrompt), in: heard)
        let goodbye = AudioMatch.best(of: try Self.spoken("Sorry, we did not get a choice. Goodbye."), in: heard)
        let never = AudioMatch.best(of: try Self.spoken("Welcome back, your contact number is ready."), in: heard)
        #expect(menu.score > 0.9 && goodbye.score > 0.9, "menu \(menu), goodbye \(goodbye)")
        #expect(never.score < 0.5, "a prompt never said matched \(never)")
        // Said in order: the goodbye after the menu.
        #expect(goodbye.offset > menu.offset)
    }

    /// The same menu with SIPp, a second SIP implementation: no key, so NoChoice, and the
    /// server's BYE ends SIPp's scenario (which fails on anything else).
    @Test func aSIPpCallerWhoPressesNothingIsHungUpOn() async throws {
        let (server, port, _) = try await serve(["--trace", "json"])
        let caller = try await Self.sipp(calling: "DtmfMenu", port: port, in: TemporaryFolder())
        #expect(caller.status == 0, "\(caller.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"NO_CHOICE""#) }, "\(trace)")
        #expect(await server.waitFor(5) { $0.contains(#""event":"hangup","by":"server","reason":"the flow ended""#) })
    }

    /// A caller whose audio stops is hung up after --rtp-timeout; one who holds the call
    /// (re-INVITE, a=sendonly) sends no audio either, and is not.
    @Test func silenceEndsACallUnlessTheCallerHolds() async throws {
        let (server, port, _) = try await serve(["--trace", "json", "--rtp-timeout", "1"])
        let silent = try await Self.sipp(calling: "DtmfMenu", port: port, echo: false, in: TemporaryFolder())
        #expect(silent.status == 0, "\(silent.output)")
        #expect(await server.waitFor(5) { $0.contains(#""event":"hangup","by":"server","reason":"no audio from the caller""#) }, "\(server.output)")

        let held = try await Self.sipp(calling: "DtmfMenu", port: port, echo: false, ending: .holdThenHangUp(after: 3000), in: TemporaryFolder())
        #expect(held.status == 0, "\(held.output)")
        #expect(await server.waitFor(5) { $0.contains(#""event":"hangup","by":"caller""#) }, "\(server.output)")
        #expect(server.output.filter { $0.contains("no audio from the caller") }.count == 1, "\(server.output)")

        // The same over TCP: answered, then hung up on for its silence.
        let overTCP = try await Self.sipp(calling: "DtmfMenu", port: port, echo: false, overTCP: true, in: TemporaryFolder())
        #expect(overTCP.status == 0, "\(overTCP.output)")
        _ = await eventually(within: 5, every: .milliseconds(50)) { server.output.filter { $0.contains("no audio from the caller") }.count >= 2 }
        #expect(server.output.filter { $0.contains("no audio from the caller") }.count == 2, "\(server.output)")
    }

    /// A caller who hangs up mid-prompt ends the flow at the next element: ABANDONED.
    @Test func aCallerWhoHangsUpMidPromptAbandons() async throws {
        let (server, port, _) = try await serve(["--trace", "json"])
        let (caller, control, _) = try await Self.dial("DtmfMenu", port: port)
        let started = try await control.events(waitingFor: "CALL_RTPESTAB", seconds: 10)
        #expect(started.contains("CALL_RTPESTAB"), "\(started)\n\(caller.output)")
        control.send("hangup")
        #expect(await server.waitFor(10) { $0.contains(#""event":"end""#) }, "\(server.output)")
        let trace = server.output.filter { $0.hasPrefix("{") }
        #expect(trace.contains { $0.contains(#""event":"hangup","by":"caller""#) }, "\(trace)")
        #expect(trace.contains { $0.contains(#""event":"end","resultCode":"ABANDONED""#) }, "\(trace)")
        #expect(!trace.contains { $0.contains(#""element":"NoChoice""#) }, "the flow went on after the caller left: \(trace)")
    }

    /// The server's media clock sends a packet every 20 ms while a call has audio, stops when
    /// the last such call ends, and starts again with the next: each of two calls, one after
    /// the other ends (here by --rtp-timeout, the caller sending nothing), gets a stream of
    /// consecutive packets, 160 samples apart, paced rather than in a burst.
    @Test func audioIsPacedAndStartsAgainAfterTheServerFellIdle() async throws {
        let (server, port, _) = try await serve(["--rtp-timeout", "1"])
        for call in 1...2 {
            let audio = Foundation.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(audio) }
            _ = withSocketAddress("127.0.0.1", 0) { bind(audio, $0, $1) }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(audio, $0, &length) } }
            let offer = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio \(UInt16(bigEndian: address.sin_port)) RTP/AVP 0\r\n"
            let answer = try await Self.answer("INVITE", to: "DtmfMenu", port: port, headers: ["Content-Type: application/sdp"], body: offer)
            #expect(answer.hasPrefix("SIP/2.0 200 OK"), "call \(call): \(answer)")
            // The first 25 packets, then whether the stream stopped within 10 s (the call ended
            // for want of audio from the caller: not acknowledged, it is never told to the flow).
            typealias Packet = (at: ContinuousClock.Instant, sequence: UInt16, timestamp: UInt32)
            let (packets, stopped) = try await offThePool { () -> ([Packet], Bool) in
                var timeout = timeval(tv_sec: 2, tv_usec: 0)
                setsockopt(audio, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var packets: [Packet] = []
                var buffer = [UInt8](repeating: 0, count: 2048)
                while packets.count < 25, recv(audio, &buffer, buffer.count, 0) >= 12 {
                    packets.append((.now, UInt16(buffer[2]) << 8 | UInt16(buffer[3]),
                                    buffer[4..<8].reduce(0) { $0 << 8 | UInt32($1) }))
                }
                let deadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now < deadline {
                    if recv(audio, &buffer, buffer.count, 0) < 0 { return (packets, true) }
                }
                return (packets, false)
            }
            try #require(packets.count == 25, "call \(call): \(packets.count) packets")
            for (earlier, later) in zip(packets, packets.dropFirst()) {
                #expect(later.sequence == earlier.sequence &+ 1 && later.timestamp == earlier.timestamp &+ 160, "call \(call)")
            }
            // 24 intervals of 20 ms, 480 ms; in a burst they would take a few. Half of it leaves
            // room for a busy machine, whose stalls can bunch the first packets up.
            #expect(packets[24].at - packets[0].at > .milliseconds(240), "call \(call): 25 packets in \(packets[24].at - packets[0].at)")
            #expect(stopped, "call \(call): audio went on after --rtp-timeout")
        }
        withExtendedLifetime(server) {}
    }

    /// Every audio file the flows name must be there before a call is taken.
    @Test func aMissingAudioFileStopsTheStartListingIt() async throws {
        let empty = TemporaryFolder()
        let server = try Running(FlowsRunTests.flows.path, ["serve", "--sip", "127.0.0.1:\(Self.freePorts(1))", "--prompts", empty.path])
        try #require(await eventually(within: 30) { !server.process.isRunning }, "\(server.output)")
        #expect(server.process.terminationStatus == 1)
        #expect(await server.waitFor(5) { $0.contains("2 audio files the flows play cannot be read") }, "\(server.output)")
        #expect(server.output.contains { $0.contains("one_moment.wav: not found in \(empty.path) (played by ZoomMeeting)") }, "\(server.output)")
        #expect(server.output.contains { $0.contains("please_hold.wav: not found in \(empty.path) (played by LeadFieldReadback)") })
        #expect(!server.output.contains { $0.contains("answering SIP calls") })
    }
}

/// How well a prompt matches a recording of a call: the normalised cross-correlation at the best
/// offset. The server sends the prompt's own samples, so the prompt starts where the sound
/// after a silence starts; only offsets near such starts are tried. A recording may stop a
/// little before the prompt's end (the caller's last packets): 90% of it is enough.
enum AudioMatch {
    struct Match: CustomStringConvertible {
        var score: Double
        var offset: Int
        var description: String { "score \(score) at sample \(offset)" }
    }

    static func best(of prompt: [Int16], in recording: [Int16]) -> Match {
        guard let promptStart = prompt.firstIndex(where: { abs(Int($0)) > 300 }) else { return Match(score: 0, offset: 0) }
        let reference = prompt[promptStart...].map(Double.init)
        var best = Match(score: 0, offset: 0)
        // Starts of sound: a loud sample after at least 100 ms of quiet (or the recording's start).
        var quiet = 800
        var starts: [Int] = []
        for (index, sample) in recording.enumerated() {
            if abs(Int(sample)) > 300 {
                if quiet >= 800 { starts.append(index) }
                quiet = 0
            } else {
                quiet += 1
            }
        }
        for start in starts {
            for offset in max(0, start - 80)...(start + 80) where offset + reference.count * 9 / 10 <= recording.count {
                let length = min(reference.count, recording.count - offset)
                let norm = reference[..<length].reduce(0) { $0 + $1 * $1 }.squareRoot()
                var dot = 0.0, energy = 0.0
                for index in 0..<length {
                    let sample = Double(recording[offset + index])
                    dot += sample * reference[index]
                    energy += sample * sample
                }
                let score = energy > 0 ? dot / (energy.squareRoot() * norm) : 0
                if score > best.score { best = Match(score: score, offset: offset) }
            }
        }
        return best
    }
}
