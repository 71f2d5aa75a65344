import ArgumentParser
import CallFlowRuntime

#if canImport(Glibc)
import Glibc
#endif

/// `flows logs FLOW.ELEMENT [--detail N]`: the last requests of one APIRequest element.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show the last requests of an APIRequest element.",
        discussion: """
            Lists the last \(RequestLogEntry.keptPerElement) requests of the element, newest first and numbered from 1; \
            --detail N shows request N in full: headers and body sent, headers and body received. Secrets are shown as ***.
            """
    )

    @Argument(help: ArgumentHelp("The element, as FLOW.ELEMENT.", valueName: "flow.element"))
    var element: String

    @Option(name: .long, help: "Show request N of the list in full.")
    var detail: Int?

    @OptionGroup var state: StateOption

    func run(_ flows: [CompiledFlow]) async -> Int32 {
        guard let target = RequestElement.find(element, in: flows) else { return 64 }
        let flow = target.flow, elementName = target.element
        return await state.withStore { store in
            let entries = try await store.requestLog(flow: flow.name, element: elementName)
            let name = "\(flow.name).\(elementName)"
            guard !entries.isEmpty else {
                Terminal.out("No request of \(name) is logged in \(store.location).")
                return 0
            }
            guard let detail else {
                Terminal.out("The last \(entries.count) request\(entries.count == 1 ? "" : "s") of \(name), newest first:")
                for (index, entry) in entries.enumerated() {
                    Terminal.out("\(String(index + 1).leftPadded(to: 3))  \(Self.time(entry.started))  \(TranscriptOutput.summary(method: entry.method, url: entry.url, status: entry.status, error: entry.error, milliseconds: entry.milliseconds, attempts: entry.attempts))")
                }
                return 0
            }
            guard (1...entries.count).contains(detail) else {
                printError("flows: error: --detail \(detail): \(name) has requests 1 to \(entries.count)")
                return 64
            }
            Terminal.out(Terminal.printable(Self.fullText(entries[detail - 1], number: detail, name: name), keepingLines: true))
            return 0
        }
    }

    static func fullText(_ entry: RequestLogEntry, number: Int, name: String) -> String {
        var lines = [
            "Request \(number) of \(name)",
            "Started:  \(time(entry.started))",
            "Took:     \(entry.milliseconds) ms, \(entry.attempts) attempt\(entry.attempts == 1 ? "" : "s")",
            "Result:   " + (entry.error.map { "failed: \($0)" } ?? "success"),
        ]
        if let alert = entry.alert { lines.append("Alert:    \(alert)") }
        lines += entry.redirects.map { "Redirect: \($0)" }
        lines += ["", "> \(entry.method) \(entry.url)"]
        lines += entry.requestHeaders.map { "> \($0.name): \($0.value)" }
        if let body = entry.requestBody { lines += ["", body] }
        lines.append("")
        if entry.status == 0 {
            lines.append("< (no response)")
        } else {
            lines.append("< \(entry.status)")
            lines += entry.responseHeaders.map { "< \($0.name): \($0.value)" }
            if let body = entry.responseBody, !body.isEmpty { lines += ["", body] }
        }
        return lines.joined(separator: "\n")
    }

    /// `YYYY-MM-DD HH:MM:SSZ`, in UTC.
    static func time(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
