/// A `Slack` action: `chat.postMessage` with a bot token.
public struct SlackMessage: Sendable {
    public var token: [TemplatePiece]
    public var channel: [TemplatePiece]
    /// The text; fillpoint values in it are escaped for Slack (`&`, `<`, `>`), so a caller
    /// named `<!channel>` pings nobody.
    public var text: [TemplatePiece]
    public var iconEmoji: [TemplatePiece]?
    public var iconURL: [TemplatePiece]?
    public var useMarkdown: Bool

    public init(token: [TemplatePiece], channel: [TemplatePiece], text: [TemplatePiece], iconEmoji: [TemplatePiece]? = nil,
                iconURL: [TemplatePiece]? = nil, useMarkdown: Bool = true) {
        self.token = token
        self.channel = channel
        self.text = text
        self.iconEmoji = iconEmoji
        self.iconURL = iconURL
        self.useMarkdown = useMarkdown
    }

    /// Slack's own escaping of text: `&`, `<` and `>` as entities.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    func request(endpoints: ProviderEndpoints) -> ProviderRequest {
        // The flow's own text is sent as written (it may hold Slack's <URL|label> links);
        // only values that came from the call or an API are escaped.
        let text = self.text.map { piece -> TemplatePiece in
            switch piece {
            case .value(let value): .text(Self.escaped(value))
            case .fillpoint(let value, _): .text(Self.escaped(value))
            case .json(let value): .text(Self.escaped(FlowText.text(value)))
            case .text, .secret: piece
            }
        }
        var fields: [(path: [String], value: [TemplatePiece], format: BodyFormat)] = [
            (path: ["channel"], value: channel, format: .string), (path: ["text"], value: text, format: .string),
        ]
        if let iconEmoji { fields.append((path: ["icon_emoji"], value: iconEmoji, format: .string)) }
        if let iconURL { fields.append((path: ["icon_url"], value: iconURL, format: .string)) }
        fields.append((path: ["mrkdwn"], value: [.text(useMarkdown ? "true" : "false")], format: .boolean))
        var plan = RequestPlan(method: .post, url: [.text(ProviderEndpoints.trimmed(endpoints.slack) + "/chat.postMessage")])
        plan.headers = [(name: "Authorization", value: [.text("Bearer ")] + token)]
        plan.body = .json(fields)
        plan.contentType = [.text("application/json; charset=utf-8")]
        plan.timeout = ProviderRequest.timeout
        plan.retries = ProviderRequest.retries
        return ProviderRequest(plan: plan, secrets: [:]) { response in
            guard (200...299).contains(response.status) else { return nil }
            let json = try? JSONParser.parse(response.body)
            guard json?["ok"]?.flowBoolean == true else {
                return "Slack refused the message: \(json?["error"]?.flowString ?? "no `ok: true` in its answer")"
            }
            return nil
        }
    }
}
