/// The call variables of FLOW-LANGUAGE.md §4. A value the call does not provide is empty text
/// (0 for `waiting_time`).
public struct CallVariables: Sendable, Equatable {
    public var referenceid = "", name = "", name2 = "", address = "", city = "", postalcode = ""
    public var phonenum = "", leadid = "", dnis = "", campaignid = "", listid = "", external_number = ""
    public var uuid = "", agent_id = "", agent_email = ""
    public var waiting_time: Double = 0

    public static let names = ["referenceid", "name", "name2", "address", "city", "postalcode", "phonenum", "leadid", "dnis",
                               "campaignid", "listid", "external_number", "uuid", "agent_id", "agent_email", "waiting_time"]

    public init() {}

    /// Sets a variable from `KEY=VALUE` text; false for an unknown key or a bad number.
    public mutating func set(_ key: String, _ value: String) -> Bool {
        switch key {
        case "referenceid": referenceid = value
        case "name": name = value
        case "name2": name2 = value
        case "address": address = value
        case "city": city = value
        case "postalcode": postalcode = value
        case "phonenum": phonenum = value
        case "leadid": leadid = value
        case "dnis": dnis = value
        case "campaignid": campaignid = value
        case "listid": listid = value
        case "external_number": external_number = value
        case "uuid": uuid = value
        case "agent_id": agent_id = value
        case "agent_email": agent_email = value
        case "waiting_time":
            guard let number = Double(value) else { return false }
            waiting_time = number
        default: return false
        }
        return true
    }

    /// The variable `name` as text (`waiting_time` in its shortest form); empty for an unknown name.
    public func text(_ name: String) -> String {
        switch name {
        case "referenceid": referenceid
        case "name": self.name
        case "name2": name2
        case "address": address
        case "city": city
        case "postalcode": postalcode
        case "phonenum": phonenum
        case "leadid": leadid
        case "dnis": dnis
        case "campaignid": campaignid
        case "listid": listid
        case "external_number": external_number
        case "uuid": uuid
        case "agent_id": agent_id
        case "agent_email": agent_email
        case "waiting_time": FlowText.number(waiting_time)
        default: ""
        }
    }
}

/// The contact variables of FLOW-LANGUAGE.md §4.
public struct ContactVariables: Sendable, Equatable {
    public var name = "", id = "", title = "", company = "", industry = "", address = "", city = ""
    public var zip = "", state = "", type = ""
    public var tags: [String] = [], emails: [String] = []
    public var custom_fields: [String: String] = [:]

    public static let names = ["name", "id", "title", "company", "industry", "address", "city", "zip", "state", "type",
                               "tags", "emails", "custom_fields.NAME"]

    public init() {}

    /// Sets a variable from `KEY=VALUE` text (`tags` and `emails` comma-separated,
    /// `custom_fields.NAME` one field); false for an unknown key.
    public mutating func set(_ key: String, _ value: String) -> Bool {
        let list = value.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        switch key {
        case "name": name = value
        case "id": id = value
        case "title": title = value
        case "company": company = value
        case "industry": industry = value
        case "address": address = value
        case "city": city = value
        case "zip": zip = value
        case "state": state = value
        case "type": type = value
        case "tags": tags = list
        case "emails": emails = list
        default:
            guard key.hasPrefix("custom_fields."), key.count > "custom_fields.".count else { return false }
            custom_fields[String(key.dropFirst("custom_fields.".count))] = value
        }
        return true
    }

    /// `custom_fields.NAME`: empty text where the contact has no such field.
    public func customField(_ name: String) -> String { custom_fields[name] ?? "" }
}

extension String {
    /// Without leading and trailing white space (line breaks included).
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
