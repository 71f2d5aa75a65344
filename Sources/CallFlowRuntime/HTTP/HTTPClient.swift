import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// HTTP over libcurl: one multi handle, driven by one thread of its own, runs every transfer of
/// the process side by side. Its connection cache is shared by all of them, so consecutive and
/// concurrent calls reuse connections, and no blocking curl work ever runs on Swift's
/// cooperative pool.
///
/// That thread is also a task executor (`executor`). Calls run under
/// `withTaskExecutorPreference(client.executor)` make no thread hop at all for a request: the
/// flow code sends, the thread runs the transfer and then the flow code again. A process that
/// runs many calls should do so; flow code that blocks the thread delays every transfer.
public final class HTTPClient: Sendable {
    /// The most a response body may hold before the request fails.
    public let maximumResponseBytes: Int
    /// The most the headers of one response may hold before the request fails.
    public let maximumHeaderBytes: Int
    /// The CA bundle that TLS verification trusts instead of the system's.
    public let caBundle: String?
    /// The proxy every request goes through; nil for none, whatever the environment says.
    public let proxy: String?
    private let engine: TransferEngine

    static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    /// - Parameters:
    ///   - caBundle: a PEM file of the certificates to trust; by default `FLOW_CA_BUNDLE` when
    ///     set, else the system's.
    ///   - proxy: by default `FLOW_HTTP_PROXY` when set, else none. libcurl's own proxy
    ///     variables (`http_proxy`, `https_proxy`, `ALL_PROXY`, `NO_PROXY`) are ignored: a
    ///     flow's requests, secrets included, go nowhere the operator did not name.
    public init(maximumResponseBytes: Int = 1 << 20, maximumHeaderBytes: Int = 64 << 10,
                caBundle: String? = HTTPClient.caBundleFromEnvironment, proxy: String? = HTTPClient.proxyFromEnvironment) {
        _ = Self.globalInit
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.caBundle = caBundle
        self.proxy = proxy
        engine = TransferEngine(caBundle: caBundle, proxy: proxy)
    }

    public static var caBundleFromEnvironment: String? { environment("FLOW_CA_BUNDLE") }

    public static var proxyFromEnvironment: String? { environment("FLOW_HTTP_PROXY") }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    deinit {
        engine.stop()
    }

    /// The client's own thread as an executor for the tasks that run calls.
    public var executor: any TaskExecutor { engine }

    /// Sends `request`, giving up after `timeoutMilliseconds`, or as soon as the task is
    /// cancelled (the request is abandoned: it fails with `HTTPFailure.abandoned`).
    public func send(_ request: PreparedRequest, timeoutMilliseconds: Int) async -> Result<HTTPResponse, HTTPFailure> {
        let transfer = Transfer(request: request, timeoutMilliseconds: timeoutMilliseconds, limit: maximumResponseBytes,
                                headerLimit: maximumHeaderBytes, checksAddresses: proxy == nil)
        let code = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                engine.submit(transfer)
            }
        } onCancel: { [engine] in
            transfer.cancelled.store(true, ordering: .releasing)
            engine.cancel(transfer)
        }
        if transfer.cancelled.load(ordering: .acquiring) { return .failure(.abandoned) }
        return transfer.outcome(code)
    }
}

/// The thread that drives the multi handle: it adds submitted transfers, runs them, resumes
/// each one's continuation when it is done, and runs the jobs of tasks that prefer it.
private final class TransferEngine: TaskExecutor, @unchecked Sendable {
    // `multi` and `running` are touched only on the engine's thread; `inbox` and `stopping`
    // are how other threads talk to it.
    private let multi: UnsafeMutableRawPointer
    private let caBundle: String?
    private let proxy: String?
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let inbox = Mutex(Inbox())
    private let stopping = Atomic<Bool>(false)
    /// The engine thread's `pthread_self()`, once it runs: what it enqueues needs no wakeup.
    private let engineThread = Atomic<UInt>(0)

