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
        #expect(Encoding.bodyValue([.value("12")], text: "12", format: .auto) == .number(12))
        #expect(Encoding.bodyValue([.value("true")], text: "true", format: .auto) == .bool(true))
        #expect(Encoding.bodyValue([.value("null")], text: "null", format: .auto) == .null)
        #expect(Encoding.bodyValue([.value("0x10")], text: "0x10", format: .auto) == .string("0x10"))
        #expect(Encoding.bodyValue([.value(" 1")], text: " 1", format: .auto) == .string(" 1"))
        #expect(Encoding.bodyValue([.value("12")], text: "12", format: .string) == .string("12"))
        #expect(Encoding.bodyValue([.value("yes")], text: "yes", format: .boolean) == .bool(true))
        #expect(Encoding.bodyValue([.value("")], text: "", format: .boolean) == .bool(false))
        #expect(Encoding.bodyValue([.json(.array([.string("a")]))], text: "", format: .auto) == .array([.string("a")]))
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
