import Fluent
import HeraldCore
import Vapor

/// `/api/v1/suppressions` and `/api/v1/deliverability`: the suppression list and the bounce and reminder settings.
extension APIController {
    struct SuppressionDTO: Content {
        let address: String
        /// hard_bounce, soft_bounces, manual or imported.
        let reason: String
        let remoteReason: String?
        let addedBy: String
        let createdAt: Date

        init(_ entry: SuppressedAddress) {
            address = entry.address
            reason = entry.reason.rawValue
            remoteReason = entry.remoteReason
            addedBy = entry.addedBy
            createdAt = entry.createdAt
        }
    }

    struct SuppressionBody: Content {
        var address: String?
        var note: String?
    }

    /// A page of the list by address (`?q=` an address prefix, `?cursor=`, `?limit=`).
    func suppressions(_ req: Request) async throws -> Response {
        let organizationID = try req.api.organizationID
        let filter = try SuppressionList(req)
        let list = try ListRequest(req, defaultLimit: Self.defaultListLimit)
        let page = try await list.page(try filter.query(organizationID: organizationID, on: req.db), SuppressionList.byAddress)
        return try await list.response(page, for: req) { SuppressionDTO($0) }
    }

    func addSuppression(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(SuppressionBody.self)
        guard let address = body.address, !address.isEmpty else { throw ValidationProblems(["address: is required"]) }
        guard address.count <= 320 else { throw ValidationProblems(["address: must be at most 320 characters"]) }
        if let problem = SafeText.fieldProblem(body.note, field: "note") { throw ValidationProblems([problem]) }
        guard (body.note?.count ?? 0) <= Suppressions.maximumReasonLength else {
            throw ValidationProblems(["note: must be at most \(Suppressions.maximumReasonLength) characters"])
        }
        let normalized = try Suppressions.normalize(address)
        guard try await Suppressions.add(organizationID: context.organizationID, address: normalized, reason: .manual, note: body.note,
                                         actor: context.actor, on: req.db) else {
            throw Abort(.conflict, reason: "address: \(normalized) is on the suppression list already")
        }
        guard let entry = try await Suppressions.entry(organizationID: context.organizationID, address: normalized, on: req.db) else {
            throw Abort(.conflict, reason: "address: \(normalized) was cleared at the same moment")
        }
        return try await SuppressionDTO(entry).encodeResponse(status: .created, for: req)
    }

    func clearSuppression(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        guard let address = req.parameters.get("address"), address.count <= 320 else {
            throw ValidationProblems(["address: is not a valid email address"])
        }
        try await Suppressions.clear(organizationID: context.organizationID, address: address, actor: context.actor, on: req.db)
        return .noContent
    }

    func exportSuppressions(_ req: Request) async throws -> Response {
        try SuppressionList(req).export(organizationID: try req.api.organizationID, for: req)
    }

    struct SuppressionImportResult: Content {
        let added: Int
        let alreadyListed: Int
    }

    /// The body is the CSV file itself (`Content-Type: text/csv`); a file with problems imports nothing (400).
    func importSuppressions(_ req: Request) async throws -> SuppressionImportResult {
        let context = try req.api
        let data = req.body.data.map { Data(buffer: $0) } ?? Data()
        let result = try await SuppressionList.importCSV(data, organizationID: context.organizationID, actor: context.actor, on: req.db)
        return SuppressionImportResult(added: result.added, alreadyListed: result.existing)
    }

    struct DeliverabilityDTO: Content {
        var softBounceLimit: Int?
        var softBounceWindowDays: Int?
        var joinReminderDays: [Int]?
        var installReminderDays: [Int]?
    }

    func deliverabilitySettings(_ req: Request) async throws -> DeliverabilityDTO {
        let policy = try await SuppressionPolicy.load(organizationID: try req.api.organizationID, on: req.db)
        return DeliverabilityDTO(softBounceLimit: policy.softBounceLimit, softBounceWindowDays: policy.softBounceWindowDays,
                                 joinReminderDays: policy.reminderDays[.join] ?? [], installReminderDays: policy.reminderDays[.install] ?? [])
    }

    /// Fields left out keep their value.
    func saveDeliverabilitySettings(_ req: Request) async throws -> DeliverabilityDTO {
        let context = try req.api
        let body = try req.content.decode(DeliverabilityDTO.self)
        var policy = try await SuppressionPolicy.load(organizationID: context.organizationID, on: req.db)
        let join = body.joinReminderDays.map { $0.count > 10 ? "x" : SuppressionPolicy.text($0) }
        let install = body.installReminderDays.map { $0.count > 10 ? "x" : SuppressionPolicy.text($0) }
        let problems = SuppressionPolicy.problems(softBounceLimit: body.softBounceLimit, softBounceWindowDays: body.softBounceWindowDays,
                                                  join: join, install: install)
        guard problems.isEmpty else { throw ValidationProblems(problems) }
        if let limit = body.softBounceLimit { policy.softBounceLimit = limit }
        if let days = body.softBounceWindowDays { policy.softBounceWindowDays = days }
        if let join { policy.reminderDays[.join] = SuppressionPolicy.steps(join) }
        if let install { policy.reminderDays[.install] = SuppressionPolicy.steps(install) }
        try await policy.save(organizationID: context.organizationID, actor: context.actor, on: req.db)
        return try await deliverabilitySettings(req)
    }

    struct InvitationEventDTO: Content {
        /// queued, sent, deferred, failed, bounced, reminded, accepted, activated, revoked or expired.
        let kind: String
        let detail: String?
        let occurredAt: Date
    }

    /// `GET /api/v1/invitations/:id/events`: the invitation's history, oldest first.
    func invitationEvents(_ req: Request) async throws -> [InvitationEventDTO] {
        let context = try req.api
        let id = try JoinInvitationsController.id(req)
        guard try await Invitation.query(on: req.db).filter(\.$id == id).filter(\.$organization.$id == context.organizationID).first() != nil else {
            throw Abort(.notFound, reason: "invitation: not found in this organization")
        }
        return try await InvitationHistory.events(invitationID: id, on: req.db)
            .map { InvitationEventDTO(kind: $0.kind.rawValue, detail: $0.detail, occurredAt: $0.occurredAt) }
    }
}
