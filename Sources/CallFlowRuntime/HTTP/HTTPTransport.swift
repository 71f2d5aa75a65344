/// What sends a call's requests: `HTTPClient` on the network, or a scenario's mocked
/// responses. Retries, the `Timeout` budget, decoding and logging stay in `Call`, so a mocked
/// request goes through all of them like a real one.
public protocol HTTPTransport: Sendable {
    /// Sends one attempt of `element`'s request, giving up after `timeoutMilliseconds`.
    func send(_ request: PreparedRequest, element: String, timeoutMilliseconds: Int) async -> Result<HTTPResponse, HTTPFailure>
}

extension HTTPClient: HTTPTransport {
    public func send(_ request: PreparedRequest, element: String, timeoutMilliseconds: Int) async -> Result<HTTPResponse, HTTPFailure> {
        await send(request, timeoutMilliseconds: timeoutMilliseconds)
    }
}
