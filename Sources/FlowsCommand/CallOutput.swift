import CallFlowRuntime
import Synchronization

/// Where `flows run` writes a call's events as they happen.
protocol CallOutput: Sendable {
    func write(_ event: CallEvent)
    /// What the workflows the call started are doing.
    func write(_ report: WorkflowReport)
}

/// `--trace json`: one JSON object a line, flushed at once so a reader sees each as it happens.
struct JSONTraceOutput: CallOutput {
    func write(_ event: CallEvent) {
        Terminal.out(event.json)
    }

    func write(_ report: WorkflowReport) {
        Terminal.out(report.json)
    }
}

/// The readable transcript: what was said and played, each request with its status and time,
/// where the call went and how it ended. On a terminal, a spinner shows while a request waits.
final class TranscriptOutput: CallOutput {
    private let spinner: Spinner?
    private let print: @Sendable (String) -> Void

    /// - Parameter print: where each line goes; standard output by default.
    init(showsProgress: Bool, print: @escaping @Sendable (String) -> Void = { Terminal.out($0) }) {
        spinner = showsProgress ? Spinner() : nil
        self.print = print
    }

    func write(_ event: CallEvent) {
        switch event {
        case .enter(let element, let type):
            if type == "APIRequest" { spinner?.start("\(element): waiting for the API") }
        case .say(let element, let text):
            line(element, "says \"\(text)\"")
        case .play(let element, let files):
            line(element, "plays \(files.joined(separator: ", "))")
        case .collect(let element, let digits):
            line(element, digits.isEmpty ? "gets no input" : "reads \(digits)")
        case .request(let record):
            spinner?.stop()
            line(record.element, Self.summary(method: record.method, url: record.url, status: record.status, error: record.error,
                                              milliseconds: record.milliseconds, attempts: record.attempts))
            for hop in record.redirects { line(record.element, "  redirected to \(hop)") }
        case .set(let element, let property, let value):
            line(element, "sets \(property) = \(value)")
        case .branch(let element, let goto):
            line(element, "goes to \(goto)")
        case .transfer(let element, let to):
            line(element, "transfers the call to \(to)")
        case .alert(let element, let to, let error):
            line(element, error.map { "alert mail \($0)" } ?? "mails an alert to \(to.joined(separator: ", "))")
        case .warning(let element, let message):
            line(element, "warning: \(message)")
        case .end(let resultCode):
            spinner?.stop()
            print("Call ended: \(Terminal.printable(resultCode))")
        }
    }

    func write(_ report: WorkflowReport) {
        switch report {
        case .recorded(let run, let workflow, let trigger, _):
            print(Terminal.printable("Workflow \(workflow) runs on \(trigger.rawValue) (run \(run))"))
        case .spooled(let run, let workflow, let reason):
            print(Terminal.printable("Workflow \(workflow) waits in this machine's spool (run \(run)): the state store did not record it (\(reason)); it runs once the store answers"))
        case .resumed(let run, let workflow, let from):
            print(Terminal.printable("Workflow \(workflow) resumed at action \(from + 1) (run \(run))"))
        case .action(_, _, let outcome):
            let summary = outcome.url.isEmpty && outcome.attempts == 0
                ? "failed: \(outcome.error ?? "")"
                : Self.summary(method: outcome.method, url: outcome.url, status: outcome.status, error: outcome.error,
                               milliseconds: outcome.milliseconds, attempts: outcome.attempts)
            line("  " + outcome.action, "\(outcome.type) \(summary)")
        case .finished(_, let workflow, let state, let error):
            print(Terminal.printable("Workflow \(workflow) \(state.rawValue)" + (error.map { ": \($0)" } ?? "")))
        case .warning(let message):
            print(Terminal.printable("warning: \(message)"))
        }
    }

    /// One request in a line: `GET URL → 200, 6 ms` or `… → failed: ERROR, 4 ms, 2 attempts`.
    static func summary(method: String, url: String, status: Int, error: String?, milliseconds: Int, attempts: Int) -> String {
        var text = "\(method) \(url) → "
        if let error {
            // "HTTP status 404" already names the status.
            text += "failed: \(error)" + (status > 0 && !error.hasPrefix("HTTP status") ? " (status \(status))" : "")
        } else {
            text += "\(status)"
        }
        text += ", \(milliseconds) ms"
        if attempts > 1 { text += ", \(attempts) attempts" }
        return text
    }

    /// One line, whatever the flow's values hold: a value from an API cannot move the cursor,
    /// clear the screen or start a line that looks like another element's.
    private func line(_ element: String, _ text: String) {
        print(Terminal.printable("\(element.padding(to: 14)) \(text)"))
    }
}

/// A one-line progress indicator on standard error.
final class Spinner: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ message: String) {
        stop()
        let frames = ["|", "/", "-", "\\"]
        task.withLock {
            $0 = Task {
                var index = 0
                while !Task.isCancelled {
                    Terminal.errorInline("\r\(frames[index % frames.count]) \(message)")
                    index += 1
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    func stop() {
        task.withLock {
            guard let running = $0 else { return }
            running.cancel()
            $0 = nil
            Terminal.errorInline("\r\u{1B}[K")
        }
    }
}

/// CollectInput answers: the `--input` values in order, then a person at the terminal if there
/// is one, else no input.
actor ConsoleCaller: Caller {
    private var scripted: [String]
    private let asksTerminal: Bool

    init(_ scripted: [String], asksTerminal: Bool) {
        self.scripted = scripted
        self.asksTerminal = asksTerminal
    }

    /// The `--input` values no CollectInput asked for.
    var unused: [String] { scripted }

    func collect(element: String, prompt: Prompt, rules: DigitRules) -> String? {
        if !scripted.isEmpty { return scripted.removeFirst() }
        guard asksTerminal else { return nil }
        Terminal.errorInline("\(element): enter digits (empty for no input): ")
        guard let line = readLine(), !line.isEmpty else { return nil }
        return line
    }
}
