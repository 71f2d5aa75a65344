#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An `SMS` action: a text message sent through a provider's HTTP API.
public struct SMSMessage: Sendable {
    public enum Provider: String, Sendable, CaseIterable {
        /// CloudTalk's `POST /sms/send.json`, JSON, Basic authorisation with the access key id
        /// and secret; its `200` with `success: false` is a failure.
        case cloudTalk = "CloudTalk"
        /// Twilio's `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded;
        /// success is `201`.
        case twilio = "Twilio"
    }

    public var provider: Provider
    public var sender: [TemplatePiece]
    public var recipient: [TemplatePiece]
    public var text: [TemplatePiece]
    /// Secrets: the access key id and secret (Twilio: an API key's SID and secret, or the
    /// account SID and auth token), and Twilio's account SID.
    public var keyId: [TemplatePiece]
    public var keySecret: [TemplatePiece]
    public var accountSid: [TemplatePiece]

    public init(provider: Provider = .cloudTalk, sender: [TemplatePiece], recipient: [TemplatePiece], text: [TemplatePiece],
                keyId: [TemplatePiece], keySecret: [TemplatePiece], accountSid: [TemplatePiece] = []) {
        self.provider = provider
        self.sender = sender
        self.recipient = recipient
        self.text = text
        self.keyId = keyId
        self.keySecret = keySecret
        self.accountSid = accountSid
    }

    /// `+` and 8 to 15 digits.
    public static func isE164(_ text: String) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.hasPrefix("+") && (8...15).contains(digits.count) && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// A Twilio alphanumeric sender ID: 1 to 11 letters, digits and spaces, at least one letter.
    public static func isAlphanumericSender(_ text: String) -> Bool {
        (1...11).contains(text.utf8.count) && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == " ") }
            && text.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic }
    }

    /// The request to send, or why none may be sent.
    func request(secrets: [String: String], endpoints: ProviderEndpoints) -> Result<ProviderRequest, ProviderRequest.Refusal> {
        let recipient = TemplatePiece.plainText(self.recipient)
        let sender = TemplatePiece.plainText(self.sender)
        guard Self.isE164(recipient) else {
            return .failure(.init(message: "Recipient `\(recipient)` is not an E.164 number (`+` and 8 to 15 digits); no SMS was sent"))
        }
        guard Self.isE164(sender) || (provider == .twilio && Self.isAlphanumericSender(sender)) else {
            let allowed = provider == .twilio ? "an E.164 number or an alphanumeric sender ID (up to 11 letters, digits and spaces)" : "an E.164 number"
            return .failure(.init(message: "Sender `\(sender)` is not \(allowed); no SMS was sent"))
        }
        let credentials: String
        let builder = RequestBuilder(secrets: secrets)
        do throws(RequestBuilder.Problem) {
            credentials = Data((try builder.text(keyId) + ":" + builder.text(keySecret)).utf8).base64EncodedString()
        } catch {
            return .failure(.init(message: error.message))
        }
        let message = TemplatePiece.plainText(text)
        var plan: RequestPlan
        switch provider {
        case .cloudTalk:
            plan = RequestPlan(method: .post, url: [.text(ProviderEndpoints.trimmed(endpoints.cloudTalk) + "/sms/send.json")])
            plan.body = .json([(path: ["recipient"], value: [.text(recipient)], format: .string),
                               (path: ["sender"], value: [.text(sender)], format: .string),
                               (path: ["message"], value: [.text(message)], format: .string)])
        case .twilio:
            plan = RequestPlan(method: .post, url: [.text(ProviderEndpoints.trimmed(endpoints.twilio) + "/2010-04-01/Accounts/")] + accountSid + [.text("/Messages.json")])
            plan.body = .form([(name: "To", value: [.text(recipient)]), (name: "From", value: [.text(sender)]), (name: "Body", value: [.text(message)])])
            plan.successStatus = [200, 201]
        }
        plan.headers = [(name: "Authorization", value: [.text("Basic "), .secret(ProviderRequest.basicCredentials)])]
        plan.timeout = ProviderRequest.timeout
        plan.retries = ProviderRequest.retries
        let provider = provider
        return .success(ProviderRequest(plan: plan, secrets: [ProviderRequest.basicCredentials: credentials]) { response in
            provider == .cloudTalk ? Self.cloudTalkError(response) : Self.twilioError(response)
        })
    }

    /// CloudTalk answers `200` with `success: false` and its reason in `data` on many failures
    /// (also wrapped in `responseData`), and other errors as `{"responseData": {"status", "message"}}`.
    static func cloudTalkError(_ response: HTTPResponse) -> String? {
        let json = try? JSONParser.parse(response.body)
        let answer = json?["responseData"] ?? json
        let reason = answer?["data"]?.flowString ?? answer?["message"]?.flowString ?? answer?["error"]?.flowString
        if answer?["success"]?.flowBoolean == false {
            return "CloudTalk refused the SMS: \(reason ?? "no reason given")"
        }
        if let status = answer?["status"]?.flowInteger, !(200...299).contains(status) {
            return "CloudTalk refused the SMS (status \(status)): \(reason ?? "no reason given")"
        }
        if !(200...299).contains(response.status) {
            return "HTTP status \(response.status)" + (reason.map { ": \($0)" } ?? "")
        }
        return nil
    }

    /// Twilio's errors: `{"code", "message", "more_info", "status"}`.
    static func twilioError(_ response: HTTPResponse) -> String? {
        guard !(200...299).contains(response.status) else { return nil }
        let json = try? JSONParser.parse(response.body)
        let code = json?["code"]?.flowInteger.map { " \($0)" } ?? ""
        return "HTTP status \(response.status)" + (json?["message"]?.flowString.map { ": Twilio error\(code): \($0)" } ?? "")
    }
}

/// A provider's HTTP request for an action: the plan, the secrets made for it (Basic
/// credentials), and how to read a failure from a response that came.
struct ProviderRequest: Sendable {
    var plan: RequestPlan
    /// Secrets derived from the action's (the Basic credentials), redacted like them.
    var secrets: [String: String]
    /// The failure a response means, or nil for success; run for every response that came.
    var failure: @Sendable (HTTPResponse) -> String?

    /// The secret name under which Basic credentials are built; not a valid `Secrets` name.
    static let basicCredentials = "callflow basic credentials"
    /// Seconds each provider request may take, retries included, and its further attempts.
    static let timeout = 30
    static let retries = 2

    /// Why the request was not made.
    struct Refusal: Error {
        var message: String
    }
}

extension TemplatePiece {
    /// The text of pieces that hold no secret (an action's Sender, Recipient or Text).
    static func plainText(_ pieces: [TemplatePiece]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text), .value(let text), .fillpoint(let text, _): out += text
            case .json(let value): out += FlowText.text(value)
            case .secret: out += Redactor.mask
            }
        }
        return out
    }
}
