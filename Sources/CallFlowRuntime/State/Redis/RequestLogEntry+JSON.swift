/// A log entry as Redis keeps it: one JSON object. `started` is a string, so that it comes back
/// exactly (it names the entry whose alert `setAlert` records), and lists are lines, so that
/// Redis's Lua (cjson) rewrites an entry without changing anything but its alert.
extension RequestLogEntry {
    var json: String {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return JSONValue.object([
            ("started", .string(String(started))), ("method", .string(method)), ("url", .string(url)),
            ("redirects", .string(redirects.joined(separator: "\n"))),
            ("requestHeaders", .string(HTTPHeader.lines(requestHeaders))), ("requestBody", text(requestBody)),
            ("status", .number(Double(status))),
            ("responseHeaders", .string(HTTPHeader.lines(responseHeaders))), ("responseBody", text(responseBody)),
            ("attempts", .number(Double(attempts))), ("milliseconds", .number(Double(milliseconds))),
            ("error", text(error)), ("alert", text(alert)),
        ]).compactText
    }

    /// The entry of `json`; nil when it is not one.
    init?(json: String, flow: String, element: String) {
        guard let object = try? JSONParser.parse(json), let started = object["started"]?.flowString.flatMap(Double.init) else { return nil }
        func text(_ key: String) -> String? { object[key]?.flowString }
        func integer(_ key: String) -> Int { object[key]?.flowNumber.map { Int($0) } ?? 0 }
        self.init(flow: flow, element: element, started: started, method: text("method") ?? "", url: text("url") ?? "",
                  requestHeaders: HTTPHeader.parseLines(text("requestHeaders") ?? ""), requestBody: text("requestBody"),
                  status: integer("status"), responseHeaders: HTTPHeader.parseLines(text("responseHeaders") ?? ""),
                  responseBody: text("responseBody"), attempts: integer("attempts"), milliseconds: integer("milliseconds"),
                  error: text("error"), alert: text("alert"))
        redirects = (text("redirects") ?? "").split(separator: "\n").map(String.init)
    }
}
