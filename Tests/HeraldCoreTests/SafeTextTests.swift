import HeraldCore
import Testing

@Suite("Safe text: what may reach a header, a CSV cell or a log line")
struct SafeTextTests {
    @Test("one-line text refuses every line break, CR LF included", arguments: [
        "Evil\r\nBcc: x@x.example", "a\rb", "a\nb", "a\u{0B}b", "a\u{0C}b", "a\u{85}b", "a\u{2028}b", "a\u{2029}b",
    ])
    func oneLineRefusesLineBreaks(text: String) {
        #expect(SafeText.problem(text, .oneLine) == .lineBreak)
    }

    @Test("control characters and direction overrides are refused in both shapes", arguments: [
        ("a\u{0}b", SafeText.Problem.controlCharacter("\u{0}")), ("a\u{1B}[31mb", .controlCharacter("\u{1B}")),
        ("a\u{7F}b", .controlCharacter("\u{7F}")), ("a\u{9B}b", .controlCharacter("\u{9B}")),
        ("invoice\u{202E}fdp.exe", .directionOverride("\u{202E}")), ("a\u{2066}b", .directionOverride("\u{2066}")),
    ])
    func controlsAreRefused(text: String, problem: SafeText.Problem) {
        #expect(SafeText.problem(text, .oneLine) == problem)
        #expect(SafeText.problem(text, .multiLine) == problem)
    }

    @Test("ordinary names in any script pass, with their direction marks", arguments: [
        "Zoë O'Brien-Smith", "山田 太郎", "محمد\u{200F} علي", "Smith, John \"JJ\"", "😀 Team",
    ])
    func ordinaryTextPasses(text: String) throws {
        #expect(try SafeText.checked(text, .oneLine) == text)
    }

    @Test("a tab is refused on one line and kept in multi-line text")
    func tabs() throws {
        #expect(SafeText.problem("a\tb", .oneLine) == .controlCharacter("\t"))
        #expect(try SafeText.checked("a\tb", .multiLine) == "a\tb")
    }

    @Test("multi-line text normalises CR LF and lone CR to LF, and still refuses Unicode line separators")
    func multiLineNormalises() throws {
        #expect(try SafeText.checked("one\r\ntwo\rthree\nfour", .multiLine) == "one\ntwo\nthree\nfour")
        #expect(SafeText.problem("one\u{2028}two", .multiLine) == .lineBreak)
    }

    @Test("scrubbing stored text turns line breaks into one space and drops the rest")
    func scrubbing() {
        #expect(SafeText.scrubbed("Evil\r\nBcc: x@x.example\u{0}\u{2028}") == "Evil Bcc: x@x.example")
        #expect(SafeText.scrubbed("a\u{202E}b\u{1B}c") == "abc")
        #expect(SafeText.scrubbed("Plain Name") == "Plain Name")
        #expect(SafeText.scrubbed("Hi\r\nthere\u{0}", .multiLine) == "Hi\nthere")
    }

    @Test("a problem reads as the rest of 'field: ...'")
    func descriptions() {
        #expect(SafeText.fieldProblem("a\u{0}", field: "name") == "name: contains a control character (U+0000)")
        #expect(SafeText.fieldProblem("a\r\nb", field: "sender_name") == "sender_name: must be one line")
        #expect(SafeText.fieldProblem(nil, field: "message") == nil)
    }
}
