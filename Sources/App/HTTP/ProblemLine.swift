import Vapor

/// A "field: what is wrong" line, as Herald's validation writes them (`ValidationProblems`, `Abort` reasons).
///
/// Pages show the field by its label from the catalogs (`field.<name>`): "Repeat the password: the two passwords
/// differ", not `password_confirmation: ...`. The API keeps the name, which is what the client sent, and gets each
/// problem as `field` + `message` besides the joined `reason`.
struct ProblemLine: Content, Equatable {
    /// The form or JSON field, `nil` when the line names none.
    let field: String?
    let message: String

    init(field: String?, message: String) {
        self.field = field
        self.message = message
    }

    /// Reads "field: message"; a line that does not start with a field name is all message.
    init(line: String) {
        if let match = line.wholeMatch(of: /([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*(?:\[[0-9]+\])?): (.+)/.dotMatchesNewlines()) {
            self.init(field: String(match.1), message: String(match.2))
        } else {
            self.init(field: nil, message: line)
        }
    }

    /// The lines of an error: each problem of a `ValidationProblems`, or an `Abort`'s reason as one line.
    static func lines(of error: any Error, reason: String) -> [ProblemLine] {
        let lines = (error as? ValidationProblems)?.problems ?? [reason]
        return lines.map(ProblemLine.init(line:))
    }

    /// The line for a person: the field's label in place of its name when the catalogs have one.
    func humanized(catalog: MessageCatalog) -> String {
        guard let field else { return message }
        let key = "field.\(field)"
        let label = catalog.text(key, .en)
        return label == key ? "\(field): \(message)" : "\(label): \(message)"
    }

    static func humanized(_ line: String, catalog: MessageCatalog) -> String {
        ProblemLine(line: line).humanized(catalog: catalog)
    }
}
