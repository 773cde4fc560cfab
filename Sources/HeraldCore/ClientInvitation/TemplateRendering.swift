/// What the variables stand for in one recipient's message, in both of its forms.
public struct TemplateValues: Sendable {
    public var recipient: String
    public var sender: String
    public var instructions: RenderedBlock
    public var manualInstructions: RenderedBlock

    public init(recipient: String, sender: String, instructions: RenderedBlock, manualInstructions: RenderedBlock) {
        self.recipient = recipient
        self.sender = sender
        self.instructions = instructions
        self.manualInstructions = manualInstructions
    }
}

/// Generated content: trusted HTML (every value inside already escaped) and its plain-text twin.
public struct RenderedBlock: Sendable, Hashable {
    public var html: String
    public var text: String

    public init(html: String, text: String) {
        self.html = html
        self.text = text
    }
}

extension InvitationTemplate {
    /// The message body as the HTML part's `<body>` content and as the text part.
    public func render(_ values: TemplateValues) -> RenderedBlock {
        var html = ""
        var text: [String] = []
        for paragraph in paragraphs {
            if paragraph.count == 1, case .variable(let variable) = paragraph[0], variable.isBlock {
                let block = variable == .instructions ? values.instructions : values.manualInstructions
                html += block.html
                text.append(block.text.trimmingTrailingNewlines())
                continue
            }
            var paragraphHTML = ""
            var paragraphText = ""
            for segment in paragraph {
                switch segment {
                case .text(let literal):
                    paragraphHTML += HTMLText.escape(literal).replacingOccurrences(of: "\n", with: "<br>\n")
                    paragraphText += literal
                case .variable(let variable):
                    let (fragmentHTML, fragmentText) = expand(variable, values)
                    paragraphHTML += fragmentHTML
                    paragraphText += fragmentText
                }
            }
            // A div, not a p: a block variable inside a sentence would make a <p> invalid HTML.
            html += "<div style=\"margin:0 0 1em\">\(paragraphHTML)</div>\n"
            text.append(paragraphText)
        }
        return RenderedBlock(html: html, text: text.joined(separator: "\n\n") + "\n")
    }

    /// A subject line: inline variables only (`parseSubject` refused the others), no escaping (it is a header).
    public func renderSubject(_ values: TemplateValues) -> String {
        paragraphs.flatMap { $0 }.map { segment in
            switch segment {
            case .text(let literal): literal
            case .variable(.recipient): values.recipient
            case .variable(.sender): values.sender
            case .variable: ""
            }
        }.joined()
    }

    private func expand(_ variable: Variable, _ values: TemplateValues) -> (String, String) {
        switch variable {
        case .recipient: (HTMLText.escape(values.recipient), values.recipient)
        case .sender: (HTMLText.escape(values.sender), values.sender)
        case .instructions: (values.instructions.html, "\n" + values.instructions.text)
        case .manualInstructions: (values.manualInstructions.html, "\n" + values.manualInstructions.text)
        }
    }
}

/// HTML escaping for text content and attribute values (both quote kinds, so it is safe in either).
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.hasSuffix("\n") { copy.removeLast() }
        return copy
    }
}
