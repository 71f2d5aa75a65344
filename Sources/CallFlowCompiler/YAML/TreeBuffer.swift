/// Memory that the loader fills and a `YAMLTree` then owns: allocated at a size expected to
/// suffice (pages of the unused part are never touched, so never cost), and grown by copying
/// when it does not. Whoever holds it last must call `deallocate()`.
struct TreeBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    subscript(index: Int) -> Element {
        precondition(index >= 0 && index < count, "index out of range")
        return base[index]
    }

    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    mutating func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        if count + elements.count > capacity { grow(to: count + elements.count) }
        if let source = elements.baseAddress { (base + count).initialize(from: source, count: elements.count) }
        count += elements.count
    }

    mutating func append(contentsOf elements: ArraySlice<Element>) {
        elements.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    private mutating func grow(to needed: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: max(needed, 2 * capacity))
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = max(needed, 2 * capacity)
    }

    func deallocate() {
        base.deallocate()
    }
}
