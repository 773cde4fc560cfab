import Foundation
import HeraldCore
import MIME

/// What an email says, independent of how it is encoded: the same content renders as the text part and the
/// HTML part of one multipart/alternative message, so the two can never disagree.
struct EmailContent: Sendable {
    var subject: String
    /// "Hello Ada," etc. Plain text; escaped for HTML.
    var greeting: String?
    var paragraphs: [String]
    /// Numbered steps after the paragraphs: each its own line in text, an item of an ordered list in HTML.
    var steps: [String] = []
    /// The one thing to do, as a button in HTML and a bare URL in text.
    var action: (label: String, url: String)?
    /// Label/value rows (e.g. "Activation code" / "K7QH-...").
    var details: [(label: String, value: String)] = []
    var closing: [String] = []
    var footer: String?

    var text: String {
        var lines: [String] = []
        if let greeting { lines += [greeting, ""] }
        for paragraph in paragraphs { lines += [paragraph, ""] }
        for (number, step) in steps.enumerated() { lines += ["\(number + 1). \(step)", ""] }
        if let action { lines += ["\(action.label):", action.url, ""] }
        for detail in details { lines.append("\(detail.label): \(detail.value)") }
        if !details.isEmpty { lines.append("") }
        for paragraph in closing { lines += [paragraph, ""] }
        if let footer { lines += ["--", footer] }
        return lines.joined(separator: "\n") + "\n"
    }

    var html: String {
        var body = ""
        if let greeting { body += "<p>\(HTMLText.escape(greeting))</p>\n" }
        for paragraph in paragraphs { body += "<p>\(HTMLText.escape(paragraph))</p>\n" }
        if !steps.isEmpty { body += "<ol>\n" + steps.map { "<li>\(HTMLText.escape($0))</li>\n" }.joined() + "</ol>\n" }
        if let action {
            body += """
            <p><a href="\(HTMLText.escape(action.url))" style="display:inline-block;padding:10px 18px;background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:4px">\(HTMLText.escape(action.label))</a></p>
            <p style="font-size:13px;color:#5b6470">\(HTMLText.escape(action.url))</p>\n
            """
        }
        if !details.isEmpty {
            body += "<table cellpadding=\"4\">\n"
            for detail in details {
                body += "<tr><td style=\"color:#5b6470\">\(HTMLText.escape(detail.label))</td><td><strong>\(HTMLText.escape(detail.value))</strong></td></tr>\n"
            }
            body += "</table>\n"
        }
        for paragraph in closing { body += "<p>\(HTMLText.escape(paragraph))</p>\n" }
        if let footer { body += "<hr><p style=\"font-size:12px;color:#5b6470\">\(HTMLText.escape(footer))</p>\n" }
        return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>\(HTMLText.escape(subject))</title></head>
        <body style="font-family:-apple-system,'Segoe UI',sans-serif;font-size:15px;line-height:1.5;color:#1b1f24">
        \(body)</body></html>
        """
    }
}
