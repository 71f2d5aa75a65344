import Testing
@testable import CallFlowRuntime

@Suite struct ValueTests {
    @Test func jsonRoundTrips() throws {
        let text = #"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"x\"\\\n\u00e9\ud83d\ude00"},"":""}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"] == .array([.number(1), .number(2.5), .number(-300), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("x\"\\\né😀"))
        #expect(value.compactText == #"{"a":[1,2.5,-300,true,false,null],"b":{"c":"x\"\\\né😀"},"":""}"#)
    }

    @Test func invalidJSONIsRejected() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "[1] 2", "\"\u{01}\"", "\"\\ud800\""] {
            #expect(throws: JSONParser.Failure.self, "\(text)") { try JSONParser.parse(text) }
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(String(repeating: "[", count: 10_000)) }
    }

    @Test func valuesAreWrittenAsTheLanguageSays() {
        #expect(FlowText.number(12) == "12")
        #expect(FlowText.number(12.5) == "12.5")
        #expect(FlowText.number(-0.25) == "-0.25")
        #expect(FlowText.number(1e20) == "1e+20")
        #expect(FlowText.text(true as Bool?) == "true")
        #expect(FlowText.text(nil as String?) == "")
        #expect(FlowText.text(["a", "b"] as [String]?) == #"["a","b"]"#)
        #expect(FlowText.text(nil as Int?, fallback: "none") == "none")
        #expect(FlowText.text(JSONValue.null, fallback: "none") == "none")
        #expect(FlowText.text(7 as Int?, fallback: "none") == "7")
    }

    @Test func encodings() {
        #expect(Encoding.percentEncoded("a b/c?d#e&é") == "a%20b%2Fc%3Fd%23e%26%C3%A9")
        #expect(Encoding.formEncoded("a b&c=d+") == "a+b%26c%3Dd%2B")
    }

    /// The JSON text one body value sends (nil: refused), given as text or as one JSON value.
    private func sent(_ text: String, _ format: BodyFormat) -> String? {
        JSONBody.value([.value(text)], text: text, format: format)?.text
    }

    @Test func bodyValuesAsEachFormatSendsThem() {
        #expect(sent("12", .auto) == "12")
        #expect(sent("-12.50", .auto) == "-12.50")
        #expect(sent("true", .auto) == "true")
        #expect(sent("null", .auto) == "null")
        #expect(sent("0x10", .auto) == #""0x10""#)
        #expect(sent(" 1", .auto) == #"" 1""#)
        #expect(sent("12", .string) == #""12""#)
        #expect(sent("yes", .boolean) == "true")
        #expect(sent("", .boolean) == "false")
        #expect(JSONBody.value([.json(.array([.string("a")]))], text: "", format: .auto)?.text == #"["a"]"#)
        // Digits as written: a Double would send 12345678901234568.
        #expect(sent("12345678901234567", .auto) == "12345678901234567")
        #expect(sent("12345678901234567", .number) == "12345678901234567")
        // Not numbers in the contract's sense: an exponent, nan, inf, hex; Auto sends them as text.
        for text in ["1e3", "nan", "inf", "0x10", "Ann", "", "1.", ".5", "--1", "1.2.3"] {
            #expect(sent(text, .number) == nil, "\(text)")
        }
        #expect(sent("1e3", .auto) == #""1e3""#)
        #expect(sent("nan", .auto) == #""nan""#)
        // A leading zero is a code in Auto, a number in Number (JSON has no leading zeros).
        #expect(sent("007", .auto) == #""007""#)
        #expect(sent("007", .number) == "7")
        #expect(sent("-00.5", .number) == "-0.5")
        #expect(sent("0.5", .auto) == "0.5")
    }

    @Test func responseDecodingNamesThePathThatDiffers() {
        let json = try! JSONParser.parse(#"{"items":[{"id":1},{"id":"two"}]}"#)
        do {
            _ = try ResponseDecoding.array(ResponseDecoding.object(json, at: "")["items"], at: "items") { value, path throws(ResponseShapeError) in
                try ResponseDecoding.integer(ResponseDecoding.object(value, at: path)["id"], at: ResponseDecoding.member(path, "id"))
            }
            Issue.record("decoded a wrong shape")
        } catch {
            #expect(error.description == "Response structure changed: `items.1.id` is text, expected an integer")
        }
        #expect(throws: ResponseShapeError.self) { try ResponseDecoding.string(nil, at: "Value") }
    }
}
