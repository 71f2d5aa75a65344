/// Whether `condition` holds within `seconds`, asked every `interval`.
///
/// It is always asked once more after the deadline: on two busy cores a test's task may wait
/// longer than the whole bound for a thread (every suite starts at once), and a wait that gave
/// up without asking again would fail a condition that held all along.
func eventually(within seconds: Double = 20, every interval: Duration = .milliseconds(100),
                _ condition: () async throws -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: interval)
    }
    return (try? await condition()) == true
}
