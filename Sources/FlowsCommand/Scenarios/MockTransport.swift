import CallFlowCompiler
import CallFlowRuntime
import Synchronization

/// Answers a scenario's requests from its `Responses`, by element: the first attempt gets the
/// first answer, the next the next, and the last answer repeats. Records what was sent.
final class MockTransport: HTTPTransport {
    private let answers: [String: [MockResponse]]
    private let record = Mutex(Record())

    struct Record {
        var attempts: [String: Int] = [:]
        /// Every attempt each element sent, in order.
        var sent: [String: [PreparedRequest]] = [:]
        /// Elements that sent a request the scenario has no answer for, in order.
        var unanswered: [String] = []
    }

    init(_ responses: [Scenario.MockedElement]) {
        var answers: [String: [MockResponse]] = [:]
        for mocked in responses { answers[mocked.element.value] = mocked.answers }
        self.answers = answers
    }

    var sent: Record { record.withLock { $0 } }

    func send(_ request: PreparedRequest, element: String, timeoutMilliseconds: Int) async -> Result<HTTPResponse, HTTPFailure> {
        let answer: MockResponse? = record.withLock { record in
            record.sent[element, default: []].append(request)
            guard let list = answers[element], !list.isEmpty else {
                record.unanswered.append(element)
                return nil
            }
            let attempt = record.attempts[element, default: 0]
            record.attempts[element] = attempt + 1
            return list[min(attempt, list.count - 1)]
        }
        guard let answer else {
            // A workflow's action (`Workflow.Action`) never reaches the network from a scenario.
            let message = element.contains(".") ? "not mocked: the scenario has no response for \(element)" : "Could not connect (the scenario mocks no response for \(element))"
            return .failure(HTTPFailure(message: message, isTransient: false))
        }
        // A timeout takes the attempt's whole budget, as it would on the network.
        if answer.failure == .timeout || answer.delay * 1000 >= Double(timeoutMilliseconds) {
            try? await Task.sleep(for: .milliseconds(timeoutMilliseconds))
            return .failure(HTTPFailure(message: "Timed out (mocked)", isTransient: true))
        }
        if answer.delay > 0 { try? await Task.sleep(for: .seconds(answer.delay)) }
        switch answer.failure {
        case .connection:
            return .failure(HTTPFailure(message: "Could not connect (mocked)", isTransient: true))
        case .closed:
            return .failure(HTTPFailure(message: "The server closed the connection before the response was complete (mocked)", isTransient: true))
        case .timeout, nil:
            var headers = answer.headers.map { HTTPHeader(name: $0.name, value: $0.value) }
            if answer.bodyIsJSON, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                headers.append(HTTPHeader(name: "Content-Type", value: "application/json"))
            }
            return .success(HTTPResponse(status: answer.status, headers: headers, body: Array(answer.body.utf8)))
        }
    }
}
