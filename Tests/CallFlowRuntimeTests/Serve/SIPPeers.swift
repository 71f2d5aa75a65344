import CallFlowSIP
import Foundation
import Synchronization
import Testing

/// The SIP peers of the serve tests: `flows serve` itself, baresip callers driven over
/// ctrl_tcp, and single SIP requests sent by hand.
extension ServeTests {
    /// The example flows' audio files.
    static let prompts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Prompts").standardized.path

    /// A UDP and TCP port pair free now, `count` in a row (baresip also opens SIP port + 1),
    /// never handed out before in this process: tests run side by side, and two that were given
    /// one port (free when each looked) would share one server, or one would reach the other's
    /// (a Redis another test has paused) after killing its own. Below the kernel's ephemeral
    /// range (32768 and up), from which servers bound to port 0 take theirs.
    static func freePorts(_ count: Int) -> Int {
        while true {
            let base = Int.random(in: 20_000...32_000)
            let ports = base..<(base + count)
            guard ports.allSatisfy({ portIsFree($0, SOCK_DGRAM) && portIsFree($0, SOCK_STREAM) }) else { continue }
            let fresh = handedOut.withLock { used in
                guard ports.allSatisfy({ !used.contains($0) }) else { return false }
                used.formUnion(ports)
                return true
            }
            if fresh { return base }
        }
    }

    private static let handedOut = Mutex<Set<Int>>([])

