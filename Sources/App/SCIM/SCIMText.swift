import Foundation
import HeraldCore

/// Reading SCIM values at the edge: every text is one line, trimmed and bounded; errors name the attribute.
enum SCIMText {
    static let maxLength = 256

    /// A string attribute, or nil when absent, null or empty.
    static func optional(_ value: JSONValue?, _ field: String, maxLength: Int = maxLength) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard trimmed.count <= maxLength else { throw SCIMError.invalidValue("\(field): is longer than \(maxLength) characters") }
            if let problem = SafeText.fieldProblem(trimmed, field: field) { throw SCIMError.invalidValue(problem) }
            return trimmed
        default:
            throw SCIMError.invalidValue("\(field): must be a string")
        }
    }

    static func required(_ value: JSONValue?, _ field: String, maxLength: Int = maxLength) throws -> String {
        guard let text = try optional(value, field, maxLength: maxLength) else { throw SCIMError.invalidValue("\(field): is required") }
        return text
    }

    /// A boolean; Entra ID sends `"False"` and `"True"` as strings in PATCH values.
    static func boolean(_ value: JSONValue?, _ field: String, default fallback: Bool) throws -> Bool {
        switch value {
        case nil, .null?: return fallback
        case .bool(let flag)?: return flag
        case .string(let text)? where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw SCIMError.invalidValue("\(field): must be true or false")
        }
    }

    /// `"2026-12-06T23:51:11Z"`: RFC 3339 in UTC, whole seconds.
    static func date(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(ISO8601DateFormatter().string(from: date))
    }

    static func etag(_ version: Int) -> String { "W/\"\(version)\"" }
}
