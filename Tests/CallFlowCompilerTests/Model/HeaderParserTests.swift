import Testing
@testable import CallFlowCompiler

@Suite struct HeaderParserTests {
    /// The headers of a Header string as `name=value` (values as written), or the first error.
    private func parse(_ header: String) -> [String] {
        let sink = DiagnosticSink(file: "t.yaml")
        let yaml = "h: '\(header.replacingOccurrences(of: "'", with: "''"))'"
        // The nodes are valid while the loader's result lives.
        let loaded = YAMLLoader.load(Array(yaml.utf8), file: "t.yaml")
        let headers = withExtendedLifetime(loaded) {
            let node = loaded.documents[0].pairs![0].value
            return HeaderParser(sink: sink).parse(node, key: node.location)
        }
        if let problem = sink.diagnostics.first { return ["error: \(problem.message)"] }
        return headers!.map { header in
            "\(header.name)=" + header.value.parts.map { part in
                switch part {
                case .text(let text): text
                case .fillpoint(let fillpoint): "<<\(fillpoint.source)>>"
                }
            }.joined()
        }
    }

    @Test func aCommaStartsAHeaderOnlyBeforeAHeaderName() {
        #expect(parse("Content-Type: application/json, Authorization: Basic <<secrets.X>>")
                == ["Content-Type=application/json", "Authorization=Basic <<secrets.X>>"])
        #expect(parse("Accept: text/html, application/json") == ["Accept=text/html, application/json"])
        #expect(parse("Accept: a, b;q=0.5, X-Id: 7") == ["Accept=a, b;q=0.5", "X-Id=7"])
    }

    @Test func fillpointsAreOpaque() {
        #expect(parse("X-A: <<a ?? \"b, C: d\">>, X-B: 2") == ["X-A=<<a ?? \"b, C: d\">>", "X-B=2"])
    }

    @Test func spacesAreTrimmedAndEmptyPartsIgnored() {
        #expect(parse("  X-A :  1  ,   X-B:2") == ["X-A=1", "X-B=2"])
        #expect(parse("") == [])
    }

    @Test func invalidHeaders() {
        #expect(parse("no colon here") == ["error: `no colon here` is not a header; write `Name: value`, with headers separated by commas"])
        #expect(parse("Bad Name: x") == ["error: `Bad Name` is not a valid header name; a name is letters, digits and !#$%&'*+-.^_`|~ only"])
        #expect(parse(": x") == ["error: `` is not a valid header name; a name is letters, digits and !#$%&'*+-.^_`|~ only"])
    }

    @Test func tokenCharacters() {
        #expect(HeaderParser.isValidName("X-Custom_Header.v2~!#$%&'*+^`|"))
        #expect(!HeaderParser.isValidName("X Header"))
        #expect(!HeaderParser.isValidName("X:Y"))
        #expect(!HeaderParser.isValidName(""))
    }
}