    static func portIsFree(_ port: Int, _ type: __socket_type) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(type.rawValue), 0)
        defer { close(socket) }
        return withSocketAddress("127.0.0.1", port) { bind(socket, $0, $1) } == 0
    }

    /// A process whose standard output is collected line by line, killed when released.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let lines = OutputLines()

        final class OutputLines: Sendable {
            private let list = Mutex<[String]>([])
            func append(_ text: String) { list.withLock { $0 += text.split(separator: "\n").map(String.init) } }
            var all: [String] { list.withLock { $0 } }
        }

        /// Whether it leads a process group of its own (Foundation already makes it one) and is
        /// stopped with every process in it (Kamailio's workers outlive a killed main process).
        private let stopsGroup: Bool

        /// Starts `executable`. A test's threads block nearly every signal, and a process
        /// started from them inherits that: one that needs its signals (Kamailio's timers, SIPp's
        /// timeout) is started `cleanly`, through a step that unblocks them (and, with
        /// `stopsGroup`, leads its own process group).
        init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], cleanly: Bool = false,
             stopsGroup: Bool = false) throws {
            self.stopsGroup = stopsGroup
            let (executable, arguments) = cleanly || stopsGroup
                ? ("/usr/bin/env", ["python3", "-c", """
                    import os, signal, sys
                    signal.pthread_sigmask(signal.SIG_SETMASK, [])
                    if sys.argv[1] == "session" and os.getpgid(0) != os.getpid(): os.setsid()
                    os.execvp(sys.argv[2], sys.argv[2:])
                    """, stopsGroup ? "session" : "same", executable] + arguments)
                : (executable, arguments)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            let collected = lines
            output.fileHandleForReading.readabilityHandler = { handle in
                collected.append(String(decoding: handle.availableData, as: UTF8.self))
            }
            try process.run()
        }

        var output: [String] { lines.all }

        /// `flows serve --trace json`'s lines of the calls themselves: the lines of workflow
        /// runs (without a Call-ID, or the first, with one) left out, which may come in any
        /// order with a call's last lines.
        var callTrace: [String] { output.filter { $0.hasPrefix(#"{"call":"#) && !$0.contains(#""event":"workflow""#) } }

        /// What must live as long as the process (its files); set before it is shared.
        private var kept: [AnyObject] = []

        func keep(_ object: AnyObject) {
            kept.append(object)
        }

        /// Waits, at most `seconds`, until a line satisfies `condition`.
        func waitFor(_ seconds: Double, _ condition: (String) -> Bool) async -> Bool {
            await eventually(within: seconds, every: .milliseconds(50)) { output.contains(where: condition) }
        }

        deinit {
            kill(stopsGroup ? -process.processIdentifier : process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// A baresip caller with its own configuration: SIP on `sipPort`, ctrl_tcp on `controlPort`,
    /// a long silent file as its microphone (its end would hang up the call).
    /// With `recording`, what the caller hears is written to `FOLDER/heard/dump-*-dec.wav`.
    /// With `answering`, it is a callee that answers every call at once (as `user`).
    static func caller(in folder: TemporaryFolder, sipPort: Int, controlPort: Int, recording: Bool = false, answering: Bool = false,
                       user: String = "tester") throws -> Running {
        var silence = Data("RIFF".utf8)
        let samples = 8000 * 30
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { silence.append(contentsOf: $0) } }
        append(UInt32(36 + samples * 2)); silence.append(contentsOf: "WAVEfmt ".utf8)
        append(UInt32(16)); append(UInt16(1)); append(UInt16(1)); append(UInt32(8000)); append(UInt32(16000)); append(UInt16(2)); append(UInt16(16))
        silence.append(contentsOf: "data".utf8); append(UInt32(samples * 2)); silence.append(Data(count: samples * 2))
        try silence.write(to: URL(fileURLWithPath: folder.path + "/silence.wav"))
        try """
            sip_listen 127.0.0.1:\(sipPort)
            net_interface 127.0.0.1
            audio_player alsa,null
            audio_source aufile,\(folder.path)/silence.wav
            ausrc_srate 8000
            auplay_srate 8000
            module_path /usr/lib/baresip/modules
            module g711.so
            module aufile.so
            module alsa.so
            \(recording ? "module sndfile.so\nsnd_path \(folder.path)/heard" : "")
            module_app account.so
            module_app menu.so
            module_app ctrl_tcp.so
            ctrl_tcp_listen 127.0.0.1:\(controlPort)

            """.write(toFile: folder.path + "/config", atomically: true, encoding: .utf8)
        if recording { try FileManager.default.createDirectory(atPath: folder.path + "/heard", withIntermediateDirectories: true) }
        try "<sip:\(user)@127.0.0.1:\(sipPort)>;regint=0;audio_codecs=PCMU\(answering ? ";answermode=auto" : "")\n".write(toFile: folder.path + "/accounts", atomically: true, encoding: .utf8)
        return try Running("/usr/bin/env", ["baresip", "-f", folder.path])
    }

    /// A baresip caller (with `recording`, keeping what it hears) that has dialled `user` at
    /// `port`; its events tell the rest.
    static func dial(_ user: String, port: Int, recording: Bool = false) async throws -> (Running, Control, TemporaryFolder) {
        let callerPort = freePorts(3)
        let folder = TemporaryFolder()
        let caller = try Self.caller(in: folder, sipPort: callerPort, controlPort: callerPort + 2, recording: recording)
        // baresip reads its microphone file as the call starts: the folder lives as long as it.
        caller.keep(folder)
        let control = try await Control(port: callerPort + 2)
        control.send("dial", "sip:\(user)@127.0.0.1:\(port)")
        return (caller, control, folder)
    }

    /// A connection to baresip's ctrl_tcp: commands go out as netstrings of JSON, and the
    /// events that come back are collected by type, in order.
    final class Control: @unchecked Sendable {
        private let connection: FileHandle
        private var received = ""

        init(port: Int) async throws {
            connection = try await offThePool {
                for _ in 0..<100 {
                    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                    if withSocketAddress("127.0.0.1", port, { connect(socket, $0, $1) }) == 0 {
                        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
                        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                        return FileHandle(fileDescriptor: socket, closeOnDealloc: true)
                    }
                    close(socket)
                    usleep(50_000)
                }
                throw TestServer.StartFailure(message: "baresip's ctrl_tcp did not listen")
            }
        }

        func send(_ command: String, _ params: String = "") {
            let body = #"{"command":"\#(command)","params":"\#(params)","token":"1"}"#
            connection.write(Data("\(body.utf8.count):\(body),".utf8))
        }

        /// The event types so far, after waiting at most `seconds` for `type` to be among them.
        func events(waitingFor type: String, seconds: Double) async throws -> [String] {
            try await offThePool { [self] in
                let deadline = Date().addingTimeInterval(seconds)
                var buffer = [UInt8](repeating: 0, count: 4096)
                while Date() < deadline, !received.contains(#""type":"\#(type)""#) {
                    let count = read(connection.fileDescriptor, &buffer, buffer.count)
                    if count > 0 { received += String(decoding: buffer[..<count], as: UTF8.self) }
                }
                return received.matches(of: /"type":"([A-Z_]+)"/).map { String($0.output.1) }
            }
        }
    }

    /// Makes one call with SIPp (a second SIP implementation, beside baresip) to `user` at
    /// `port`: an INVITE with `headers`, then each of `keys` as RFC 4733 events (from the pcaps
    /// SIPp ships) 300 ms apart, with `echo` sending what it hears back (so a server's
    /// recording of the caller holds what the caller heard), then `ending` as the call ends.
    /// Its exit status: 0 when the call went so.
    /// With `calls`, it makes that many such calls, five a second.
    static func sipp(calling user: String, port: Int, headers: [String] = [], keys: String = "", echo: Bool = true,
                     ending: SIPpEnding = .awaitBye, overTCP: Bool = false, calls: Int = 1,
                     in folder: TemporaryFolder) async throws -> (status: Int32, output: [String]) {
        // A pause between keys, not after the last: SIPp aborts on a request that comes while
        // it pauses.
        let keyPresses = keys.map { key in
            """
              <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_\(key == "#" ? "pound" : key == "*" ? "star" : String(key)).pcap"/></action></nop>
            """
        }.joined(separator: "\n  <pause milliseconds=\"300\"/>\n")
        let scenario = """
            <?xml version="1.0" encoding="ISO-8859-1" ?>
            <scenario name="caller">
              <send retrans="500"><![CDATA[
                INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                To: <sip:[service]@[remote_ip]:[remote_port]>
                Call-ID: [call_id]
                CSeq: 1 INVITE
                Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
                Max-Forwards: 70
            \(headers.map { "    " + $0 + "\n" }.joined())    Content-Type: application/sdp
                Content-Length: [len]

            \(Self.offer(version: 1, "a=fmtp:101 0-15"))
              ]]></send>
              <recv response="100" optional="true"/>
              <recv response="180" optional="true"/>
              <recv response="200" rrs="true"/>
              <send><![CDATA[
                ACK [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
            \(Self.dialog)
                CSeq: 1 ACK
                Content-Length: 0
              ]]></send>
            \(keyPresses)
            \(ending.scenario)
            </scenario>
            """
        try scenario.write(toFile: folder.path + "/caller.xml", atomically: true, encoding: .utf8)
        let local = freePorts(1), media = freePorts(4)
        let sipp = try Running("/usr/bin/env", [
            "sipp", "127.0.0.1:\(port)", "-sf", folder.path + "/caller.xml", "-s", user, "-i", "127.0.0.1", "-p", "\(local)",
            "-mp", "\(media)", "-m", "\(calls)", "-r", "5", "-l", "\(calls)", "-timeout", "60s", "-timeout_error", "-nostdin",
        ] + (echo ? ["-rtp_echo"] : []) + (overTCP ? ["-t", "t1"] : []), cleanly: true)
        // Bound the wait here too, whatever SIPp does.
        guard await eventually(within: 90, every: .milliseconds(50), { !sipp.process.isRunning }) else {
            kill(sipp.process.processIdentifier, SIGKILL)
            return (-1, sipp.output + ["(SIPp did not finish within 90 s)"])
        }
        return (sipp.process.terminationStatus, sipp.output)
    }

    /// How a SIPp call ends.
    enum SIPpEnding {
        /// The server hangs up.
        case awaitBye
        /// The caller hangs up after this many milliseconds.
        case hangUp(after: Int)
        /// The caller holds the call (a re-INVITE with `a=sendonly`) for this many
        /// milliseconds, then hangs up.
        case holdThenHangUp(after: Int)
        /// The server's REFER is refused with this status line; then the server hangs up.
        case refuseTransfer(String)
        /// The server's REFER is accepted (202) and no NOTIFY follows: the server ends the
        /// subscription (SUBSCRIBE, Expires: 0) and hangs up.
        case acceptTransferWithoutNotify

        var scenario: String {
            switch self {
            case .awaitBye: ServeTests.awaitBye
            case .hangUp(let milliseconds): ServeTests.hangUp(after: milliseconds)
            case .holdThenHangUp(let milliseconds): ServeTests.hold + ServeTests.hangUp(after: milliseconds)
            case .refuseTransfer(let status): ServeTests.answer("REFER", with: status) + ServeTests.awaitBye
            case .acceptTransferWithoutNotify:
                ServeTests.answer("REFER", with: "202 Accepted") + ServeTests.answer("SUBSCRIBE", with: "200 OK") + ServeTests.awaitBye
            }
        }
    }

    /// Answers the server's next `method` request with `status` (`603 Declined`); a 2xx keeps
    /// what it sets up (a REFER's subscription) for a minute.
    static func answer(_ method: String, with status: String) -> String {
        """
              <recv request="\(method)"/>
              <send><![CDATA[
                SIP/2.0 \(status)
                [last_Via:]
                [last_From:]
                [last_To:]
                [last_Call-ID:]
                [last_CSeq:]
                \(status.hasPrefix("2") ? "Expires: 60" : "")
                Content-Length: 0
              ]]></send>

        """
    }

    /// The end of a SIPp call that waits for the server's BYE. (A server started with
    /// `--answer-delay` rings first; through a proxy with several workers, its 180 may come
    /// after the 200.)
    static let awaitBye = """
          <recv response="180" optional="true"/>
          <recv request="BYE"/>
          <send><![CDATA[
            SIP/2.0 200 OK
            [last_Via:]
            [last_From:]
            [last_To:]
            [last_Call-ID:]
            [last_CSeq:]
            Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
            Content-Length: 0
          ]]></send>
        """

    /// SIPp's SDP: PCMU and telephone-events on its media port, then `last`.
    static func offer(version: Int, _ last: String) -> String {
        """
                v=0
                o=user1 53655765 \(version) IN IP[local_ip_type] [local_ip]
                s=-
                c=IN IP[media_ip_type] [media_ip]
                t=0 0
                m=audio [media_port] RTP/AVP 0 101
                a=rtpmap:0 PCMU/8000
                a=rtpmap:101 telephone-event/8000
                \(last)
        """
    }

    /// In-dialog headers of SIPp's requests (with the route set a proxy recorded, if any).
    static let dialog = """
                [routes]
                From: <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                Call-ID: [call_id]
                Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
                Max-Forwards: 70
        """

    /// A re-INVITE that puts the call on hold (`a=sendonly`).
    static let hold = """
              <send retrans="500"><![CDATA[
                INVITE [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        \(dialog)
                CSeq: 2 INVITE
                Content-Type: application/sdp
                Content-Length: [len]

        \(offer(version: 2, "a=sendonly"))
              ]]></send>
              <recv response="100" optional="true"/>
              <recv response="200"/>
              <send><![CDATA[
                ACK [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        \(dialog)
                CSeq: 2 ACK
                Content-Length: 0
              ]]></send>

        """

    /// The caller's BYE after `milliseconds`.
    static func hangUp(after milliseconds: Int) -> String {
        """
              <pause milliseconds="\(milliseconds)"/>
              <send retrans="500"><![CDATA[
                BYE [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        \(dialog)
                CSeq: 3 BYE
                Content-Length: 0
              ]]></send>
              <recv response="200"/>
        """
    }

    /// Sends `bytes` as one datagram to `port`, as a broken or hostile peer would.
    static func sendDatagram(_ bytes: [UInt8], to port: Int) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(socket) }
        _ = withSocketAddress("127.0.0.1", port) { connect(socket, $0, $1) }
        _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
    }

    /// Sends one SIP request as a datagram from `source` and returns the status line of the
    /// answer (empty when none came within 5 s).
    static func statusLine(_ method: String, to user: String, port: Int, from source: String = "127.0.0.1", headers: [String] = [],
                           body: String = "") async throws -> String {
        let answer = try await self.answer(method, to: user, port: port, from: source, headers: headers, body: body)
        // "\r\n" is one Character: split on line ends, not on "\r".
        return String(answer.split(whereSeparator: \.isNewline).first ?? "")
    }

    /// The final answer to one SIP request, sent as a datagram from `source`, in full (or
    /// `no answer` when none came within 5 s).
    static func answer(_ method: String, to user: String, port: Int, from source: String = "127.0.0.1", headers: [String] = [],
                       body: String = "") async throws -> String {
        try await offThePool { () -> String in
            let socket = Foundation.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(socket) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            _ = withSocketAddress(source, 0) { bind(socket, $0, $1) }
            _ = withSocketAddress("127.0.0.1", port) { connect(socket, $0, $1) }
            let tag = UUID().uuidString.prefix(8)
            let message = ([
                "\(method) sip:\(user)@127.0.0.1:\(port) SIP/2.0", "Via: SIP/2.0/UDP \(source):9;branch=z9hG4bK-\(tag);rport",
                "From: <sip:probe@\(source)>;tag=\(tag)", "To: <sip:\(user)@127.0.0.1>", "Call-ID: \(tag)@\(source)", "CSeq: 1 \(method)",
                "Contact: <sip:probe@\(source):9>", "Max-Forwards: 70",
            ] + headers + ["Content-Length: \(body.utf8.count)", "", body]).joined(separator: "\r\n")
            _ = message.withCString { send(socket, $0, strlen($0), 0) }
            var buffer = [UInt8](repeating: 0, count: 65536)
            // Provisional answers (100 Trying, 180 Ringing) may come first.
            for _ in 0..<3 {
                let count = recv(socket, &buffer, buffer.count, 0)
                guard count > 0 else { return "no answer (errno \(errno))" }
                let answer = String(decoding: buffer[..<count], as: UTF8.self)
                if !answer.hasPrefix("SIP/2.0 1") { return answer }
            }
            return ""
        }
    }

    /// `flows serve` on a free port with the example flows (their audio files from Prompts/),
    /// once it says it answers.
    func serve(_ arguments: [String], port: Int = ServeTests.freePorts(1)) async throws -> (Running, Int, TemporaryFolder) {
        let state = TemporaryFolder()
        let server = try await Self.serve(arguments, port: port, environment: ["FLOW_STATE_DB": state.path + "/state.sqlite"])
        return (server, port, state)
    }

    static func serve(_ arguments: [String], port: Int, environment: [String: String]) async throws -> Running {
        let server = try Running(FlowsRunTests.flows.path, ["serve", "--sip", "127.0.0.1:\(port)", "--prompts", prompts] + arguments,
                                 environment: environment)
        #expect(await server.waitFor(10) { $0.contains("answering SIP calls") }, "\(server.output)")
        return server
    }
}
