/// A template of an element, with where it stands: the place decides how a value is encoded
/// and whether a secret may appear there.
struct TemplateUse {
    enum Place: Equatable {
        case url, query, header, body, contentType
        /// A workflow action's credential key (`Token`, `KeySecret`, …).
        case credential
        /// A Branch's `Source`, whose type the conditions are checked against.
        case branchSource
        case other(String)

        /// Secrets may go to the API, never anywhere they could be spoken or logged.
        var allowsSecrets: Bool {
            switch self {
            case .url, .query, .header, .body, .credential: true
            case .contentType, .branchSource, .other: false
            }
        }
    }

    var template: Template
    var place: Place

    /// Appends every template of an element, in the order of its keys.
    static func append(of element: Element, to uses: inout [TemplateUse]) {
        func add(_ template: Template?, _ place: Place) {
            if let template { uses.append(TemplateUse(template: template, place: place)) }
        }
        switch element.kind {
        case .apiRequest(let request):
            request.phrase.forEach { add($0, .other("Phrase")) }
            add(request.url, .url)
            request.headers.forEach { add($0.value, .header) }
            request.query.forEach { add($0.value, .query) }
            switch request.body {
            case .fields(let fields): fields.forEach { add($0.value, .body) }
            case .raw(let template): add(template, .body)
            case nil: break
            }
            add(request.contentType, .contentType)
        case .setProperty(let set):
            add(set.value, .other("Value"))
        case .branch(let branch):
            add(Template(parts: [.fillpoint(branch.source)], location: branch.sourceLocation), .branchSource)
            branch.conditions.forEach { add($0.value, .other("Value")) }
        case .tts(let tts):
            add(tts.text, .other("Text"))
        case .play(let play):
            play.phrase.forEach { add($0, .other("Phrase")) }
        case .collectInput(let input):
            add(input.text, .other("Text"))
            input.phrase.forEach { add($0, .other("Phrase")) }
        case .transfer(let transfer):
            add(transfer.to, .other("To"))
        case .hangup(let hangup):
            add(hangup.text, .other("Text"))
        case nil:
            break
        }
    }
}
