import Foundation

/// The administrator's invitation text with `%VARIABLE%` placeholders, as in the vendor consoles.
///
/// The template is plain text (blank lines separate paragraphs), not HTML: everything the administrator types
/// is escaped, so the only markup in a message is what Herald generates for the variables. That keeps the
/// preview and the sent message identical and a pasted `<script>` inert.
public struct InvitationTemplate: Sendable, Hashable {
    public enum Variable: String, Sendable, CaseIterable, Hashable {
        case recipient = "RECIPIENT"
        case sender = "SENDER"
        case instructions = "INSTRUCTIONS"
        case manualInstructions = "MANUALINSTRUCTIONS"

        public var token: String { "%\(rawValue)%" }
        /// Block variables expand to lists and headings; they cannot stand in a one-line subject.
        public var isBlock: Bool { self == .instructions || self == .manualInstructions }
    }

    enum Segment: Sendable, Hashable {
        case text(String)
        case variable(Variable)
    }

    let paragraphs: [[Segment]]

    /// Variables the template never uses: worth a warning (recipients miss those instructions), not an error.
    public var missingVariables: [Variable] {
        let used = Set(paragraphs.flatMap { $0 }.compactMap { if case .variable(let v) = $0 { v } else { nil } })
        return Variable.allCases.filter { !used.contains($0) }
    }

    /// Parses `text`, failing with every unknown `%WORD%` named. `%%` is a literal percent sign.
    public init(parsing text: String, field: String = "template") throws(FieldProblem) {
        let normalized: String
        do {
            normalized = try SafeText.checked(text, .multiLine)
        } catch {
            throw FieldProblem(field: field, error.description)
        }
        guard !normalized.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw FieldProblem(field: field, "is empty")
        }
        var unknown: [String] = []
        var paragraphs: [[Segment]] = []
        for block in normalized.components(separatedBy: "\n\n") {
            let trimmed = block.trimmingCharacters(in: .newlines)
            guard !trimmed.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            paragraphs.append(Self.segments(of: trimmed, unknown: &unknown))
        }
        guard unknown.isEmpty else {
            let names = unknown.map { word in
                let hint = Variable(rawValue: word.uppercased()).map { " (variables are upper case: \($0.token))" } ?? ""
                return "%\(word)%\(hint)"
            }
            let known = Variable.allCases.map(\.token).joined(separator: ", ")
            throw FieldProblem(field: field, "unknown variable \(names.joined(separator: ", ")); the variables are \(known)")
        }
        self.paragraphs = paragraphs
    }

    /// A one-line subject: only the inline variables are allowed.
    public static func parseSubject(_ text: String) throws(FieldProblem) -> InvitationTemplate {
        if let problem = SafeText.problem(text, .oneLine) { throw FieldProblem(field: "subject", problem.description) }
        let template = try InvitationTemplate(parsing: text, field: "subject")
        if let block = Variable.allCases.first(where: { $0.isBlock && !template.missingVariables.contains($0) }) {
            throw FieldProblem(field: "subject", "\(block.token) cannot be used in the subject")
        }
        return template
    }

    private static func segments(of text: String, unknown: inout [String]) -> [Segment] {
        var segments: [Segment] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "%" else { literal.append(character); index = text.index(after: index); continue }
            let afterPercent = text.index(after: index)
            if afterPercent < text.endIndex && text[afterPercent] == "%" {
                literal.append("%")
                index = text.index(after: afterPercent)
                continue
            }
            let word = text[afterPercent...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            let close = word.endIndex
            guard !word.isEmpty, close < text.endIndex, text[close] == "%" else {
                // "50% off": a percent sign that does not open a %WORD% is just text.
                literal.append("%")
                index = afterPercent
                continue
            }
            if let variable = Variable(rawValue: String(word)) {
                if !literal.isEmpty { segments.append(.text(literal)); literal = "" }
                segments.append(.variable(variable))
            } else if !unknown.contains(String(word)) {
                unknown.append(String(word))
            }
            index = text.index(after: close)
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        return segments
    }
}
