import Fluent
import HeraldCore
import Vapor

/// A group's auto-invite rules: the form on the console's group page, and
/// `GET`/`PUT /api/v1/directory/groups/:id/auto-invite`.
struct DirectoryAutoInviteController {
    /// What the group page shows of the rules.
    struct PageModel: Encodable {
        let join: Bool
        /// The organization's license keys, the install rule's one selected.
        let keys: [[String: String]]
        let installOn: Bool
    }

    static func pageModel(groupID: UUID, organizationID: UUID, on db: any Database) async throws -> PageModel {
        let settings = try await DirectoryAutoInviteRules.settings(of: groupID, on: db)
        let keys = try await LicenseKey.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$name).all()
        return PageModel(join: settings.join, keys: try keys.map { key in
            let id = try key.requireID()
            return ["id": id.uuidString, "name": "\(key.name) (\(key.product))", "selected": id == settings.install_license_key_id ? "selected" : ""]
        }, installOn: settings.install_license_key_id != nil)
    }

    struct Form: Content {
        var join: String?
        var install_license_key_id: String?
    }

    func save(_ req: Request) async throws -> Response {
        let context = try req.console
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db)
        let form = try req.content.decode(Form.self)
        do {
            let keyText = (form.install_license_key_id ?? "").trimmingCharacters(in: .whitespaces)
            var keyID: UUID?
            if !keyText.isEmpty {
                guard let id = UUID(uuidString: keyText) else { throw Abort(.badRequest, reason: "install_license_key_id: is not a license key id") }
                keyID = id
            }
            try await DirectoryAutoInviteRules.save(.init(join: form.join == "on", install_license_key_id: keyID), group: group,
                                                    actor: context.actor, on: req.db)
            req.flash("Saved. Only people who join \(group.name) from now on are invited automatically; use “Invite this group” for its current members.")
            return req.redirect(to: "/console/directory/groups/\(try group.requireID().uuidString)")
        } catch let abort as any AbortError where abort.status.code < 500 {
            let response = try await DirectoryGroupsController.render(req, error: abort.reason).encodeResponse(for: req).get()
            response.status = abort.status
            return response
        }
    }

    func apiShow(_ req: Request) async throws -> DirectoryAutoInviteRules.Settings {
        let context = try req.api
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db, field: "id")
        return try await DirectoryAutoInviteRules.settings(of: try group.requireID(), on: req.db)
    }

    func apiSave(_ req: Request) async throws -> DirectoryAutoInviteRules.Settings {
        let context = try req.api
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db, field: "id")
        let settings = try req.content.decode(DirectoryAutoInviteRules.Settings.self)
        try await DirectoryAutoInviteRules.save(settings, group: group, actor: context.actor, on: req.db)
        return try await DirectoryAutoInviteRules.settings(of: try group.requireID(), on: req.db)
    }
}
