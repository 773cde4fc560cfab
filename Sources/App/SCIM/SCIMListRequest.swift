import HeraldCore
import Vapor

/// `filter`, `startIndex`, `count`, `attributes` and `excludedAttributes` of a SCIM GET (RFC 7644 §3.4.2), checked
/// at the edge: numbers out of range are clamped as §3.4.2.4 says, text that is not a number is refused.
struct SCIMListRequest {
    let filter: SCIMFilter?
    let startIndex: Int
    let count: Int
    let projection: SCIMProjection

    init(_ req: Request, schemas: [String]) throws {
        let text = { (name: String) in req.query[String.self, at: name] }
        if let filterText = text("filter"), !filterText.trimmingCharacters(in: .whitespaces).isEmpty {
            do { filter = try SCIMFilter.parse(filterText, schemas: schemas) } catch {
                throw SCIMError(.badRequest, "invalidFilter", "filter: \(error.description)")
            }
        } else {
            filter = nil
        }
        // Past a billion there is nothing to page to; the bound keeps `startIndex - 1 + count` from overflowing.
        startIndex = min(1_000_000_000, max(1, try Self.number(text("startIndex"), "startIndex") ?? 1))
        count = min(SCIMSchemas.maxResults, max(0, try Self.number(text("count"), "count") ?? SCIMSchemas.defaultCount))
        projection = try SCIMProjection(req, schemas: schemas)
    }

    private static func number(_ text: String?, _ field: String) throws -> Int? {
        guard let text else { return nil }
        guard text.count <= 20, let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw SCIMError.invalidValue("\(field): must be a whole number")
        }
        return value
    }

    /// The 1-based page of `items`.
    func page<T>(_ items: [T]) -> ArraySlice<T> {
        let start = min(items.count, startIndex - 1)
        return items[start..<min(items.count, start + count)]
    }
}

/// `attributes` / `excludedAttributes`: which attributes a response carries. `id`, `schemas` and `meta` always stay.
struct SCIMProjection {
    let included: [SCIMAttributePath]
    let excluded: [SCIMAttributePath]
    let coreSchema: String?

    init(_ req: Request, schemas: [String]) throws {
        func paths(_ name: String) throws -> [SCIMAttributePath] {
            guard let text = req.query[String.self, at: name] else { return [] }
            guard text.utf8.count <= 4_096 else { throw SCIMError.invalidValue("\(name): is longer than 4,096 bytes") }
            return try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { part in
                do { return try SCIMAttributePath.parse(part, schemas: schemas) } catch { throw SCIMError.invalidValue("\(name): \(error)") }
            }
        }
        included = try paths("attributes")
        excluded = try paths("excludedAttributes")
        coreSchema = schemas.first
    }

    /// Whether the response needs `name` at all (a group's members are costly to load for a list that hides them).
    func returns(_ name: String) -> Bool {
        let lowered = name.lowercased()
        if excluded.contains(where: { $0.name?.lowercased() == lowered && $0.subAttribute == nil && isCore($0) }) { return false }
        return included.isEmpty || included.contains { $0.name?.lowercased() == lowered && isCore($0) }
    }

    func apply(_ resource: JSONValue) -> JSONValue {
        guard var object = resource.objectValue else { return resource }
        if !included.isEmpty {
            var kept: [String: JSONValue] = [:]
            for key in ["id", "schemas", "meta"] { kept[key] = object[key] }
            for path in included { copy(path, from: object, into: &kept) }
            object = kept
        }
        for path in excluded where !["id", "schemas"].contains(path.name?.lowercased() ?? "") { remove(path, from: &object) }
        return .object(object)
    }

    private func isCore(_ path: SCIMAttributePath) -> Bool {
        path.schema == nil || path.schema?.lowercased() == coreSchema?.lowercased()
    }

    private func copy(_ path: SCIMAttributePath, from source: [String: JSONValue], into target: inout [String: JSONValue]) {
        if !isCore(path), let schema = path.schema {
            guard let extensionObject = source[ignoringCase: schema]?.objectValue else { return }
            var part = target[ignoringCase: schema]?.objectValue ?? [:]
            if path.name == nil { part = extensionObject } else {
                copy(SCIMAttributePath(name: path.name, subAttribute: path.subAttribute), from: extensionObject, into: &part)
            }
            target[ignoringCase: schema] = part.isEmpty ? nil : .object(part)
            return
        }
        guard let name = path.name, let value = source[ignoringCase: name] else { return }
        guard let sub = path.subAttribute else { target[ignoringCase: name] = value; return }
        if let elements = value.arrayValue {
            target[ignoringCase: name] = .array(elements.map { element in .object(element[sub].map { [sub: $0] } ?? [:]) })
        } else if let inner = value[sub] {
            var part = target[ignoringCase: name]?.objectValue ?? [:]
            part[ignoringCase: sub] = inner
            target[ignoringCase: name] = .object(part)
        }
    }

    private func remove(_ path: SCIMAttributePath, from object: inout [String: JSONValue]) {
        if !isCore(path), let schema = path.schema {
            guard path.name != nil, var part = object[ignoringCase: schema]?.objectValue else { object[ignoringCase: schema] = nil; return }
            remove(SCIMAttributePath(name: path.name, subAttribute: path.subAttribute), from: &part)
            object[ignoringCase: schema] = part.isEmpty ? nil : .object(part)
            return
        }
        guard let name = path.name else { return }
        guard let sub = path.subAttribute, let value = object[ignoringCase: name] else { object[ignoringCase: name] = nil; return }
        if let elements = value.arrayValue {
            object[ignoringCase: name] = .array(elements.map { element in
                var inner = element.objectValue ?? [:]
                inner[ignoringCase: sub] = nil
                return .object(inner)
            })
        } else if var inner = value.objectValue {
            inner[ignoringCase: sub] = nil
            object[ignoringCase: name] = .object(inner)
        }
    }
}
