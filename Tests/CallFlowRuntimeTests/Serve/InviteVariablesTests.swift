import Testing
@testable import FlowsCommand

/// A SIP call's variables from its INVITE's headers.
@Suite struct InviteVariablesTests {
    @Test func headersSetVariablesAsTheOptionsDo() {
        let variables = InviteVariables(to: "+442071234567", from: "anonymous", headers: [
            ("X-Call-Leadid", "42"), ("x-call-WAITING_TIME", "30"), ("X-Call-Phonenum", "+441234567890"),
            ("X-Contact-Tags", "vip,new"), ("X-Contact-Custom_Fields.Tier", "gold"), ("X-Contact-Name", "Ann"),
            ("X-Call-Shoesize", "44"), ("X-Call-Waiting_time", "soon"), ("X-Contact-Nope", "1"),
        ])
        #expect(variables.call.dnis == "+442071234567")
        // anonymous is no number, and an explicit X-Call-Phonenum wins anyway.
        #expect(variables.call.phonenum == "+441234567890")
        #expect(variables.call.leadid == "42" && variables.call.waiting_time == 30)
        #expect(variables.contact.tags == ["vip", "new"] && variables.contact.name == "Ann")
        #expect(variables.contact.customField("Tier") == "gold")
        #expect(variables.ignored == [
            "X-Call-Shoesize: no call variable Shoesize",
            "X-Call-Waiting_time: `soon` is not a number",
            "X-Contact-Nope: no contact variable Nope",
        ])
        #expect(InviteVariables(to: "DtmfMenu", from: "anonymous", headers: []).call.phonenum == "")
    }
}
