import Foundation

extension SCIMFilter {
    /// Whether `resource` (a SCIM resource as JSON) matches. `caseExact` names the attributes compared with case
    /// (`id`, `externalId`, ...); the rest compare without, as RFC 7643's default `caseExact: false` says.
    public func matches(_ resource: JSONValue, caseExact: (SCIMAttributePath) -> Bool = { _ in false }) -> Bool {
        switch self {
        case .and(let left, let right): left.matches(resource, caseExact: caseExact) && right.matches(resource, caseExact: caseExact)
        case .or(let left, let right): left.matches(resource, caseExact: caseExact) || right.matches(resource, caseExact: caseExact)
        case .not(let inner): !inner.matches(resource, caseExact: caseExact)
        case .present(let path):
            Self.values(at: path, in: resource).contains { !$0.isNull && $0 != .string("") && $0 != .array([]) }
        case .compare(let path, let comparison, let expected):
            Self.values(at: path, in: resource).contains {
                Self.compare($0, comparison, expected, caseExact: caseExact(path))
            }
        case .valuePath(let path, let inner):
            Self.elements(at: path, in: resource).contains { element in
                inner.matches(element) { sub in caseExact(SCIMAttributePath(schema: path.schema, name: path.name, subAttribute: sub.name)) }
            }
        }
    }

    /// The elements of the attribute `path` names, as stored: a multi-valued attribute's complex values.
    static func elements(at path: SCIMAttributePath, in resource: JSONValue) -> [JSONValue] {
        var base = resource
        if let schema = path.schema {
            guard let extensionObject = resource[schema] else { return [] }
            base = extensionObject
        }
        guard let name = path.name else { return [base] }
        guard let attribute = base[name] else { return [] }
        return attribute.arrayValue ?? [attribute]
    }

    /// The values at `path`, multi-valued attributes flattened: `emails.value` is every email's value.
    static func values(at path: SCIMAttributePath, in resource: JSONValue) -> [JSONValue] {
        let elements = elements(at: path, in: resource)
        guard let sub = path.subAttribute else {
            // A complex value compared as a whole compares its `value` (RFC 7644 §3.4.2.2, "emails co ...").
            return elements.map { $0.objectValue != nil ? ($0["value"] ?? .null) : $0 }
        }
        return elements.compactMap { $0[sub] }
    }

    static func compare(_ actual: JSONValue, _ comparison: SCIMCompareOperator, _ expected: SCIMFilterValue, caseExact: Bool) -> Bool {
        switch (actual, expected) {
        case (.null, .null): return comparison == .eq
        case (_, .null): return comparison == .ne
        case (.bool(let left), .bool(let right)):
            return comparison == .eq ? left == right : comparison == .ne ? left != right : false
        case (.number(let left), .number(let right)):
            return order(left, right, comparison)
        case (.string(let left), .string(let right)):
            if let leftDate = date(left), let rightDate = date(right), [.gt, .ge, .lt, .le, .eq, .ne].contains(comparison) {
                return order(leftDate, rightDate, comparison)
            }
            let (a, b) = caseExact ? (left, right) : (left.lowercased(), right.lowercased())
            switch comparison {
            case .co: return a.contains(b)
            case .sw: return a.hasPrefix(b)
            case .ew: return a.hasSuffix(b)
            default: return order(a, b, comparison)
            }
        default:
            return comparison == .ne
        }
    }

    private static func order<T: Comparable>(_ left: T, _ right: T, _ comparison: SCIMCompareOperator) -> Bool {
        switch comparison {
        case .eq: left == right
        case .ne: left != right
        case .gt: left > right
        case .ge: left >= right
        case .lt: left < right
        case .le: left <= right
        case .co, .sw, .ew: false
        }
    }

    /// An RFC 3339 date-time, so `meta.lastModified gt "2026-01-01T00:00:00Z"` compares instants, not text.
    static func date(_ text: String) -> Date? {
        guard text.count >= 20, text.count <= 40, text.dropFirst(4).first == "-", text.contains("T") else { return nil }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
