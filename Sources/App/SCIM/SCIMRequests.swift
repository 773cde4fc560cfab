import HeraldCore
import Vapor

/// Reading what a SCIM write sends: PatchOp bodies, `If-Match`, and the equalities a list can ask the database for.
enum SCIMRequests {
    /// `{"schemas": [PatchOp], "Operations": [{"op": "replace", "path": "active", "value": false}]}`.
    static func patchOperations(_ req: Request) throws -> [SCIMPatchOperation] {
        let body = try SCIMResponse.body(req)
        guard let operations = body["Operations"]?.arrayValue, !operations.isEmpty else {
            throw SCIMError(.badRequest, "invalidSyntax", "Operations: give a list of at least one operation")
        }
        guard operations.count <= SCIMPatcher.maxOperations else {
            throw SCIMError(.badRequest, "tooMany", "Operations: at most \(SCIMPatcher.maxOperations) in one request")
        }
        return try operations.enumerated().map { index, operation in
            guard let op = operation["op"]?.stringValue, let kind = SCIMPatchOperation.Kind(rawValue: op.lowercased()) else {
                throw SCIMError(.badRequest, "invalidSyntax", "Operations[\(index)].op: must be add, replace or remove")
            }
            let path = operation["path"]
            guard path == nil || path?.stringValue != nil || path?.isNull == true else {
                throw SCIMError(.badRequest, "invalidPath", "Operations[\(index)].path: must be a string")
            }
            return SCIMPatchOperation(kind: kind, path: path?.stringValue, value: operation["value"])
        }
    }

    /// 412 when `If-Match` names another version (RFC 7644 §3.14); `*` and an absent header match any.
    static func checkIfMatch(_ req: Request, version: Int) throws {
        guard let header = req.headers.first(name: .ifMatch) else { return }
        let current = SCIMText.etag(version)
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !tags.contains("*"), !tags.contains(current), !tags.contains("\"\(version)\"") else { return }
        throw SCIMError(.preconditionFailed, nil, "If-Match: the resource has changed; its version is now \(current)")
    }

    /// One resource: projected, with its ETag (and Location when created).
    static func resource(_ json: JSONValue, _ req: Request, schemas: [String], version: Int, status: HTTPResponseStatus = .ok) throws -> Response {
        let projection = try SCIMProjection(req, schemas: schemas)
        let response = SCIMResponse.json(projection.apply(json), status: status)
        response.headers.replaceOrAdd(name: .eTag, value: SCIMText.etag(version))
        if status == .created, let location = json["meta"]?["location"]?.stringValue { response.headers.replaceOrAdd(name: .location, value: location) }
        return response
    }

    /// The `eq` comparisons a filter requires of every match (joined by `and` at its top), by lower-cased attribute:
    /// the database narrows by these before the whole filter is checked.
    static func requiredEqualities(_ filter: SCIMFilter?) -> [String: String] {
        switch filter {
        case .compare(let path, .eq, .string(let text))?:
            return [path.description.lowercased(): text]
        case .valuePath(let path, .and(_, .compare(let sub, .eq, .string(let text))))?:
            return ["\(path.description).\(sub.description)".lowercased(): text]
        case .valuePath(let path, .compare(let sub, .eq, .string(let text)))?:
            return ["\(path.description).\(sub.description)".lowercased(): text]
        case .and(let left, let right)?:
            return requiredEqualities(left).merging(requiredEqualities(right)) { first, _ in first }
        default:
            return [:]
        }
    }
}
