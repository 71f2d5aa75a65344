import Synchronization
import Testing
@testable import CallFlowRuntime
@testable import FlowsCommand

/// The readable transcript of `flows run`: one line an event, whatever the values hold.
@Suite struct TranscriptTests {
    final class Lines: Sendable {
        let list = Mutex<[String]>([])
        func append(_ line: String) { list.withLock { $0.append(line) } }
        var all: [String] { list.withLock { $0 } }
    }

    /// A value from an API (spoken, or stored) cannot clear the screen, return the cursor or
    /// start a line that looks like another element's.
    @Test func controlCharactersInValuesAreEscaped() {
        let lines = Lines()
        let output = TranscriptOutput(showsProgress: false, print: { lines.append($0) })
        output.write(.say(element: "ReadBack", text: "Your field is \u{1B}[2Jgold\rDone           says \"fake\"\nx"))
        output.write(.set(element: "Store", property: "LeadField", value: "a\tb\u{7}"))
        output.write(.request(CallEvent.RequestRecord(element: "GET", method: "GET", url: "http://127.0.0.1/a", redirects: ["http://127.0.0.1/b"],
                                                      status: 200, attempts: 1, milliseconds: 3, error: nil)))
        #expect(lines.all == [
            #"ReadBack       says "Your field is \x1B[2Jgold\rDone           says "fake"\nx""#,
            #"Store          sets LeadField = a\tb\x07"#,
            "GET            GET http://127.0.0.1/a → 200, 3 ms",
            "GET              redirected to http://127.0.0.1/b",
        ])
    }
}
