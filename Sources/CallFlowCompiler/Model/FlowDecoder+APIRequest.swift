extension FlowDecoder {
    func apiRequest(_ entries: Entries, at location: SourceLocation) -> APIRequest? {
        guard let urlEntry = entries["URL"], let url = template(urlEntry) else { return nil }
        // Read in the order this decoder always has: problems at one position keep their order.
        let phrase = entries["Phrase"].flatMap { templateList($0) } ?? []
        let method = entries["Action"].flatMap { choice($0, of: APIRequest.Method.self) } ?? .get
        let timeout = entries["Timeout"].flatMap { int($0, in: 1...60, unit: " of seconds") } ?? 10
        let contentType = entries["ContentType"].flatMap { template($0) }
        let retries = entries["Retries"].flatMap { int($0, in: 0...3) } ?? 0
        let parseResponse = entries["ParseResponse"].flatMap { bool($0) } ?? true
        let successStatus = entries["SuccessStatus"].map { statusList($0) } ?? []
        let onSuccess = entries["OnSuccess"].flatMap { reference($0) }
        let onFailure = entries["OnFailure"].flatMap { reference($0) }
        let fallback = entries["Fallback"].flatMap { choice($0, of: APIRequest.FallbackMode.self) } ?? .continue
        let alertEmail = entries["AlertEmail"].map { emails($0) } ?? []
        let rateLimit = entries["RateLimit"].flatMap { self.rateLimit($0) }

        let headers = entries["Header"].map { self.headers($0) } ?? []
        let query = entries["Query"].map { self.query($0) } ?? []
        let body = entries["Body"].flatMap { self.body($0) }
        var bodyType = APIRequest.BodyType.json
        if case .raw = body { bodyType = .raw }
        if let entry = entries["BodyType"], let chosen = choice(entry, of: APIRequest.BodyType.self) {
            bodyType = chosen
            switch (chosen, body) {
            case (.raw, .fields?):
                sink.report(.invalidValue, at: entry.location, "`BodyType: Raw` sends a string as it is, but `Body` is a mapping; write the body as a string, or use JSON or Form")
            case (.form, .raw?):
                sink.report(.invalidValue, at: entry.location, "`BodyType: Form` encodes a mapping, but `Body` is a string; write the body as a mapping of fields, or use Raw")
            default:
                break
            }
        }
        if let entry = entries["Fallback"], let onFailure {
            sink.report(.invalidValue, at: entry.location, "`Fallback` says what happens on failure when there is no `OnFailure`; this element goes to `\(onFailure.name)` on failure, so remove one of them")
        }

        var result: ValueType?
        var resultLocation: SourceLocation?
        var resultSample: String?
        let resultEntry = entries["Result"], sampleEntry = entries["ResultSample"]
        if let resultEntry {
            result = ResultShapeReader(sink: sink).readObject(resultEntry.value, key: resultEntry.location)
            resultLocation = resultEntry.location
        }
        if let sampleEntry {
            if resultEntry != nil {
                sink.report(.invalidValue, at: sampleEntry.location, "give `Result` or `ResultSample`, not both; `ResultSample` infers the shape that `Result` declares")
            } else if let path = text(sampleEntry) {
                result = sample(path, at: sampleEntry.location)
                resultLocation = sampleEntry.location
                resultSample = resolve(path)
            }
        }
        let results = entries["Results"].map { resultAssignments($0) } ?? []
        return APIRequest(
            phrase: phrase, method: method, methodLocation: entries["Action"]?.location, timeout: timeout,
            url: url, urlLocation: urlEntry.location, headers: headers, headerLocation: entries["Header"]?.location,
            query: query, body: body, bodyLocation: entries["Body"]?.location, bodyType: bodyType,
            contentType: contentType, retries: retries, parseResponse: parseResponse,
            parseResponseLocation: entries["ParseResponse"]?.location, result: result, resultLocation: resultLocation,
            resultSample: resultSample, results: results, successStatus: successStatus, onSuccess: onSuccess, onFailure: onFailure,
            fallback: fallback, alertEmail: alertEmail, rateLimit: rateLimit)
    }

    private func headers(_ entry: Entry) -> [APIRequest.Header] {
        if entry.value.scalar != nil, !entry.value.isNull {
            return HeaderParser(sink: sink).parse(entry.value, key: entry.location) ?? []
        }
        guard let pairs = entry.value.pairs else {
            sink.report(.invalidValue, at: entry.location, "`Header` is a string `\"Name: value, Name: value\"` or a mapping of names to values; found \(entry.value.kindDescription)")
            return []
        }
        var headers: [APIRequest.Header] = []
        for pair in pairs {
            guard let name = pair.key.text, HeaderParser.isValidName(Substring(name)) else {
                sink.report(.invalidHeader, at: pair.key.location, "`\(pair.key.text ?? "")` is not a valid header name; a name is letters, digits and !#$%&'*+-.^_`|~ only")
                continue
            }
            guard let value = template(Entry(key: pair.key, value: pair.value)) else { continue }
            if let constant = value.constant, HeaderParser.hasLineBreak(constant) {
                sink.report(.invalidHeader, at: pair.key.location, "the value of header `\(name)` contains a line break")
                continue
            }
            headers.append(APIRequest.Header(name: name, value: value, location: pair.key.location))
        }
        return headers
    }

    private func query(_ entry: Entry) -> [APIRequest.QueryItem] {
        guard let pairs = entry.value.pairs else {
            sink.report(.invalidValue, at: entry.location, "`Query` is a mapping of parameter names to values; found \(entry.value.kindDescription)")
            return []
        }
        return pairs.compactMap { pair in
            guard let name = pair.key.text, let value = template(Entry(key: pair.key, value: pair.value)) else { return nil }
            return APIRequest.QueryItem(name: name, value: value, location: pair.key.location)
        }
    }

    private func body(_ entry: Entry) -> APIRequest.Body? {
        if entry.value.scalar != nil, !entry.value.isNull {
            return template(entry).map { .raw($0) }
        }
        guard let pairs = entry.value.pairs else {
            sink.report(.invalidValue, at: entry.location, "`Body` is a mapping of fields or a string sent as it is; found \(entry.value.kindDescription)")
            return nil
        }
        var fields: [APIRequest.BodyField] = []
        var objectPaths: [String: SourceLocation] = [:]
        var valuePaths: [String: SourceLocation] = [:]
        for pair in pairs {
            guard let key = pair.key.text, !key.isEmpty else {
                sink.report(.invalidValue, at: pair.key.location, "a body key must be text")
                continue
            }
            let segments = key.split(separator: ".", omittingEmptySubsequences: false)
            if segments.contains(where: \.isEmpty) {
                sink.report(.invalidValue, at: pair.key.location, "`\(key)` has an empty part; a dotted key such as `customer.firstname` nests objects")
                continue
            }
            // A key cannot be both a value and an object that other keys nest into.
            var prefix = ""
            var conflict: SourceLocation?
            for segment in segments.dropLast() {
                prefix += prefix.isEmpty ? String(segment) : "." + segment
                if let other = valuePaths[prefix] { conflict = other }
                objectPaths[prefix] = objectPaths[prefix] ?? pair.key.location
            }
            if let other = objectPaths[key] ?? valuePaths[key] { conflict = conflict ?? other }
            if let conflict {
                sink.report(.invalidValue, at: pair.key.location, "`\(key)` conflicts with the body key at \(sink.reference(conflict)): one key cannot be both a value and an object")
                continue
            }
            valuePaths[key] = pair.key.location
            guard let field = bodyField(key: key, pair: pair) else { continue }
            fields.append(field)
        }
        return .fields(fields)
    }

    private func bodyField(key: String, pair: YAMLPair) -> APIRequest.BodyField? {
        let entry = Entry(key: pair.key, value: pair.value)
        guard pair.value.pairs != nil else {
            if pair.value.isNull {
                // An empty value is an empty string (Auto sends it as "").
                return APIRequest.BodyField(key: key, value: Template(parts: [], location: pair.value.location), format: .auto, location: pair.key.location)
            }
            guard let value = template(entry) else { return nil }
            return APIRequest.BodyField(key: key, value: value, format: .auto, location: pair.key.location)
        }
        let entries = mapping(pair.value, keys: ElementType.bodyValueKeys, owner: "the body value `\(key)`")
        guard let valueEntry = entries["Value"] else { return nil }
        let value = valueEntry.value.isNull ? Template(parts: [], location: valueEntry.value.location) : template(valueEntry)
        guard let value else { return nil }
        let format = entries["Format"].flatMap { choice($0, of: APIRequest.BodyField.Format.self) } ?? .auto
        return APIRequest.BodyField(key: key, value: value, format: format, location: pair.key.location, formatLocation: entries["Format"]?.location)
    }

    private func statusList(_ entry: Entry) -> [Int] {
        let nodes = entry.value.itemsOrSelf
        var codes: [Int] = []
        for node in nodes {
            guard let code = node.text.flatMap({ Int($0) }), (100...599).contains(code) else {
                sink.report(.invalidValue, at: node.items == nil && entry.value.items != nil ? node.location : entry.location,
                            "`SuccessStatus` lists HTTP status codes from 100 to 599; found \(node.text.map { "`\($0)`" } ?? node.kindDescription)")
                continue
            }
            codes.append(code)
        }
        return codes
    }

    private func emails(_ entry: Entry) -> [String] {
        let nodes = entry.value.itemsOrSelf
        if nodes.count > 10 {
            sink.report(.invalidValue, at: entry.location, "`AlertEmail` takes at most 10 addresses; found \(nodes.count)")
            return []
        }
        var addresses: [String] = []
        for node in nodes {
            guard let text = node.text, Self.isEmailAddress(text) else {
                sink.report(.invalidValue, at: entry.value.items != nil ? node.location : entry.location,
                            "`\(node.text ?? node.kindDescription)` is not an email address")
                continue
            }
            addresses.append(text)
        }
        return addresses
    }

    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains { $0 == " " || $0 == "," || $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" }
    }

    private func rateLimit(_ entry: Entry) -> APIRequest.RateLimit? {
        let units = ["second": 1, "minute": 60, "hour": 3600, "day": 86400]
        if let text = entry.value.text {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { String($0).trimming(" ") }
            if parts.count == 2, let count = Int(parts[0]), count >= 1, let period = units[parts[1]] {
                return APIRequest.RateLimit(count: count, period: period, unit: parts[1])
            }
        }
        sink.report(.invalidValue, at: entry.location, "`RateLimit` is a count per second, minute, hour or day, such as `10/minute`; found \(entry.value.text.map { "`\($0)`" } ?? entry.value.kindDescription)")
        return nil
    }

    private func sample(_ path: String, at location: SourceLocation) -> ValueType? {
        let resolved = resolve(path)
        guard let bytes = readFile(resolved) else {
            sink.report(.invalidValue, at: location, "cannot read the sample response `\(resolved)`; `ResultSample` is a path relative to the flow file")
            return nil
        }
        do {
            return try ResultSampleInference.infer(from: .init(bytes), location: location)
        } catch {
            sink.report(.invalidValue, at: location, "the sample response `\(resolved)` \(error)")
            return nil
        }
    }

    private func resultAssignments(_ entry: Entry) -> [APIRequest.ResultAssignment] {
        guard let pairs = entry.value.pairs else {
            sink.report(.invalidValue, at: entry.location, "`Results` maps property names to paths below `Result`, such as `LeadField: Value`; found \(entry.value.kindDescription)")
            return []
        }
        var assignments: [APIRequest.ResultAssignment] = []
        for pair in pairs {
            guard let property = pair.key.text else { continue }
            if !Identifier.isElementName(property) {
                sink.report(.invalidName, at: pair.key.location, "`\(property)` is not a valid property name; use letters, digits and `_`, starting with a letter")
                continue
            }
            guard pair.value.scalar != nil, !pair.value.isNull else {
                sink.report(.invalidValue, at: pair.key.location, "`\(property)` needs a path below `Result`, such as `Value` or `data.0.id`")
                continue
            }
            guard let fillpoint = barePath(pair.value) else { continue }
            if fillpoint.fallback != nil {
                sink.report(.invalidValue, at: pair.key.location, "a `Results` path takes no `??` fallback")
                continue
            }
            assignments.append(APIRequest.ResultAssignment(property: property, path: fillpoint.path, location: pair.key.location))
        }
        return assignments
    }
}
