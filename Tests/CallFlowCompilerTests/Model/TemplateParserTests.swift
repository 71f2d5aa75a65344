import Testing
@testable import CallFlowCompiler

@Suite struct TemplateParserTests {
    private let location = SourceLocation(line: 1, column: 1)

    private func paths(_ inner: String) -> ([PathSegment], Fallback?)? {
        let sink = DiagnosticSink(file: "t.yaml")
        return TemplateParser(sink: sink).parseFillpoint(inner, at: location).map { ($0.path, $0.fallback) }
    }

    private func failure(_ inner: String) -> String? {
        let sink = DiagnosticSink(file: "t.yaml")
        _ = TemplateParser(sink: sink).parseFillpoint(inner, at: location)
        return sink.diagnostics.first?.message
    }

    @Test func dottedPathsIndexesAndQuotedKeys() {
        #expect(paths("GETAPI.Result.status.0")?.0 == [.name("GETAPI"), .name("Result"), .name("status"), .index(0)])
        #expect(paths(" a . \"Monthly Revenue\" ")?.0 == [.name("a"), .key("Monthly Revenue")])
        #expect(paths("a[\"b c\"][2].d")?.0 == [.name("a"), .key("b c"), .index(2), .name("d")])
        #expect(paths("a.\"say \\\"hi\\\"\"")?.0 == [.name("a"), .key("say \"hi\"")])
    }

    @Test func fallbacks() {
        #expect(paths("LeadField ?? \"none\"")?.1 == .text("none"))
        #expect(paths("a.b??0")?.1 == .number("0"))
        #expect(paths("a ?? -2.5")?.1 == .number("-2.5"))
        #expect(paths("a ?? \">>\"")?.1 == .text(">>"))
    }

    @Test func malformedPaths() {
        #expect(failure("a..b") == "malformed fillpoint `<<a..b>>`: the path has an empty step")
        #expect(failure("a.") == "malformed fillpoint `<<a.>>`: the path ends with an empty step")
        #expect(failure("a[b]") == "malformed fillpoint `<<a[b]>>`: a `[...]` step takes a number or a quoted key, not `b`")
        #expect(failure("a[0") == "malformed fillpoint `<<a[0>>`: expected `]`")
        #expect(failure("a b") == "malformed fillpoint `<<a b>>`: unexpected `b`")
        #expect(failure("a: b") == "malformed fillpoint `<<a: b>>`: unexpected `:`; a fillpoint path joins its steps with `.`")
        #expect(failure("a ??") == "malformed fillpoint `<<a ??>>`: `??` needs a fallback, such as `?? \"\"` or `?? 0`")
        #expect(failure("a ?? none") == "malformed fillpoint `<<a ?? none>>`: the fallback must be quoted text or a number, as in `?? \"none\"` or `?? 0`")
        #expect(failure("\"open") == "malformed fillpoint `<<\"open>>`: a quoted key or fallback is not closed with `\"`")
        #expect(failure("1abc") == "malformed fillpoint `<<1abc>>`: `1abc` is neither a name nor an index; quote a key that starts with a digit")
        #expect(failure("  ") == "empty fillpoint `<<  >>`; write a path such as `<<call.name>>`")
    }

    @Test func templatesSplitTextAndFillpoints() throws {
        let sink = DiagnosticSink(file: "t.yaml")
        let loaded = YAMLLoader.load(Array("t: \"Hi <<call.name>>, <<x ?? \\\"a>>b\\\">>!\"".utf8), file: "t.yaml")
        let template = try #require(withExtendedLifetime(loaded) { TemplateParser(sink: sink).parse(loaded.documents[0].pairs![0].value) })
        #expect(sink.diagnostics.isEmpty)
        #expect(template.fillpoints.map(\.source) == ["call.name", "x ?? \"a>>b\""])
        #expect(template.fillpoints.map(\.location.column) == [8, 23])
        #expect(template.constant == nil)
        #expect(template.soleFillpoint == nil)
    }

    @Test func aSingleLessThanIsText() throws {
        let sink = DiagnosticSink(file: "t.yaml")
        let loaded = YAMLLoader.load(Array("t: a < b > c".utf8), file: "t.yaml")
        let template = withExtendedLifetime(loaded) { TemplateParser(sink: sink).parse(loaded.documents[0].pairs![0].value) }
        #expect(template?.constant == "a < b > c")
    }
}
