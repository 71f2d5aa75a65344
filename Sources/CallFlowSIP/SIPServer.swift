import CSIPShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A SIP server answering calls over UDP (libre and librem, on a thread of their own): each
/// call answered and acknowledged, and each call ended, comes as an `Event`; an answered call's
/// audio and keys go through its `CallLine`.
public final class SIPServer: Sendable {
    public enum Event: Sendable {
        /// A call was answered and acknowledged.
        case answered(CallLine)
        /// Every call let in by `admission` ends so once, answered or not; `by` is `caller` or
        /// `server`. `recording` is the call's recording (`recordDirectory`), complete, if one
        /// was written.
        case closed(call: UInt64, by: String, reason: String, callID: String, recording: Recording?)
    }

    /// A call's recording: a stereo WAV file (left: the caller, right: the flow).
    public struct Recording: Sendable, Equatable {
        public var file: String
        public var seconds: Double
    }

    /// A request to decide on before anything is answered.
    public struct Request: Sendable {
        /// `INVITE` (a new call) or `OPTIONS` (a probe).
        public var method: String
        /// The Request-URI user: the number or name called.
        public var user: String
        /// The IP address it came from.
        public var source: String
    }

    public struct Options: Sendable {
        /// Where to listen for SIP over UDP and TCP; RTP is bound to the same address.
        public var address: String
        public var port: Int
        /// The address SDP announces for audio, when not `address` (behind NAT, or `address`
        /// is 0.0.0.0).
        public var publicAddress: String?
        /// Ring (180) this long before answering; zero answers at once, without a 180.
        public var answerDelay: Duration = .zero
        /// The UDP ports RTP may use (even ones, each with the next for RTCP).
        public var rtpPorts: ClosedRange<Int> = 40000...49999
        /// A call whose caller sends no audio for this long is ended (nil: never).
        public var rtpTimeout: Duration? = .seconds(60)
        /// Where each call is recorded as a stereo WAV (left: the caller, right: the flow),
        /// named by its Call-ID; nil for none.
        public var recordDirectory: String?
        /// Where to answer HTTP GETs (`/metrics`, `/health`) with the server's `status`
        /// handler; nil for nowhere.
        public var statusAddress: (address: String, port: Int)?

        public init(address: String, port: Int) {
            self.address = address
            self.port = port
        }
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every event, in order, until the server stops.
    public let events: AsyncStream<Event>
    private let sink: EventSink
    private let handle: ServerHandle

    /// Starts listening; each call is answered `answerDelay` after it rings (180), or at once.
    /// `admission` decides, on the server's thread and without blocking, whether a request goes
    /// on (nil) or is refused with a SIP status; `ended` hears there, as each call let in ends,
    /// before the next request is decided (so a count kept by the two is never behind).
    /// `status` answers an HTTP GET of a path on `statusAddress` with a status and a text, on
    /// the server's thread.
    public init(_ options: Options, admission: @escaping @Sendable (Request) -> Int? = { _ in nil },
                ended: @escaping @Sendable () -> Void = {},
                status: @escaping @Sendable (String) -> (status: Int, body: String) = { _ in (404, "") }) throws(StartFailure) {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        self.events = events
        handle = ServerHandle()
        sink = EventSink(continuation, handle: handle, admission: admission, ended: ended, status: status)
        var error: Int32 = 0
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let milliseconds = { (duration: Duration) in Int32(min(max(duration / .milliseconds(1), 0), Double(Int32.max))) }
        let server = options.address.withCString { address in
            (options.publicAddress ?? "").withCString { publicAddress in
              (options.recordDirectory ?? "").withCString { recordDirectory in
               (options.statusAddress?.address ?? "").withCString { statusAddress in
                var settings = cf_sip_options(
                    address: address, port: Int32(options.port), public_address: options.publicAddress == nil ? nil : publicAddress,
                    answer_delay_ms: milliseconds(options.answerDelay), rtp_port_low: Int32(options.rtpPorts.lowerBound),
                    rtp_port_high: Int32(options.rtpPorts.upperBound), rtp_timeout_ms: options.rtpTimeout.map(milliseconds) ?? 0,
                    record_dir: options.recordDirectory == nil ? nil : recordDirectory,
                    http_address: statusAddress, http_port: Int32(options.statusAddress?.port ?? 0),
                    http: { context, path, body in
                        let sink = Unmanaged<EventSink>.fromOpaque(context!).takeUnretainedValue()
                        let answer = sink.status(String(cString: path!))
                        body!.pointee = strdup(answer.body)
                        return Int32(answer.status)
                    })
                return cf_sip_start(&settings, { context, kind, call, number, first, second, third, fourth in
                    Unmanaged<EventSink>.fromOpaque(context!).takeUnretainedValue().receive(
                        kind: kind, call: call, number: number, String(cString: first!), String(cString: second!), String(cString: third!),
                        String(cString: fourth!))
                }, { context, method, user, source in
                    let sink = Unmanaged<EventSink>.fromOpaque(context!).takeUnretainedValue()
                    let request = Request(method: String(cString: method!), user: String(cString: user!), source: String(cString: source!))
                    return Int32(sink.admission(request) ?? 0)
                }, context, &error)
               }
              }
            }
        }
        guard let server else {
            let status = options.statusAddress.map { " and HTTP on \($0.address):\($0.port)" } ?? ""
            throw StartFailure(description: "cannot listen for SIP on \(options.address):\(options.port)\(status): \(String(cString: strerror(error)))")
        }
        handle.set(server)
    }

