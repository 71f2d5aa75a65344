import Dispatch

extension Array where Element: Sendable {
    /// `map`, its calls spread over the machine's cores: for work on each file that shares
    /// nothing with the others' (reading and checking a flow, emitting its Swift), which makes
    /// up most of a build's `flowc generate`. The results keep the order of the elements.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let elements = self
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each iteration initializes its own slot only.
            nonisolated(unsafe) let slots = buffer.baseAddress!
            withoutActuallyEscaping(transform) { transform in
                DispatchQueue.concurrentPerform(iterations: elements.count) { index in
                    (slots + index).initialize(to: transform(elements[index]))
                }
            }
            initialized = elements.count
        }
    }
}
