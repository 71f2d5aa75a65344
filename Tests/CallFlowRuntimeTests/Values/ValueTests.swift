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
        #expect(Encoding.sipUserEncoded("+44 20;ext=7@x<y>é") == "+44%2020;ext=7%40x%3Cy%3E%C3%A9")
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

    /// How a response is held for a declared `Result`: checked in the shape's order (the first
    /// path that differs is the error), then only the declared keys, in declared order.
    @Test func resultShapesDecodeToTheDeclaredKeys() throws {
        let shape = ResultShape.object([
            .init("id", .integer), .init("owner", .optional(.object([.init("email", .string)]))),
            .init("items", .array(.object([.init("n", .number), .init("ok", .boolean)]))), .init("note", .optional(.string)),
        ])
        let json = try JSONParser.parse(#"{"extra": 1, "items": [{"ok": true, "n": 2.5, "x": 0}], "id": 7, "owner": {"email": "a@b.c", "name": "A"}}"#)
        let decoded = try shape.decoded(json)
        #expect(decoded.compactText == #"{"id":7,"owner":{"email":"a@b.c"},"items":[{"n":2.5,"ok":true}],"note":null}"#)
        #expect(decoded.flowMember("id")?.flowInteger == 7)
        #expect(decoded.flowMember("items")?.flowElement(at: 0)?.flowMember("n")?.flowNumber == 2.5)
        #expect(decoded.flowMember("items")?.flowElement(at: 0)?.flowMember("ok")?.flowBoolean == true)
        #expect(decoded.flowMember("owner")?.flowMember("email")?.flowString == "a@b.c")
        #expect(decoded.flowMember("note")?.flowString == nil)
        for (text, error) in [
            (#"{"id": 1.5}"#, "`id` is a number, expected an integer"),
            (#"{"id": 1, "items": [{"n": 1, "ok": true}, {"n": "2", "ok": true}]}"#, "`items.1.n` is text, expected a number"),
            (#"{"id": 1, "owner": {"email": null}, "items": []}"#, "`owner.email` is null, expected text"),
            (#"[]"#, "is a list, expected an object"),
        ] {
            #expect(throws: ResponseShapeError.self) { try shape.decoded(try JSONParser.parse(text)) }
            do { _ = try shape.decoded(try JSONParser.parse(text)) } catch let failure as ResponseShapeError {
                #expect(failure.description == "Response structure changed: " + error)
            }
        }
        // An element that declares no Result keeps the response as it came.
        #expect(try RequestElementInfo("Raw").decode(json) == json)
    }

    /// `flows try`'s comparison: every path that differs, not only the first.
    @Test func resultShapesNameEveryDifferingPath() throws {
        let shape = ResultShape.object([
            .init("id", .integer), .init("name", .string), .init("tags", .array(.string)),
            .init("owner", .optional(.object([.init("email", .string)]))), .init("score", .number),
        ])
        let json = try JSONParser.parse(#"{"id": 1.5, "tags": ["a", 2], "owner": {"email": null}, "score": 3, "extra": true}"#)
        #expect(shape.differences(from: json).map(\.description) == [
            "`id`: declared integer, received a number 1.5",
            "`name`: declared string, received nothing (the key is missing)",
            "`tags.1`: declared string, received a number 2",
            "`owner.email`: declared string, received null",
        ])
        #expect(shape.differences(from: try JSONParser.parse(#"{"id": 1, "name": "n", "tags": [], "score": 0.5}"#)) == [])
        #expect(ResultShape.array(.integer).differences(from: .object([])).map(\.description) == ["`(the response)`: declared [integer], received an object"])
        // What an earlier result is taken to be from the parts given.
        #expect(shape.filled(with: try JSONParser.parse(#"{"name": "Ann"}"#)).compactText == #"{"id":0,"name":"Ann","tags":[],"owner":null,"score":0}"#)
    }

    @Test func givenValuesAreReadAsTheirTypesAndUnknownOnesNamed() {
        let values = GivenValues([("Count", "3"), ("Bad", "x"), ("Flag", "true"), ("Fetch.Result.owner.email", "a@b"), ("Fetch.Result.id", "7"),
                                  ("Typo", "1")])
        #expect(values.number("Count") == 3)
        #expect(values.number("Bad") == nil)
        #expect(values.boolean("Flag") == true)
        #expect(values.text("Missing") == nil)
        let shape = ResultShape.object([.init("id", .integer), .init("owner", .object([.init("email", .string)]))])
        let result = values.result(of: RequestElementInfo("Fetch", result: shape))
        #expect(result?.compactText == #"{"id":7,"owner":{"email":"a@b"}}"#)
        #expect(values.problems == ["--set Bad=x: Bad is a number"])
        #expect(values.unused == ["Typo"])
        #expect(values.provides("Fetch.Result.owner") && values.provides("Fetch.Result.owner.email.x") && !values.provides("Other"))
    }

    @Test func redactionReplacesEveryOccurrenceOfEveryForm() {
        let redact = Redactor(secrets: ["s3cr et", "aa"])
        #expect(redact("x s3cr et y s3cr%20et z s3cr+et") == "x *** y *** z ***")
        #expect(redact("aaa") == "***a")
        #expect(redact("é aa é s3cr et") == "é *** é ***")
        #expect(redact("s3cr e") == "s3cr e")
        #expect(redact("") == "")
    }
}
