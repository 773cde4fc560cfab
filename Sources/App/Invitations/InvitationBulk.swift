import Fluent
import HeraldCore
import Vapor

/// Resending or revoking every invitation that matches a filter (kind, status, age, batch), for the console and the
/// API: a preview counts the matches; the confirmed action goes through `InvitationChanges` one invitation at a time,
/// so each keeps its own rules (a join link, an install code under the key's seat lock, a client invitation that
/// cannot be resent), and an invitation another request changed meanwhile is reported, not a failure of the rest.
struct InvitationBulk: Sendable {
    enum Action: String, Codable, Sendable, CaseIterable { case resend, revoke }

    struct Filter: Sendable, Equatable {
        var kind: InvitationKind?
        var status: InvitationStatus?
        /// Only invitations created at least this many days ago.
        var olderThanDays: Int?
        var batchID: UUID?

        static let ageRange = 0...3_650

        /// From text fields (the console's form, carried through the confirmation step); each bad field named.
        init(kind: String?, status: String?, olderThanDays: String?, batch: String?) throws {
            self.kind = try InvitationList.choice(kind ?? "", field: "kind")
            self.status = try InvitationList.choice(status ?? "", field: "status")
            if let text = olderThanDays?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard text.count <= 5, let days = Int(text), Self.ageRange.contains(days) else {
                    throw ValidationProblems(["older_than_days: must be a whole number from 0 to \(Self.ageRange.upperBound)"])
                }
                self.olderThanDays = days
            }
            if let text = batch?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let id = UUID(uuidString: text) else { throw ValidationProblems(["batch: must be a batch id (a UUID)"]) }
                batchID = id
            }
        }

        func query(organizationID: UUID, now: Date, on db: any Database) -> QueryBuilder<Invitation> {
            var query = InvitationList.filter(Invitation.query(on: db).filter(\.$organization.$id == organizationID), status: status, now: now)
            if let kind { query = query.filter(\.$kind == kind) }
            if let olderThanDays { query = query.filter(\.$createdAt <= now.addingTimeInterval(-Double(olderThanDays) * 86_400)) }
            if let batchID { query = query.filter(\.$batchID == batchID) }
            return query
        }

        /// "pending join invitations created 7 or more days ago", for the confirmation step and the audit.
        var description: String {
            var words = [status?.rawValue, kind?.rawValue, "invitations"].compactMap { $0 }.joined(separator: " ")
            if let olderThanDays { words += " created \(olderThanDays) or more days ago" }
            if let batchID { words += " of batch \(batchID.uuidString)" }
            return words
        }
    }

    struct Outcome: Content, Equatable {
        let matching: Int
        let done: Int
        /// The invitations that were not changed, each "email: reason" (at most `maximumReported`).
        let refused: [String]
    }

    /// One request changes at most this many: larger selections are narrowed (by batch or age) or repeated.
    static let maximumPerRequest = 5_000
    /// Larger selections run as a background job with progress (`BulkJobs`). Each invitation is a transaction of
    /// its own and a resend renders and signs an email: a few milliseconds each, more on a busy SQLite file, so
    /// 200 stay within a couple of seconds, an answer people and API clients wait for; a thousand would hold the
    /// request (and a proxy's timeout) for many seconds with nothing to show.
    static let backgroundThreshold = 200
    static let maximumReported = 100

    let services: HeraldServices

    static func count(_ filter: Filter, organizationID: UUID, on db: any Database, now: Date = Date()) async throws -> Int {
        try await filter.query(organizationID: organizationID, now: now, on: db).count()
    }

    func apply(_ action: Action, to filter: Filter, organization: Organization, inviter: Account?, actor: AuditActor,
               on db: any Database, now: Date = Date()) async throws -> Outcome {
        let organizationID = try organization.requireID()
        let matching = try await Self.count(filter, organizationID: organizationID, on: db, now: now)
        guard matching <= Self.maximumPerRequest else {
            throw ValidationProblems(["filter: \(matching) invitations match, more than the \(Self.maximumPerRequest) one request changes; narrow it by batch or age"],
                                     status: .unprocessableEntity)
        }
        let rows = try await filter.query(organizationID: organizationID, now: now, on: db).field(\.$id).field(\.$email).all()
        let changes = InvitationChanges(services: services)
        var done = 0
        var refused: [String] = []
        for row in rows {
            do {
                switch action {
                case .resend: try await changes.resend(try row.requireID(), organization: organization, inviter: inviter, actor: actor, on: db)
                case .revoke: try await changes.revoke(try row.requireID(), organizationID: organizationID, actor: actor, on: db, now: now)
                }
                done += 1
            } catch let refusal as any AbortError where refusal.status.code < 500 {
                if refused.count < Self.maximumReported { refused.append("\(row.email): \(refusal.reason)") }
            }
        }
        services.mailer.wakeDelivery()
        return Outcome(matching: rows.count, done: done, refused: refused)
    }
}

