import Testing
@testable import CallFlowCompiler

/// Bad input never crashes the compiler: every case ends in diagnostics or a clean check.
@Suite struct RobustnessTests {
    private func check(_ bytes: [UInt8]) -> [Diagnostic] {
        FlowCompiler.check([.init(path: "x.yaml", contents: bytes)], readFile: { _ in nil }).diagnostics
    }

    @Test func emptyFile() {
        #expect(check([]).map(\.code) == [.missingKey])
        #expect(check(Array("   \n\n# only a comment\n".utf8)).map(\.code) == [.missingKey])
    }

    @Test func aListOrAScalarAtTheTop() {
        #expect(check(Array("- Flow: A\n".utf8)).map(\.code) == [.invalidValue])
        #expect(check(Array("just text".utf8)).map(\.code) == [.invalidValue])
    }

    @Test func binaryGarbage() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let bytes = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(!check(bytes).isEmpty)
        }
        #expect(check([0, 0, 0, 0]).map(\.code) == [.yamlSyntax])
    }

    @Test func deepNesting() {
        let flowStyle = Array(("Flow: A\nElements: " + String(repeating: "[", count: 100_000)).utf8)
        #expect(check(flowStyle).map(\.code) == [.yamlSyntax])
        var block = "Flow: Deep\nElements:\n  - Name: A\n    Type: APIRequest\n    URL: https://x.example\n    Result:\n"
        for depth in 0..<300 { block += String(repeating: "  ", count: depth + 3) + "k:\n" }
        #expect(check(Array(block.utf8)).map(\.code) == [.yamlSyntax])
    }

    @Test func aTenMegabyteScalar() {
        let text = String(repeating: "a", count: 10 * 1024 * 1024)
        let yaml = "Flow: Big\nElements:\n  - Name: Say\n    Type: TTS\n    Text: \"\(text) <<call.nam>>\"\n"
        let found = check(Array(yaml.utf8))
        #expect(found.map(\.description) == ["x.yaml:5:\(10 * 1024 * 1024 + 13): error: `call` has no field `nam` [unknown-field]"])
    }

    @Test func tabs() {
        #expect(check(Array("Flow: A\nElements:\n\t- Name: X\n".utf8)).map(\.code) == [.yamlSyntax])
        // A tab inside a value is text, not indentation.
        #expect(check(Array("Flow: A\nElements:\n  - Name: X\n    Type: TTS\n    Text: \"a\tb\"\n".utf8)).isEmpty)
    }

    @Test func anchorsAndAliasesAreResolved() {
        let yaml = """
            Flow: Shared
            Elements:
              - &say
                Name: One
                Type: TTS
                Text: hello
              - <<: *say
                Name: Two
              - Name: Three
                Type: TTS
                Text: *undefined
            """
        #expect(check(Array(yaml.utf8)).map(\.description) == [
            "x.yaml:11:11: error: the alias `*undefined` names no anchor defined before it [yaml-syntax]",
        ])
        #expect(check(Array(yaml.replacingOccurrences(of: "*undefined", with: "bye").utf8)).isEmpty)
    }

    @Test func nonUTF8Bytes() {
        var bytes = Array("Flow: A\nElements:\n  - Name: X\n    Type: TTS\n    Text: ".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        let found = check(bytes)
        #expect(found.map(\.code) == [.yamlSyntax])
        #expect(found.first?.location.line == 5)
    }

    @Test func latin1AndUTF16Input() {
        #expect(check([0x61, 0x3A, 0x20, 0xE9, 0x0A]).map(\.code) == [.yamlSyntax])
        // A UTF-16 byte-order mark: libyaml decodes it; the content is still checked.
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "x: 1\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(!check(utf16).isEmpty)
    }

    @Test func oddButValidYAML() {
        let cases = [
            "Flow: A\nElements:\n  - ? [complex, key]\n    : value\n",
            "Flow: A\nElements:\n  - Name: ~\n    Type: ~\n",
            "Flow: A\nElements:\n  - Name: [a]\n    Type: {b: c}\n",
            "Flow: A\nElements:\n  - !!map {Name: X, Type: Hangup}\n",
            "Flow: [A]\nElements: x\nStart: {a: b}\nSecrets: {a: b}\n",
            "Flow: A\nElements:\n  - {Name: X, Type: Branch, Source: '<<', Default: X}\n",
            "Flow: A\nElements:\n  - {Name: X, Type: Branch, Source: '<<a>> <<b>>', Default: X, Conditions: [1, {Operand: 2}]}\n",
            "Flow: A\nElements:\n  - {Name: X, Type: APIRequest, URL: '', Header: [1], Body: [1], Result: [x], Results: [y], Query: 1}\n",
            "Flow: A\nElements:\n  - {Name: X, Type: APIRequest, URL: 'https://x', Result: {a: {b: [{c: [[string?]]}]}}, Results: {P: 'a.b.0.c.0.0'}}\n",
            "Flow: A\n---\nFlow: B\n",
        ]
        for yaml in cases {
            _ = check(Array(yaml.utf8))
        }
    }
}
