import Fluent
import HeraldCore
import Vapor

/// A directory group as a SCIM Group resource (RFC 7643 §4.2); members are users and groups, by id.
enum SCIMGroupRepresentation {
    struct Member: Hashable {
        enum Kind: String { case user = "User", group = "Group" }
        let id: UUID
        let kind: Kind
    }

    static func json(_ group: DirectoryGroup, members: [Member]?, base: String, meta: Bool = true) throws -> JSONValue {
        let id = try group.requireID().uuidString
        var object: [String: JSONValue] = [
            "schemas": .array([.string(SCIMSchemas.group)]), "id": .string(id), "displayName": .string(group.name),
        ]
        object["externalId"] = group.externalID.map(JSONValue.string)
        if let members, !members.isEmpty {
            object["members"] = .array(members.map { member in
                .object(["value": .string(member.id.uuidString), "type": .string(member.kind.rawValue),
                         "$ref": .string("\(base)/\(member.kind == .user ? "Users" : "Groups")/\(member.id.uuidString)")])
            })
        }
        if meta {
            object["meta"] = .object([
                "resourceType": .string("Group"), "created": SCIMText.date(group.createdAt),
                "lastModified": SCIMText.date(group.updatedAt ?? group.createdAt),
                "location": .string("\(base)/Groups/\(id)"), "version": .string(SCIMText.etag(group.version)),
            ])
        }
        return .object(object)
    }

    /// The direct members of these groups, users before groups, each in the order added.
    static func members(of groupIDs: [UUID], on db: any Database) async throws -> [UUID: [Member]] {
        var result: [UUID: [Member]] = [:]
        for chunk in groupIDs.chunked(500) {
            for edge in try await DirectoryGroupMember.query(on: db).filter(\.$group.$id ~~ Array(chunk)).all() {
                if let user = edge.$user.id { result[edge.$group.id, default: []].append(Member(id: user, kind: .user)) }
                if let group = edge.$memberGroup.id { result[edge.$group.id, default: []].append(Member(id: group, kind: .group)) }
            }
        }
        return result.mapValues { members in members.sorted { a, b in (a.kind.rawValue, a.id.uuidString) > (b.kind.rawValue, b.id.uuidString) } }
    }

    static func caseExact(_ path: SCIMAttributePath) -> Bool {
        ["id", "externalid", "members", "meta"].contains(path.name?.lowercased() ?? "")
    }

    static let patcher = SCIMPatcher(schemas: SCIMSchemas.groupSchemas, multiValued: ["members"])
}

/// A Group resource as Herald keeps it, from a POST or PUT body or a patched representation.
struct SCIMGroupInput {
    static let maxMembers = 100_000

    var displayName: String
    var externalID: String?
    /// Member ids with the type the client gave, if any.
    var members: [(id: UUID, type: String?)]

    init(_ json: JSONValue) throws {
        do { displayName = try DirectoryStore.validGroupName(try SCIMText.required(json["displayName"], "displayName", maxLength: 1_000)) } catch let abort as Abort {
            throw SCIMError.invalidValue(abort.reason.replacingOccurrences(of: "name:", with: "displayName:"))
        }
        externalID = try SCIMText.optional(json["externalId"], "externalId")
        let list = json["members"]
        if let list, list.arrayValue == nil, !list.isNull { throw SCIMError.invalidValue("members: must be a list") }
        let elements = list?.arrayValue ?? []
        guard elements.count <= Self.maxMembers else { throw SCIMError.invalidValue("members: at most \(Self.maxMembers) in one group") }
        members = try elements.map { element in
            let value = try SCIMText.required(element["value"], "members.value")
            guard let id = UUID(uuidString: value) else { throw SCIMError.invalidValue("members.value: '\(value.prefix(100))' is not a user or group of this directory") }
            return (id, try SCIMText.optional(element["type"], "members.type", maxLength: 20))
        }
    }
}
