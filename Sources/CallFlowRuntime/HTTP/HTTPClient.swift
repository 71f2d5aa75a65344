import CCurl
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// HTTP over libcurl. Easy handles are pooled, so their connections are reused by later
/// requests; the blocking transfer runs on a dispatch queue, never on Swift's cooperative pool.
public final class HTTPClient: Sendable {
    /// The most a response body may hold before the request fails.
    public let maximumResponseBytes: Int
    private let handles = Mutex<[EasyHandle]>([])
    private let queue = DispatchQueue(label: "callflow.http", attributes: .concurrent)

    private static let globalInit: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    public init(maximumResponseBytes: Int = 1 << 20) {
        _ = Self.globalInit
        self.maximumResponseBytes = maximumResponseBytes
    }

    deinit {
        for handle in handles.withLock({ $0 }) { curl_easy_cleanup(handle.pointer) }
    }

    /// Sends `request`, giving up after `timeoutMilliseconds`.
    public func send(_ request: PreparedRequest, timeoutMilliseconds: Int) async -> Result<HTTPResponse, HTTPFailure> {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.perform(request, timeoutMilliseconds: timeoutMilliseconds))
            }
        }
    }

    private func perform(_ request: PreparedRequest, timeoutMilliseconds: Int) -> Result<HTTPResponse, HTTPFailure> {
        guard let pooled = handles.withLock({ $0.popLast() }) ?? curl_easy_init().map(EasyHandle.init) else {
            return .failure(HTTPFailure(message: "could not start libcurl", isTransient: false))
        }
        let handle = pooled.pointer
        defer {
            // Reset keeps the handle's connections, so the next request to the host reuses one.
            curl_easy_reset(handle)
            handles.withLock { $0.append(pooled) }
        }
        let sink = ResponseSink(limit: maximumResponseBytes)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // Without this, curl adds `Expect: 100-continue` to larger bodies and waits for it.
        headerList = curl_slist_append(headerList, "Expect:")

        _ = cf_easy_setopt_string(handle, CURLOPT_URL, request.url)
        _ = cf_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = cf_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, timeoutMilliseconds))
        _ = cf_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        _ = cf_easy_setopt_long(handle, CURLOPT_MAXREDIRS, 3)
        _ = cf_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, request.url.hasPrefix("https:") ? "https" : "http,https")
        _ = cf_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = cf_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        _ = cf_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let bundle = getenv("FLOW_CA_BUNDLE") { _ = cf_easy_setopt_string(handle, CURLOPT_CAINFO, bundle) }
        _ = cf_easy_setopt_string(handle, CURLOPT_USERAGENT, "CallFlow/1")
        _ = cf_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        switch request.method {
        case .get: _ = cf_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case .head: _ = cf_easy_setopt_long(handle, CURLOPT_NOBODY, 1)
        case .post, .put, .patch, .delete: _ = cf_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body {
            _ = cf_easy_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBufferPointer { buffer in
                _ = cf_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            }
        }
        let context = Unmanaged.passUnretained(sink).toOpaque()
        _ = cf_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = cf_easy_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard sink.body.count + length <= sink.limit else {
                sink.tooLarge = true
                return 0
            }
            sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
            return length
        }
        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        if sink.tooLarge {
            return .failure(HTTPFailure(message: "Response larger than \(maximumResponseBytes) bytes", isTransient: false))
        }
        guard code == CURLE_OK else {
            let transient = [CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_RESOLVE_HOST, CURLE_RECV_ERROR,
                             CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE].contains(code)
            return .failure(HTTPFailure(message: String(cString: curl_easy_strerror(code)), isTransient: transient))
        }
        var status = 0
        _ = cf_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, body: sink.body))
    }
}

/// A libcurl easy handle. One transfer uses it at a time: the pool's mutex hands it over, which
/// is what makes moving it between threads safe.
private struct EasyHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

/// Collects a response body for the write callback, up to a limit.
private final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var tooLarge = false

    init(limit: Int) {
        self.limit = limit
    }
}
