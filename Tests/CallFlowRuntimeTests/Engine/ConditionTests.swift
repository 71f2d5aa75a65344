import Testing
@testable import CallFlowRuntime

@Suite struct ConditionTests {
    @Test func operands() {
        #expect(Operand.equals.holds(BranchValue("gold" as String?), "gold"))
        #expect(Operand.equals.holds(BranchValue(100 as Int?), "100.0"))
        #expect(Operand.notEquals.holds(BranchValue("a" as String?), "b"))
        #expect(Operand.contains.holds(BranchValue(["vip", "new"] as [String]?), "vip"))
        #expect(!Operand.contains.holds(BranchValue(["vip"] as [String]?), "vi"))
        #expect(Operand.contains.holds(BranchValue("golden" as String?), "old"))
        #expect(Operand.startsWith.holds(BranchValue("+44 20" as String?), "+44"))
        #expect(Operand.endsWith.holds(BranchValue("file.wav" as String?), ".wav"))
        #expect(Operand.greaterThan.holds(BranchValue("120" as String?), "100"))
        #expect(!Operand.greaterThan.holds(BranchValue("abc" as String?), "100"))
        #expect(Operand.lessOrEqual.holds(BranchValue(2.5 as Double?), "2.5"))
        #expect(Operand.isEmpty.holds(BranchValue(nil as String?)))
        #expect(Operand.isEmpty.holds(BranchValue([] as [String]?)))
        #expect(Operand.isNotEmpty.holds(BranchValue("x" as String?)))
        #expect(Operand.matches.holds(BranchValue("12345" as String?), "^[0-9]+$"))
        #expect(!Operand.matches.holds(BranchValue("12a" as String?), "^[0-9]+$"))
        #expect(Operand.equals.holds(BranchValue(true as Bool?), "true"))
    }

    @Test func onlyLoopbackMayUsePlainHTTP() {
        #expect(RequestBuilder.isAllowed("https://api.example.com/x"))
        #expect(RequestBuilder.isAllowed("http://127.0.0.1:8080/x"))
        #expect(RequestBuilder.isAllowed("http://localhost/x"))
        #expect(RequestBuilder.isAllowed("http://[::1]:80/x"))
        #expect(!RequestBuilder.isAllowed("http://example.com/x"))
        #expect(!RequestBuilder.isAllowed("http://127.0.0.1.example.com/x"))
        #expect(!RequestBuilder.isAllowed("ftp://127.0.0.1/x"))
        #expect(RequestBuilder.isAllowed("HTTPS://API.example.com/x"))
        #expect(RequestBuilder.isAllowed("HTTP://LocalHost:9/x"))
        #expect(RequestBuilder.isAllowed("http://user:pw@127.0.0.1/x"))
        #expect(!RequestBuilder.isAllowed("http://127.0.0.1@example.com/x"))
        #expect(!RequestBuilder.isAllowed("http://127.0.0.1:80@example.com/x"))
        #expect(!RequestBuilder.isAllowed("http://[::2]/x"))
        #expect(!RequestBuilder.isAllowed("http:/"))
    }
}
