/// A SARIF 2.1.0 log of one `flowc check` run: every diagnostic code as a rule, every
/// diagnostic as a result located at its file, line and column.
struct SARIFLog {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    static let informationURI = "https://github.com/callflow/callflow/blob/main/docs/diagnostics.md"

    let diagnostics: [Diagnostic]

    func render() -> String {
        let rules = DiagnosticCode.allCases.map { code in
            JSONText.object([
                ("id", JSONText.string(code.rawValue)),
                ("name", JSONText.string(Self.ruleName(code))),
                ("shortDescription", JSONText.object([("text", JSONText.string(code.summary))])),
                ("helpUri", JSONText.string(Self.informationURI + "#" + code.rawValue)),
                ("defaultConfiguration", JSONText.object([("level", JSONText.string(code.severity.rawValue))])),
            ])
        }
        let ruleIndex = Dictionary(uniqueKeysWithValues: DiagnosticCode.allCases.enumerated().map { ($1, $0) })
        let results = diagnostics.map { diagnostic in
            var message = diagnostic.message
            for note in diagnostic.notes { message += "\n" + note }
            return JSONText.object([
                ("ruleId", JSONText.string(diagnostic.code.rawValue)),
                ("ruleIndex", String(ruleIndex[diagnostic.code]!)),
                ("level", JSONText.string(diagnostic.severity.rawValue)),
                ("message", JSONText.object([("text", JSONText.string(message))])),
                ("locations", JSONText.array([JSONText.object([
                    ("physicalLocation", JSONText.object([
                        ("artifactLocation", JSONText.object([("uri", JSONText.string(Self.uri(diagnostic.file)))])),
                        ("region", JSONText.object([
                            ("startLine", String(diagnostic.location.line)),
                            ("startColumn", String(diagnostic.location.column)),
                        ])),
                    ])),
                ])])),
            ])
        }
        let driver = JSONText.object([
            ("name", JSONText.string("flowc")),
            ("informationUri", JSONText.string(Self.informationURI)),
            ("rules", JSONText.array(rules)),
        ])
        let run = JSONText.object([
            ("tool", JSONText.object([("driver", driver)])),
            ("columnKind", JSONText.string("unicodeCodePoints")),
            ("results", JSONText.array(results)),
        ])
        return JSONText.object([
            ("$schema", JSONText.string(Self.schema)),
            ("version", JSONText.string("2.1.0")),
            ("runs", JSONText.array([run])),
        ])
    }

    /// `unknown-field` → `UnknownField`, SARIF's readable rule name.
    static func ruleName(_ code: DiagnosticCode) -> String {
        code.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A relative URI reference for a path: percent-encodes what a URI cannot hold as is.
    static func uri(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "/-._~".contains(character) {
                out.append(character)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
