import CSIPShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A SIP server answering calls over UDP (libre, on a thread of its own): each call answered
/// and acknowledged, and each call ended, comes as an `Event`; `hangUp` ends a call with BYE.
public final class SIPServer: Sendable {
    public enum Event: Sendable, Equatable {
        /// `to` is the Request-URI user, `from` the caller's From user.
        case answered(call: UInt64, to: String, from: String, callID: String)
        /// Every call let in by `admission` ends so once, answered or not; `by` is `caller` or
        /// `server`.
        case closed(call: UInt64, by: String, reason: String, callID: String)
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

    public struct StartFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Every event, in order, until the server stops.
    public let events: AsyncStream<Event>
    private let sink: EventSink
    private let handle: Mutex<OpaquePointer?>

    /// Starts listening on `address`:`port` (UDP); each call rings (180) and is answered
    /// `answerDelay` later. `admission` decides, on the server's thread and without blocking,
    /// whether a request goes on (nil) or is refused with a SIP status; `ended` hears there, as
    /// each call let in ends, before the next request is decided (so a count kept by the two
    /// is never behind).
    public init(address: String, port: Int, answerDelay: Duration = .zero,
                admission: @escaping @Sendable (Request) -> Int? = { _ in nil },
                ended: @escaping @Sendable () -> Void = {}) throws(StartFailure) {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        self.events = events
        sink = EventSink(continuation, admission: admission, ended: ended)
        var error: Int32 = 0
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let delay = Int32(min(max(answerDelay / .milliseconds(1), 0), Double(Int32.max)))
        guard let server = cf_sip_start(address, Int32(port), delay, { context, kind, call, first, second, third in
            let sink = Unmanaged<EventSink>.fromOpaque(context!).takeUnretainedValue()
            let (first, second, third) = (String(cString: first!), String(cString: second!), String(cString: third!))
            switch Int(kind) {
            case Int(CF_SIP_CALL_ANSWERED.rawValue): sink.continuation.yield(.answered(call: call, to: first, from: second, callID: third))
            default:
                sink.ended()
                sink.continuation.yield(.closed(call: call, by: first, reason: second, callID: third))
            }
        }, { context, method, user, source in
            let sink = Unmanaged<EventSink>.fromOpaque(context!).takeUnretainedValue()
            let request = Request(method: String(cString: method!), user: String(cString: user!), source: String(cString: source!))
            return Int32(sink.admission(request) ?? 0)
        }, context, &error) else {
            throw StartFailure(description: "cannot listen for SIP on \(address):\(port): \(String(cString: strerror(error)))")
        }
        handle = Mutex(server)
    }

    deinit {
        stop()
    }

    /// Ends `call` with a BYE; its `closed` event follows.
    public func hangUp(_ call: UInt64) {
        handle.withLock { if let server = $0 { cf_sip_hangup(server, call) } }
    }

    /// Hangs up every call and stops; the events end.
    public func stop() {
        let server = handle.withLock { server in defer { server = nil }; return server }
        if let server { cf_sip_stop(server) }
        sink.continuation.finish()
    }
}

/// Where the server's thread hands its events over.
private final class EventSink: Sendable {
    let continuation: AsyncStream<SIPServer.Event>.Continuation
    let admission: @Sendable (SIPServer.Request) -> Int?
    let ended: @Sendable () -> Void

    init(_ continuation: AsyncStream<SIPServer.Event>.Continuation, admission: @escaping @Sendable (SIPServer.Request) -> Int?,
         ended: @escaping @Sendable () -> Void) {
        self.continuation = continuation
        self.admission = admission
        self.ended = ended
    }
}
