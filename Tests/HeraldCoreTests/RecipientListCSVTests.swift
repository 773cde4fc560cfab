import Foundation
import MIME
import Testing
@testable import HeraldCore

@Suite("RecipientListParser: CSV files")
struct RecipientListCSVTests {
    let parser = RecipientListParser()

    func parse(_ text: String) -> RecipientList {
        parser.parseCSV(data: Data(text.utf8))
    }

    func lines(_ list: RecipientList) -> [String] {
        list.errors.map(\.description)
    }

    @Test("reads one address per line, with an optional header, BOM, CRLF and quotes")
    func readsAddresses() {
        // given
        let file = "\u{FEFF}Email\r\nbob@example.com\r\n\"alice@example.com\"\r\n\r\n  carol@example.com  \r\n"
        // when
        let list = parse(file)
        // then
        #expect(list.errors.isEmpty)
        #expect(list.recipients.map(\.line) == [2, 3, 5])
        #expect(list.addresses.map(\.description) == ["bob@example.com", "alice@example.com", "carol@example.com"])
    }

    @Test("LF-only files and a last line without a line break")
    func lfAndNoFinalBreak() {
        // given / when
        let list = parse("bob@example.com\nalice@example.com")
        // then
        #expect(list.isValid)
        #expect(list.recipients.map(\.line) == [1, 2])
    }

    @Test("reports every error with its line: invalid, duplicate, columns")
    func reportsAllErrors() {
        // given
        let file = """
            email
            bob@example.com
            bob@
            alice@example.com,Alice
            BOB@example.com
            "quoted, with comma"@example.com
            not an address
            """
        // when
        let list = parse(file)
        // then
        #expect(lines(list) == [
            "line 3: 'bob@' has no domain",
            "line 4: has 2 columns; the file must have a single column of email addresses",
            "line 5: 'BOB@example.com' is a duplicate of line 2",
            // RFC 4180: the quotes close before "@", so this is one field, not two.
            "line 6: 'quoted, with comma@example.com' contains a comma, which is not allowed in an address",
            "line 7: 'not an address' contains a space, which is not allowed in an address",
        ])
        #expect(list.recipients.map(\.line) == [2])
        #expect(!list.isValid)
    }

    @Test("a quoted field across lines keeps later line numbers right")
    func multilineQuotedField() {
        // given
        let file = "bob@example.com\n\"two\nlines\"\nalice@\n"
        // when
        let list = parse(file)
        // then
        #expect(list.errors.map(\.line) == [2, 4])
    }

    @Test("an unclosed quote is reported at the line it opens")
    func unterminatedQuote() {
        // given / when
        let list = parse("bob@example.com\n\"alice@example.com\ncarol@example.com\n")
        // then
        #expect(lines(list) == ["line 2: a quoted value starts here but its closing quote is missing"])
    }

    @Test("ignores trailing empty cells left by spreadsheets")
    func trailingEmptyCells() {
        // given / when
        let list = parse("bob@example.com,,\r\nalice@example.com,\r\n")
        // then
        #expect(list.isValid)
        #expect(list.recipients.count == 2)
    }

    @Test("empty files and header-only files have no addresses", arguments: ["", "\u{FEFF}", "email\r\n", "\n\n  \n"])
    func empty(_ text: String) {
        // given / when
        let list = parse(text)
        // then
        #expect(lines(list) == ["the file has no email addresses"])
    }

    @Test("invalid UTF-8 is reported on its line and the rest is still read")
    func notUTF8() {
        // given
        var data = Data("bob@example.com\n".utf8)
        data.append(contentsOf: [0x6A, 0xF6, 0x72, 0x67, 0x40, 0x65, 0x2E, 0x64, 0x65, 0x0A])  // Latin-1 "jörg@e.de"
        data.append(contentsOf: Array("alice@example.com\n".utf8))
        // when
        let list = parser.parseCSV(data: data)
        // then
        #expect(lines(list) == ["line 2: is not valid UTF-8; save the file as CSV UTF-8"])
        #expect(list.recipients.count == 2)
    }

    @Test("UTF-16 files are refused with advice")
    func utf16() {
        // given
        let data = Data([0xFF, 0xFE]) + "bob@example.com".data(using: .utf16LittleEndian)!
        // when
        let list = parser.parseCSV(data: data)
        // then
        #expect(lines(list) == ["the file is UTF-16; save it as CSV UTF-8"])
    }

    @Test("files over the size limit are refused")
    func sizeLimit() {
        // given
        let small = RecipientListParser(maxBytes: 100)
        let file = (0..<20).map { "person\($0)@example.com" }.joined(separator: "\n")
        // when
        let list = small.parseCSV(data: Data(file.utf8))
        // then
        #expect(lines(list).last == "the file is larger than the limit of 100 bytes")
    }

    @Test("a huge field is cut and reported instead of filling memory")
    func overlongField() {
        // given
        let file = "bob@example.com\n" + String(repeating: "a", count: 100_000) + "@example.com\n"
        // when
        let list = parse(file)
        // then
        #expect(lines(list) == ["line 2: the value is too long to be an email address"])
    }

    @Test("accepts international addresses (SMTPUTF8)")
    func international() {
        // given / when
        let list = parse("email\n用户@例子.广告\njörg@müller.de\n")
        // then
        #expect(list.isValid)
        #expect(list.addresses.allSatisfy { $0.requiresSMTPUTF8 })
    }

    @Test("reads a 100,000-row file from disk, every row with its line number")
    func largeFile() throws {
        // given: a 100,000-row file (~3.8 MB) on disk
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).csv").path
        var text = "email\r\n"
        for index in 0..<100_000 { text += "first.last\(index)@mail.example.com\r\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // when (its speed is Benchmarks/bulk-invite's business, not a timed test's)
        let list = parser.parseCSV(fileAtPath: path)
        // then
        #expect(list.errors.isEmpty)
        #expect(list.recipients.count == 100_000)
        #expect(list.recipients.last?.line == 100_001)
    }
}
