extension Duration {
    /// The whole milliseconds of a duration.
    var milliseconds: Int { Int(self / .milliseconds(1)) }
}
