/// Whitespace trimming without Foundation: `trimmingCharacters(in:)` bridges through NSString on Linux, which
/// showed up in the profile of every activation request (Benchmarks/http-load). Unicode whitespace, so no-break
/// spaces pasted from documents go too.
extension StringProtocol {
    /// The string without leading and trailing whitespace and newlines (Unicode's definition, like
    /// `CharacterSet.whitespacesAndNewlines`).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
