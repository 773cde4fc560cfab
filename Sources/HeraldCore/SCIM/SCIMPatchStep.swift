/// One operation on the object that holds its attribute (RFC 7644 §3.5.2.1–3).
struct SCIMPatchStep {
    let operation: SCIMPatchOperation
    let target: SCIMPatchTarget
    let multiValued: Bool

    private var name: String { target.name }
    private var value: JSONValue { operation.value ?? .null }

    func run(on container: inout [String: JSONValue]) throws {
        if let filter = target.filter {
            try runOnElements(matching: filter, in: &container)
        } else if let sub = target.subAttribute {
            guard !multiValued else { throw SCIMPatchError("invalidPath", "path: select the elements of '\(name)' with a filter: \(name)[...].\(sub)") }
            var complex = container[ignoringCase: name]?.objectValue ?? [:]
            complex[ignoringCase: sub] = operation.kind == .remove ? nil : value
            container[ignoringCase: name] = complex.isEmpty ? nil : .object(complex)
        } else {
            try runOnAttribute(in: &container)
        }
    }

    private func runOnAttribute(in container: inout [String: JSONValue]) throws {
        let existing = container[ignoringCase: name]
        switch operation.kind {
        case .remove:
            // Entra ID removes group members with `"path": "members", "value": [{"value": id}]`.
            if multiValued, let doomed = value.arrayValue, !doomed.isEmpty, let elements = existing?.arrayValue {
                let values = Set(doomed.compactMap { $0["value"]?.stringValue ?? $0.stringValue })
                let kept = elements.filter { element in element["value"]?.stringValue.map { values.contains($0) } != true }
                container[ignoringCase: name] = kept.isEmpty ? nil : .array(kept)
            } else {
                container[ignoringCase: name] = nil
            }
        case .add where multiValued:
            var elements = existing?.arrayValue ?? []
            for element in value.arrayValue ?? [value] where !elements.contains(element) {
                elements.removeAll { $0["value"] != nil && $0["value"] == element["value"] }
                elements.append(element)
            }
            container[ignoringCase: name] = .array(elements)
        case .replace where multiValued:
            container[ignoringCase: name] = value.isNull ? nil : .array(value.arrayValue ?? [value])
        case .add, .replace:
            // A complex value merges: sub-attributes not named are kept (§3.5.2.1, §3.5.2.3).
            if var merged = existing?.objectValue, let incoming = value.objectValue {
                for (key, sub) in incoming { merged[ignoringCase: key] = sub }
                container[ignoringCase: name] = .object(merged)
            } else {
                container[ignoringCase: name] = value.isNull ? nil : value
            }
        }
    }

    private func runOnElements(matching filter: SCIMFilter, in container: inout [String: JSONValue]) throws {
        guard multiValued else { throw SCIMPatchError("invalidPath", "path: '\(name)' is not multi-valued, so it takes no filter") }
        var elements = container[ignoringCase: name]?.arrayValue ?? []
        let matching = elements.indices.filter { filter.matches(elements[$0]) }
        switch operation.kind {
        case .remove:
            if let sub = target.subAttribute {
                for index in matching { elements[index] = Self.setting(sub, to: nil, in: elements[index]) }
            } else {
                for index in matching.reversed() { elements.remove(at: index) }
            }
        case .add, .replace:
            if matching.isEmpty {
                // `emails[type eq "work"].value` on a user without a work email: Entra ID and Okta expect it created.
                guard let seed = Self.equalities(filter) else { throw SCIMPatchError("noTarget", "path: no element of '\(name)' matches the filter") }
                elements.append(target.subAttribute.map { Self.setting($0, to: value, in: .object(seed)) } ?? Self.merging(value, into: .object(seed)))
            }
            for index in matching {
                elements[index] = target.subAttribute.map { Self.setting($0, to: value, in: elements[index]) } ?? Self.merging(value, into: elements[index])
            }
        }
        container[ignoringCase: name] = elements.isEmpty ? nil : .array(elements)
    }

    private static func setting(_ sub: String, to newValue: JSONValue?, in element: JSONValue) -> JSONValue {
        var object = element.objectValue ?? [:]
        object[ignoringCase: sub] = newValue.flatMap { $0.isNull ? nil : $0 }
        return .object(object)
    }

    private static func merging(_ incoming: JSONValue, into element: JSONValue) -> JSONValue {
        guard var object = element.objectValue, let members = incoming.objectValue else { return incoming }
        for (key, sub) in members { object[ignoringCase: key] = sub }
        return .object(object)
    }

    /// The attributes a filter of `eq` comparisons joined by `and` fixes, or nil for any other filter.
    static func equalities(_ filter: SCIMFilter) -> [String: JSONValue]? {
        switch filter {
        case .compare(let path, .eq, let expected) where path.subAttribute == nil && path.schema == nil:
            guard let name = path.name else { return nil }
            switch expected {
            case .string(let text): return [name: .string(text)]
            case .bool(let flag): return [name: .bool(flag)]
            case .number(let number): return [name: .number(number)]
            case .null: return nil
            }
        case .and(let left, let right):
            guard let a = equalities(left), let b = equalities(right) else { return nil }
            return a.merging(b) { first, _ in first }
        default: return nil
        }
    }
}
