import CCurl
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Sends `AlertEmail` mails with libcurl's SMTP support.
public struct AlertMailer: Sendable {
    /// `smtp://HOST[:PORT]` or `smtps://…`; nil when no server is configured.
    public var serverURL: String?
    public var from: String
    /// How long one mail may take.
    public var timeoutMilliseconds = 10_000

    public init(serverURL: String?, from: String = "callflow@localhost") {
        self.serverURL = serverURL
        self.from = from
    }

    /// The server of `FLOW_SMTP_URL` and the sender of `FLOW_SMTP_FROM`.
    public static var fromEnvironment: AlertMailer {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name), value.pointee != 0 else { return nil }
            return String(cString: value)
        }
        return AlertMailer(serverURL: variable("FLOW_SMTP_URL"), from: variable("FLOW_SMTP_FROM") ?? "callflow@localhost")
    }

    /// Sends one plain-text mail; nil when the server took it, else why not.
    public func send(to recipients: [String], subject: String, body: String) async -> String? {
        guard let serverURL else { return "FLOW_SMTP_URL is not set" }
        let message = Self.message(from: from, to: recipients, subject: subject, body: body, date: WallClock.now())
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: self.transfer(serverURL, recipients, message))
            }
        }
    }

    private func transfer(_ url: String, _ recipients: [String], _ message: [UInt8]) -> String? {
        _ = HTTPClient.globalInit
        guard let handle = curl_easy_init() else { return "could not start libcurl" }
        defer { curl_easy_cleanup(handle) }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipientList) }
        for recipient in recipients { recipientList = curl_slist_append(recipientList, "<\(recipient)>") }
        let source = MessageSource(message)
        _ = cf_easy_setopt_string(handle, CURLOPT_URL, url)
        _ = cf_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        _ = cf_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // Straight to the mail server: libcurl's proxy variables (`ALL_PROXY`) are ignored.
        _ = cf_easy_setopt_string(handle, CURLOPT_PROXY, "")
        _ = cf_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        _ = cf_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = cf_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipientList)
        _ = cf_easy_setopt_long(handle, CURLOPT_UPLOAD, 1)
        _ = cf_easy_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        _ = cf_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
            let source = Unmanaged<MessageSource>.fromOpaque(context!).takeUnretainedValue()
            return source.read(into: buffer!, capacity: size * count)
        }
        var errorText = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code = errorText.withUnsafeMutableBufferPointer { buffer in
            _ = cf_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            return withExtendedLifetime(source) { curl_easy_perform(handle) }
        }
        guard code == CURLE_OK else {
            let detail = String(nulTerminated: errorText)
            return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        }
        return nil
    }

    /// An RFC 5322 message with CRLF line ends.
    static func message(from: String, to recipients: [String], subject: String, body: String, date: Double) -> [UInt8] {
        var time = time_t(date)
        var parts = tm()
        gmtime_r(&time, &parts)
        var formatted = [CChar](repeating: 0, count: 64)
        strftime(&formatted, formatted.count, "%a, %d %b %Y %H:%M:%S +0000", &parts)
        // Header values are ours or the flow's; no line break may reach the header block.
        func single(_ text: String) -> String { String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 }) }
        let headers = [
            "Date: " + String(nulTerminated: formatted),
            "From: CallFlow <\(single(from))>",
            "To: " + recipients.map(single).joined(separator: ", "),
            "Subject: " + single(subject),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        let lines = headers + [""] + body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}

/// Hands a message to libcurl's read callback piece by piece.
private final class MessageSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
