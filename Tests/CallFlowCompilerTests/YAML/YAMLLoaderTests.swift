import Testing
@testable import CallFlowCompiler

@Suite struct YAMLLoaderTests {
    private func load(_ text: String) -> YAMLLoader.Result {
        YAMLLoader.load(Array(text.utf8), file: "t.yaml")
    }

    @Test func keysAndValuesKeepOneBasedPositions() throws {
        let result = load("a: 1\nlist:\n  - x\n  - {k: v}\n")
        #expect(result.diagnostics.isEmpty)
        let pairs = try #require(result.documents.first?.pairs)
        #expect(pairs.map { "\($0.key.text!)@\($0.key.location.line):\($0.key.location.column)" } == ["a@1:1", "list@2:1"])
        #expect(pairs[0].value.location.column == 4)
        let items = try #require(pairs[1].value.items)
        #expect(items[0].location.line == 3 && items[0].location.column == 5)
        #expect(items[1].pairs?.first?.key.location.column == 6)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let result = load("é: \"ä <<x>>\"\n")
        let value = try #require(result.documents.first?.pairs?.first?.value)
        #expect(value.location.column == 4)
        #expect(value.scalar?.markerLocations.map(\.column) == [7])
    }

    @Test func markerLocationsInEveryScalarStyle() throws {
        let text = """
            plain: a <<x>> b <<y>>
            single: 'it''s <<x>>'
            double: "tab\\t<<x>>"
            literal: |
              first line
                <<x>> indented
            folded: >
              one
              two <<x>>
            """
        let result = load(text)
        let pairs = try #require(result.documents.first?.pairs)
        let markers = pairs.map { $0.value.scalar!.markerLocations.map { "\($0.line):\($0.column)" } }
        #expect(markers == [["1:10", "1:18"], ["2:16"], ["3:15"], ["6:5"], ["9:7"]])
    }

    @Test func escapesThatHideAMarkerFallBackToTheScalarStart() throws {
        // `\x3c` decodes to `<`: the raw text has no `<<` where the value has one.
        let result = load("a: \"\\x3c\\x3cb>>\"\n")
        let scalar = try #require(result.documents.first?.pairs?.first?.value.scalar)
        #expect(scalar.value == "<<b>>")
        #expect(scalar.markerLocations.isEmpty)
    }

    @Test func duplicateKeysAreReported() {
        let result = load("a: 1\nb: 2\na: 3\n")
        #expect(result.diagnostics.map(\.description) == ["t.yaml:3:1: error: duplicate key `a` in this mapping [yaml-syntax]"])
        #expect(result.diagnostics.first?.notes == ["`a` is first set at t.yaml:1:1; remove one of them"])
    }

    @Test func duplicateKeysInLargeMappingsAreReported() {
        var text = ""
        for index in 0..<40 { text += "k\(index): \(index)\n" }
        text += "k7: again\n"
        #expect(load(text).diagnostics.map(\.description) == ["t.yaml:41:1: error: duplicate key `k7` in this mapping [yaml-syntax]"])
    }

    @Test func syntaxErrorsPointAtTheConstructThatWentWrong() {
        let result = load("a: [1, 2\nb: 3\n")
        #expect(result.diagnostics.map(\.description) == [
            "t.yaml:1:4: error: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence [yaml-syntax]",
        ])
        #expect(result.diagnostics.first?.notes == ["the parser noticed it at t.yaml:2:2"])
        #expect(result.documents.isEmpty)
    }

    @Test func tabIndentationIsASyntaxError() {
        let result = load("a:\n\tb: 1\n")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.code == .yamlSyntax)
        #expect(result.diagnostics.first?.location.line == 2)
        #expect(result.diagnostics.first?.notes == ["this is a tab; YAML indents with spaces only"])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let text = """
            base: &base {Action: GET, Timeout: 5}
            copy: *base
            merged:
              <<: *base
              Timeout: 9
            """
        let result = load(text)
        #expect(result.diagnostics.isEmpty)
        let pairs = try #require(result.documents.first?.pairs)
        #expect(pairs[1].value.pairs?.map { $0.key.text! } == ["Action", "Timeout"])
        let merged = try #require(pairs[2].value.pairs)
        #expect(merged.map { "\($0.key.text!)=\($0.value.text!)" } == ["Timeout=9", "Action=GET"])
    }

    @Test func unknownAliasIsReported() {
        let result = load("a: *nowhere\n")
        #expect(result.diagnostics.map(\.description) == ["t.yaml:1:4: error: the alias `*nowhere` names no anchor defined before it [yaml-syntax]"])
    }

    @Test func aliasExpansionIsBounded() {
        // "Billion laughs": each level doubles ten times over.
        var text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let result = load(text)
        #expect(result.diagnostics.first?.message == "aliases expand to more than 1000000 nodes")
        #expect(result.documents.isEmpty)
    }

    @Test func nestingIsBounded() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let result = load(text)
        #expect(result.diagnostics.map(\.message) == ["the YAML nests more than 256 levels deep"])
    }

    @Test func invalidUTF8IsASyntaxErrorAtItsLine() {
        var bytes = Array("a: ok\nb: ".utf8)
        bytes += [0xFF, 0xFE, 0x41]
        let result = YAMLLoader.load(bytes, file: "t.yaml")
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.code == .yamlSyntax)
        #expect(result.diagnostics.first?.location.line == 2)
    }

    /// The loader's buffers start at a size a flow file does not outgrow; aliases (a node for
    /// every four bytes here) and escapes that decode longer than they are written (`\L` is
    /// three bytes of UTF-8) outgrow it, and the tree must read the same after growing.
    @Test func nodesReadRightAfterTheBuffersGrow() throws {
        let aliases = "a: &a x\nb: [" + Array(repeating: "*a", count: 1000).joined(separator: ", ") + "]\n"
        let result = load(aliases)
        #expect(result.diagnostics.isEmpty)
        let items = try #require(result.documents.first?.pairs?[1].value.items)
        #expect(items.count == 1000)
        #expect(items.allSatisfy { $0.text == "x" })
        #expect(items.map(\.location.column).prefix(3) == [5, 9, 13])
        #expect(items[999].location.column == 5 + 4 * 999)

        let escapes = load("a: \"" + String(repeating: "\\L", count: 500) + "\"\nb: after\n")
        #expect(escapes.diagnostics.isEmpty)
        let pairs = try #require(escapes.documents.first?.pairs)
        #expect(pairs[0].value.text == String(repeating: "\u{2028}", count: 500))
        #expect(pairs[1].value.text == "after")
        #expect(pairs[1].value.location.line == 2)
    }

    @Test func severalDocumentsAreKept() {
        #expect(load("a: 1\n---\nb: 2\n").documents.count == 2)
    }
}
