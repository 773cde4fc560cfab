import HeraldCore
import Vapor

/// Query-string parameters read at the edge, from the raw query: Vapor's decoder cannot tell "absent" from "given
/// twice" or "not a number", and passes NUL and control characters on to the database, where PostgreSQL refuses
/// them with an error (a 500) and SQLite stores them.
extension Request {
    /// A whole number from the query string, `nil` when the parameter is absent or empty.
    func query<Kind>(_ type: WholeNumber<Kind>.Type, _ name: String) throws(Abort) -> WholeNumber<Kind>? {
        guard let text = try queryValue(name) else { return nil }
        return try WholeNumber(parsing: text, field: name)
    }

    /// Text typed into a search box or picked from a list: one line, printable, at most `maximumLength` characters;
    /// `""` when absent.
    func queryText(_ name: String, maximumLength: Int = 200) throws(Abort) -> String {
        guard let text = try queryValue(name) else { return "" }
        guard text.count <= maximumLength else { throw Abort(.badRequest, reason: "\(name): must be at most \(maximumLength) characters") }
        if let problem = SafeText.fieldProblem(text, field: name) { throw Abort(.badRequest, reason: problem) }
        return text
    }

    /// The one value of a parameter; `nil` when absent or empty; a 400 when given twice or not valid percent-encoding.
    private func queryValue(_ name: String) throws(Abort) -> String? {
        let values = (url.query ?? "").split(separator: "&").compactMap { pair -> String?? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0].removingPercentEncoding == name else { return nil }
            return .some(parts.count == 2 ? parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding : "")
        }
        guard let first = values.first, !(values.count == 1 && first?.isEmpty == true) else { return nil }
        guard values.count == 1 else { throw Abort(.badRequest, reason: "\(name): give it once") }
        guard let text = first else { throw Abort(.badRequest, reason: "\(name): is not valid percent-encoding") }
        return text
    }
}
