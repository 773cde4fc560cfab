import Foundation
import Testing
@testable import HeraldCore

@Suite("SpreadsheetSafeCSVWriter")
struct SpreadsheetSafeCSVWriterTests {
    @Test("quotes fields with commas, quotes and line breaks, doubling quotes (RFC 4180)", arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("", ""), ("日本語", "日本語"),
    ])
    func quoting(_ input: String, _ expected: String) {
        // given / when / then
        #expect(SpreadsheetSafeCSVWriter.field(input) == expected)
    }

    @Test("neutralises cells a spreadsheet would run as formulas", arguments: [
        ("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
        ("+1+1", "'+1+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"),
        ("\rx", "\"'\rx\""), ("\nx", "\"'\nx\""), ("＝1+1", "'＝1+1"), ("a=b", "a=b"),
    ])
    func formulaInjection(_ input: String, _ expected: String) {
        // given / when / then
        #expect(SpreadsheetSafeCSVWriter.field(input) == expected)
    }

    @Test("writes CRLF-terminated rows into a string")
    func intoString() throws {
        // given
        var writer = SpreadsheetSafeCSVWriter()
        // when
        try writer.write(row: ["email", "activation code", "status"])
        try writer.write(row: ["bob@example.com", "K7QH-M3XP-9TRD-WN4C-H2JA", "pending"])
        try writer.flush()
        // then
        #expect(writer.string == "email,activation code,status\r\nbob@example.com,K7QH-M3XP-9TRD-WN4C-H2JA,pending\r\n")
    }

    @Test("streams to a file handle with an optional BOM for Excel")
    func toFileHandle() throws {
        // given
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString).csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var writer = SpreadsheetSafeCSVWriter(fileHandle: handle, byteOrderMark: true)
        // when
        for index in 0..<5000 { try writer.write(row: ["user\(index)@example.com", "=\(index)"]) }
        try writer.flush()
        try handle.close()
        // then
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(data.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("user0@example.com,'=0\r\n"))
        #expect(text.components(separatedBy: "\r\n").count == 5001)
    }

    @Test("streams to an OutputStream")
    func toOutputStream() throws {
        // given
        let stream = OutputStream.toMemory()
        stream.open()
        var writer = SpreadsheetSafeCSVWriter(stream: stream)
        // when
        try writer.write(row: ["a", "b,c"])
        try writer.flush()
        stream.close()
        // then
        let data = try #require(stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data)
        #expect(String(decoding: data, as: UTF8.self) == "a,\"b,c\"\r\n")
    }

    @Test("what it writes reads back through the CSV reader field for field")
    func roundTrip() throws {
        // given
        let values = ["plain", "with, comma", "with \"quotes\"", "multi\r\nline", "日本語", "", "x"]
        var writer = SpreadsheetSafeCSVWriter()
        try writer.write(row: values)
        try writer.flush()
        // when
        var scanner = CSVRecordScanner()
        var records = [[String]]()
        var bytes = Array(writer.string.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            scanner.feed(UnsafeBufferPointer(buffer)) { records.append($0.fields.map { String(decoding: $0, as: UTF8.self) }) }
        }
        _ = scanner.finish { records.append($0.fields.map { String(decoding: $0, as: UTF8.self) }) }
        // then
        #expect(records == [values])
    }
}