    deinit {
        stop()
    }

    /// RTP packets sent 10 ms or more after their time, over every call so far.
    public var latePackets: UInt64 {
        var late: UInt64 = 0
        handle.withServer { late = cf_sip_late_packets($0) }
        return late
    }

    /// The SIP responses sent so far, by status code (codes never sent left out).
    public var responsesSent: [Int: UInt64] {
        var sent: [Int: UInt64] = [:]
        handle.withServer { server in
            for code in 100...699 {
                let count = cf_sip_responses_sent(server, Int32(code))
                if count > 0 { sent[code] = count }
            }
        }
        return sent
    }

    /// Recordings that could not be opened or written, over every call so far.
    public var recordingErrors: UInt64 {
        var errors: UInt64 = 0
        handle.withServer { errors = cf_sip_recording_errors($0) }
        return errors
    }

    /// Hangs up every call and stops; the events end.
    public func stop() {
        // Only the first stop stops: a second, while the first waits for the server's thread,
        // must not end the events before the last calls' ends are told.
        guard let server = handle.take() else { return }
        cf_sip_stop(server)
        sink.continuation.finish()
    }
}

/// The running C server, shared by the server and its call lines; nil once stopped.
final class ServerHandle: Sendable {
    /// The C server is safe to call from any thread until `cf_sip_stop`, which `take` guards.
    private struct Pointer: @unchecked Sendable {
        let raw: OpaquePointer
    }

    private let server = Mutex<Pointer?>(nil)

    func set(_ raw: OpaquePointer) {
        server.withLock { $0 = Pointer(raw: raw) }
    }

    /// The server, which no one else will call from now on.
    func take() -> OpaquePointer? {
        server.withLock { server in defer { server = nil }; return server?.raw }
    }

    /// Runs `body` with the server unless it has stopped; false when it has.
    @discardableResult
    func withServer(_ body: (OpaquePointer) -> Void) -> Bool {
        server.withLock { server in
            guard let server else { return false }
            body(server.raw)
            return true
        }
    }
}

/// Where the server's thread hands its events over.
private final class EventSink: Sendable {
    let continuation: AsyncStream<SIPServer.Event>.Continuation
    let handle: ServerHandle
    let admission: @Sendable (SIPServer.Request) -> Int?
    let ended: @Sendable () -> Void
    let status: @Sendable (String) -> (status: Int, body: String)
    /// The answered calls not yet ended.
    private let lines = Mutex<[UInt64: CallLine]>([:])

    init(_ continuation: AsyncStream<SIPServer.Event>.Continuation, handle: ServerHandle,
         admission: @escaping @Sendable (SIPServer.Request) -> Int?, ended: @escaping @Sendable () -> Void,
         status: @escaping @Sendable (String) -> (status: Int, body: String)) {
        self.continuation = continuation
        self.handle = handle
        self.admission = admission
        self.ended = ended
        self.status = status
    }

    func receive(kind: Int32, call: UInt64, number: UInt64, _ first: String, _ second: String, _ third: String, _ fourth: String) {
        switch UInt32(kind) {
        case CF_SIP_CALL_ANSWERED.rawValue:
            let headers = fourth.split(separator: "\n").compactMap { line -> (name: String, value: String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
            }
            let line = CallLine(id: call, to: first, from: second, callID: third, headers: headers, handle: handle)
            lines.withLock { $0[call] = line }
            continuation.yield(.answered(line))
        case CF_SIP_CALL_DIGIT.rawValue:
            if let key = first.first { lines.withLock { $0[call] }?.received(key) }
        case CF_SIP_CALL_PLAYED.rawValue:
            lines.withLock { $0[call] }?.played(number)
        case CF_SIP_CALL_TRANSFERRED.rawValue:
            lines.withLock { $0[call] }?.transferEnded(status: Int(number), reason: first)
        default:
            lines.withLock { $0.removeValue(forKey: call) }?.closed()
            ended()
            let recording = fourth.isEmpty ? nil : SIPServer.Recording(file: fourth, seconds: Double(number) / 8000)
            continuation.yield(.closed(call: call, by: first, reason: second, callID: third, recording: recording))
        }
    }
}