extension APIController {
    struct BulkBody: Content {
        var action: String?
        var kind: String?
        var status: String?
        var older_than_days: WholeNumber<BulkAgeDays>?
        var batch: String?
        /// false or absent: only count the matches.
        var confirm: Bool?
    }

    /// `POST /api/v1/invitations/bulk`: a preview count without `confirm`, the action with `confirm: true`: done at
    /// once for up to `backgroundThreshold` matches, else a job answered 202 with its progress resource.
    func bulkInvitations(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(BulkBody.self)
        let filter = try InvitationBulk.Filter(kind: body.kind, status: body.status, olderThanDays: body.older_than_days.map { String($0.value) },
                                               batch: body.batch)
        guard body.confirm == true else {
            let matching = try await InvitationBulk.count(filter, organizationID: context.organizationID, on: req.db)
            return try await ["matching": matching].encodeResponse(for: req)
        }
        guard let action = try InvitationList.choice(body.action ?? "", field: "action") as InvitationBulk.Action? else {
            throw ValidationProblems(["action: must be one of resend, revoke"])
        }
        if let job = try await BulkJobs(services: req.herald).startIfLarge(action, filter: filter, organizationID: context.organizationID,
                                                                            actor: context.actor, on: req.db) {
            let response = try await BulkJobProgress(job, failures: []).encodeResponse(status: .accepted, for: req)
            response.headers.replaceOrAdd(name: .location, value: "/api/v1/bulk-jobs/\(try job.requireID())")
            return response
        }
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        return try await InvitationBulk(services: req.herald)
            .apply(action, to: filter, organization: organization, inviter: context.account, actor: context.actor, on: req.db)
            .encodeResponse(for: req)
    }
}

/// How old a bulk selection's invitations are, in days.
enum BulkAgeDays: WholeNumberRange {
    static let range = InvitationBulk.Filter.ageRange
}

/// The console's bulk form: a GET of `/console/invitations/bulk` with the filter shows the confirmation step with the
/// number of matches (the preview); confirming acts and says what was done, or, for a large selection, starts a job
/// and shows its progress page.
struct InvitationBulkController {
    private static func parsed(_ fields: [String: String]) throws -> (InvitationBulk.Action, InvitationBulk.Filter) {
        guard let action = try InvitationList.choice(fields["action"] ?? "", field: "action") as InvitationBulk.Action? else {
            throw ValidationProblems(["action: must be one of resend, revoke"])
        }
        let filter = try InvitationBulk.Filter(kind: fields["kind"], status: fields["status"], olderThanDays: fields["older_than_days"],
                                               batch: fields["batch"])
        return (action, filter)
    }

    func describe(_ req: Request, _ fields: [String: String]) async throws -> Confirmation {
        let (action, filter) = try Self.parsed(fields)
        let matching = try await InvitationBulk.count(filter, organizationID: try req.console.organizationID, on: req.db)
        let consequences = switch action {
        case .resend: ["Each gets a new email; join links and activation codes sent before stop working, and the expiry restarts.",
                       "Accepted, revoked and client invitations, and suppressed addresses, are left as they are and listed."]
        case .revoke: ["Their links and activation codes stop working at once. Nobody is emailed.",
                       "Invitations accepted or revoked already are left as they are and listed."]
        }
        return Confirmation(
            question: "\(action == .resend ? "Resend" : "Revoke") \(matching) \(filter.description)?",
            consequences: consequences + (matching > BulkJobs.maximumSelection
                ? ["More than \(BulkJobs.maximumSelection) match: narrow the selection by batch or age first."]
                : matching > InvitationBulk.backgroundThreshold
                ? ["More than \(InvitationBulk.backgroundThreshold) match: the work runs in the background and the next page shows its progress."] : []),
            confirmLabel: "\(action == .resend ? "Resend" : "Revoke") \(matching) invitation\(matching == 1 ? "" : "s")",
            cancelPath: "/console/invitations")
    }

    func perform(_ req: Request) async throws -> Response {
        let context = try req.console
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        let (action, filter) = try Self.parsed(fields)
        if let job = try await BulkJobs(services: req.herald).startIfLarge(action, filter: filter, organizationID: context.organizationID,
                                                                            actor: context.actor, on: req.db) {
            return req.redirect(to: "/console/bulk-jobs/\(try job.requireID())")
        }
        let outcome = try await InvitationBulk(services: req.herald).apply(action, to: filter, organization: context.organization,
                                                                           inviter: context.account, actor: context.actor, on: req.db)
        req.flash("\(action == .resend ? "Resent" : "Revoked") \(outcome.done) of \(outcome.matching)."
                  + (outcome.refused.isEmpty ? "" : " Left as they were: " + outcome.refused.joined(separator: "; ")))
        return req.redirect(to: "/console/invitations")
    }
}
