import Testing
@testable import CallFlowCompiler

/// Keys are looked up in the mapping itself, by a one-byte summary of the first eight keys and
/// a scan of the rest; these flows put keys where a wrong lookup would show.
@Suite struct MappingEntriesTests {
    private func request(_ keys: String) throws -> APIRequest {
        let text = """
        Flow: Lookup
        Elements:
          - \(keys)
          - Name: Failed
            Type: Hangup
        """
        let result = FlowCompiler.check([.init(path: "f.yaml", text: text)])
        #expect(result.diagnostics.map { "\($0)" } == [])
        let element = try #require(result.flows.first?.elements.first)
        guard case .apiRequest(let request) = element.kind else { throw LookupFailure() }
        return request
    }

    private struct LookupFailure: Error {}

    @Test func keysWithTheSameSummaryAreToldApart() throws {
        // `Results` and `Retries` have the same length, first and last byte.
        let request = try request("""
            {Name: Get, Type: APIRequest, URL: "https://x.example/a", Result: {id: string}, Results: {Id: id}, Retries: 2}
            """)
        #expect(request.retries == 2)
        #expect(request.results.map(\.property) == ["Id"])
    }

    @Test func keysAfterTheEighthAreFound() throws {
        let request = try request("""
            {Name: Get, Type: APIRequest, Description: d, Next: Failed, ResultCode: OK, AgentsCanSee: true, Action: POST, Retries: 1,
               Timeout: 30, OnFailure: Failed, URL: "https://x.example/<<call.leadid>>"}
            """)
        #expect(request.timeout == 30 && request.retries == 1 && request.method == .post)
        #expect(request.onFailure?.name == "Failed")
        #expect(request.url.fillpoints.map { PathSegment.describe($0.path) } == ["call.leadid"])
    }

    @Test func aRequiredKeyAfterTheEighthIsNotReportedMissing() throws {
        let text = """
        Flow: Lookup
        Elements:
          - {Name: Get, Type: APIRequest, Description: d, Next: Done, ResultCode: OK, AgentsCanSee: true, Action: GET, Retries: 1, Timeout: 5, URL: "https://x.example"}
          - {Name: Done, Type: Hangup, Bogus: 1}
        """
        #expect(FlowCompiler.check([.init(path: "f.yaml", text: text)]).diagnostics.map { "\($0)" } == [
            "f.yaml:4:32: error: unknown key `Bogus` for `Done` (Hangup) [unknown-key]",
        ])
    }
}
