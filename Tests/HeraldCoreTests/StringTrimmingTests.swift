import HeraldCore
import Testing

@Suite("Trimming whitespace")
struct StringTrimmingTests {
    @Test("leading and trailing whitespace and newlines go, inner whitespace stays", arguments: [
        ("  ABCD-EFGH \r\n", "ABCD-EFGH"), ("\t\u{00A0}x y\u{2003}", "x y"), ("", ""), (" \n\t ", ""), ("plain", "plain"),
        ("\r\nGrüße\r\n", "Grüße"),
    ])
    func trims(input: String, expected: String) {
        #expect(input.trimmingWhitespace() == expected)
    }
}
