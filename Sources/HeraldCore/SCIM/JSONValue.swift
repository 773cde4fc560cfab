import Foundation

/// Any JSON value. SCIM resources are read and patched as JSON first: attribute names are case-insensitive
/// (RFC 7643 §2.1) and a PATCH may name any attribute, so a typed `Codable` body would refuse valid requests.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    public var isNull: Bool { self == .null }

    /// A member by name, ignoring case (an exact match wins).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key] ?? members.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The key as stored for `name`, ignoring case.
    public func storedKey(_ name: String) -> String? {
        keys.first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    public subscript(ignoringCase name: String) -> JSONValue? {
        get { storedKey(name).flatMap { self[$0] } }
        set {
            let key = storedKey(name) ?? name
            self[key] = newValue
        }
    }
}