    private struct Inbox {
        var transfers: [Transfer] = []
        var cancellations: [Transfer] = []
        var jobs: [UnownedJob] = []
        /// Set when the loop has ended: jobs go to the global executor from then on.
        var closed = false
    }

    init(caBundle: String?, proxy: String?) {
        self.caBundle = caBundle
        self.proxy = proxy
        multi = curl_multi_init()!
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, { context in
            let engine = Unmanaged<TransferEngine>.fromOpaque(context!).takeRetainedValue()
            engine.engineThread.store(UInt(pthread_self()), ordering: .releasing)
            engine.loop()
            return nil
        }, context)
        pthread_detach(thread)
    }

    private var onEngineThread: Bool {
        engineThread.load(ordering: .acquiring) == UInt(pthread_self())
    }

    /// Wakes the loop from `curl_multi_poll`, unless this is the loop's own thread.
    private func wake() {
        if !onEngineThread { curl_multi_wakeup(multi) }
    }

    func submit(_ transfer: Transfer) {
        if !deliver({ $0.transfers.append(transfer) }) {
            transfer.continuation?.resume(returning: CURLE_ABORTED_BY_CALLBACK)
        }
    }

    /// Stops `transfer` if it has not ended (its task was cancelled).
    func cancel(_ transfer: Transfer) {
        _ = deliver { $0.cancellations.append(transfer) }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if !deliver({ $0.jobs.append(job) }) {
            globalConcurrentExecutor.enqueue(job)
        }
    }

    /// Puts something in the inbox and wakes the loop; false, with nothing put, once the loop
    /// has ended.
    private func deliver(_ put: (inout Inbox) -> Void) -> Bool {
        let accepted = inbox.withLock { inbox in
            if !inbox.closed { put(&inbox) }
            return !inbox.closed
        }
        if accepted { wake() }
        return accepted
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        curl_multi_wakeup(multi)
    }

    /// Runs the waiting jobs and the jobs they enqueue (a task resumed, an actor entered),
    /// up to a bound that keeps the transfers going while tasks keep the thread busy.
    private func runJobs() {
        for _ in 0..<64 {
            let jobs = inbox.withLock { inbox in defer { inbox.jobs.removeAll(keepingCapacity: true) }; return inbox.jobs }
            if jobs.isEmpty { return }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// An easy handle with the options every transfer shares, set once: each transfer sets
    /// its own (`Transfer.configure`) and nothing else, so no handle is ever reset.
    private func newHandle() -> UnsafeMutableRawPointer? {
        guard let handle = curl_easy_init() else { return nil }
        _ = cf_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // Redirects are followed by `Redirects`, hop by hop, under the flow's URL rules.
        _ = cf_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = cf_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        // The path as the flow built it: no dot segments merged away behind the log's back.
        _ = cf_easy_setopt_long(handle, CURLOPT_PATH_AS_IS, 1)
        // "" turns libcurl's proxy environment variables off; NOPROXY "" keeps `no_proxy` out too.
        _ = cf_easy_setopt_string(handle, CURLOPT_PROXY, proxy ?? "")
        _ = cf_easy_setopt_string(handle, CURLOPT_NOPROXY, "")
        _ = cf_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        _ = cf_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundle { _ = cf_easy_setopt_string(handle, CURLOPT_CAINFO, caBundle) }
        _ = cf_easy_setopt_string(handle, CURLOPT_USERAGENT, "CallFlow/1")
        _ = cf_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue().bodyData(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        _ = cf_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue().headerLine(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        return handle
    }

    private func loop() {
        var active: Int32 = 0
        while !stopping.load(ordering: .acquiring) {
            runJobs()
            let (submitted, cancelled) = inbox.withLock { inbox in
                defer { (inbox.transfers, inbox.cancellations) = ([], []) }
                return (inbox.transfers, inbox.cancellations)
            }
            for transfer in submitted {
                // Cancelled before it was submitted: it never starts.
                if transfer.cancelled.load(ordering: .acquiring) {
                    transfer.continuation?.resume(returning: CURLE_ABORTED_BY_CALLBACK)
                    continue
                }
                guard let handle = idleHandles.popLast() ?? newHandle() else {
                    transfer.continuation?.resume(returning: CURLE_FAILED_INIT)
                    continue
                }
                transfer.configure(handle)
                running[handle] = transfer
                curl_multi_add_handle(multi, handle)
            }
            for transfer in cancelled {
                guard let handle = running.first(where: { $0.value === transfer })?.key else { continue }
                curl_multi_remove_handle(multi, handle)
                running[handle] = nil
                // Its connection was cut mid-request; the handle itself is as good as new.
                idleHandles.append(handle)
                transfer.continuation?.resume(returning: CURLE_ABORTED_BY_CALLBACK)
            }
            curl_multi_perform(multi, &active)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                guard let transfer = running.removeValue(forKey: handle) else { continue }
                transfer.collect(handle)
                // The handle keeps the options every transfer shares; the connection stays in the
                // multi handle's cache for the next request.
                idleHandles.append(handle)
                transfer.continuation?.resume(returning: code)
            }
            // Jobs or transfers that came in meanwhile (the resumed tasks, above) go on at once.
            if inbox.withLock({ $0.jobs.isEmpty && $0.transfers.isEmpty && $0.cancellations.isEmpty }) {
                curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
        for (handle, transfer) in running {
            curl_multi_remove_handle(multi, handle)
            curl_easy_cleanup(handle)
            transfer.continuation?.resume(returning: CURLE_ABORTED_BY_CALLBACK)
        }
        for handle in idleHandles { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
        let (transfers, jobs) = inbox.withLock { inbox in
            inbox.closed = true
            return (inbox.transfers, inbox.jobs)
        }
        for transfer in transfers { transfer.continuation?.resume(returning: CURLE_ABORTED_BY_CALLBACK) }
        for job in jobs { globalConcurrentExecutor.enqueue(job) }
    }
}

/// One request in flight: its options, and what libcurl's callbacks collect of the response.
/// Only the engine's thread touches it while it runs; the caller reads it after resumption.
private final class Transfer: @unchecked Sendable {
    let request: PreparedRequest
    let timeoutMilliseconds: Int
    let limit: Int
    let headerLimit: Int
    /// Whether private addresses are refused at connect time (not through a proxy, which
    /// makes the connections itself).
    let checksAddresses: Bool
    var continuation: CheckedContinuation<CURLcode, Never>?
    /// Set when the task that sent it was cancelled, from any thread.
    let cancelled = Atomic<Bool>(false)

    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl writes its detail of a failure here; it must stay put while the transfer runs.
    private let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    var body: [UInt8] = []
    var headers: [HTTPHeader] = []
    var tooLarge = false
    var headerBytes = 0
    var headersTooLarge = false
    /// Set by the socket callback when a connection to a private address was refused.
    private let refusedAddress = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    var status = 0
    var address: String?

    init(request: PreparedRequest, timeoutMilliseconds: Int, limit: Int, headerLimit: Int, checksAddresses: Bool) {
        self.request = request
        self.timeoutMilliseconds = timeoutMilliseconds
        self.limit = limit
        self.headerLimit = headerLimit
        self.checksAddresses = checksAddresses
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        refusedAddress.initialize(to: 0)
    }

    deinit {
        curl_slist_free_all(headerList)
        errorText.deallocate()
        refusedAddress.deallocate()
    }

    /// Sets every option that differs from one transfer to the next, on a handle made by
    /// `TransferEngine.newHandle`, whatever the transfer before it set.
    func configure(_ handle: UnsafeMutableRawPointer) {
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // Without this, curl adds `Expect: 100-continue` to larger bodies and waits for it.
        headerList = curl_slist_append(headerList, "Expect:")

        _ = cf_easy_setopt_string(handle, CURLOPT_URL, request.url)
        _ = cf_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, timeoutMilliseconds))
        let guarded = request.refusesPrivateAddresses && checksAddresses
        cf_easy_refuse_private_addresses(handle, guarded ? refusedAddress : nil)
        // A cached connection was opened without the check.
        _ = cf_easy_setopt_long(handle, CURLOPT_FRESH_CONNECT, guarded ? 1 : 0)
        _ = cf_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        // HTTPGET clears what an earlier transfer's method or body left on the handle.
        _ = cf_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)
        _ = cf_easy_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, nil)
        switch request.method {
        case .get: break
        case .head: _ = cf_easy_setopt_long(handle, CURLOPT_NOBODY, 1)
        case .post, .put, .patch, .delete: _ = cf_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body {
            _ = cf_easy_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBufferPointer { buffer in
                _ = cf_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            }
        }
        _ = cf_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText)
        // The engine keeps the transfer alive (in `running`) while libcurl may call back.
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = cf_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = cf_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
    }

    /// Keeps a piece of the body, or stops the transfer when the body would pass the limit.
    fileprivate func bodyData(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard body.count + bytes.count <= limit else {
            tooLarge = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Reads what is known only on the handle, before the handle goes to the next transfer.
    func collect(_ handle: UnsafeMutableRawPointer) {
        _ = cf_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        // Where a response came from matters only to a redirect (`Redirects`).
        var ip: UnsafeMutablePointer<CChar>?
        if checksAddresses, (300...399).contains(status), cf_easy_getinfo_string(handle, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK, let ip, ip.pointee != 0 {
            address = String(cString: ip)
        }
    }

    /// Keeps the headers of the last response only: a redirect or an interim response starts
    /// again with its status line. Works on the bytes: this runs for every header line.
    fileprivate func headerLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        headerBytes += bytes.count
        guard headerBytes <= headerLimit else {
            headersTooLarge = true
            return 0
        }
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll()
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            var valueStart = colon + 1
            while valueStart < line.endIndex, isSpace(line[valueStart]) { valueStart += 1 }
            headers.append(HTTPHeader(name: String(decoding: line[..<colon], as: UTF8.self),
                                      value: String(decoding: line[valueStart...], as: UTF8.self)))
        }
        return bytes.count
    }

    func outcome(_ code: CURLcode) -> Result<HTTPResponse, HTTPFailure> {
        if tooLarge {
            return .failure(HTTPFailure(message: "Response larger than \(limit) bytes", isTransient: false, status: status))
        }
        // libcurl refuses a single header line of over 100 KB itself, as out of memory: while
        // the headers are read, that is what "out of memory" means.
        if headersTooLarge || (code == CURLE_OUT_OF_MEMORY && body.isEmpty) {
            return .failure(HTTPFailure(message: "Response headers larger than \(headerLimit) bytes", isTransient: false, status: status))
        }
        // A name may resolve to a private and a public address: only a failed transfer was refused.
        if code != CURLE_OK, refusedAddress.pointee != 0 {
            return .failure(HTTPFailure(message: "Refused a redirect from a public host to a private address", isTransient: false))
        }
        guard code == CURLE_OK else { return .failure(failure(code)) }
        return .success(HTTPResponse(status: status, headers: headers, body: body, address: address))
    }

    /// A failure in words a flow author can act on, with libcurl's own detail.
    private func failure(_ code: CURLcode) -> HTTPFailure {
        let transient = [CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_RESOLVE_HOST, CURLE_RECV_ERROR,
                         CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE].contains(code)
        let summary = switch code {
        case CURLE_OPERATION_TIMEDOUT: "Timed out"
        case CURLE_COULDNT_CONNECT: "Could not connect"
        case CURLE_COULDNT_RESOLVE_HOST: "Could not resolve the host"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE: "TLS: the server's certificate could not be verified"
        case CURLE_SSL_CONNECT_ERROR: "TLS: the secure connection failed"
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING: "The server closed the connection before the response was complete"
        default: String(cString: curl_easy_strerror(code))
        }
        let detail = String(cString: errorText)
        return HTTPFailure(message: detail.isEmpty ? summary : "\(summary) (\(detail))", isTransient: transient)
    }
}
