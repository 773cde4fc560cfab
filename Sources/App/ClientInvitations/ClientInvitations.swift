import Fluent
import HeraldCore
import Vapor

/// Sends a checked plan: one invitation row and one outbox message per recipient, all in one transaction with
/// the audit event, so either every recipient is queued or none is.
struct ClientInvitations {
    struct Sent: Content, Equatable {
        let batchID: UUID
        let recipients: Int
        let deviceTypes: [String]
        let warnings: [String]
        /// Recipients not invited, each "address: reason" (suppressed addresses).
        var refused: [String] = []
    }

    /// What the invitation row keeps about the connection (the `payload` column), for the list and for support.
    struct Payload: Codable, Equatable {
        let deviceTypes: [String]
        let server: String
        let port: Int
        let connectionMode: String
        let connMode: Int
        let authentication: String
        let credentialProvider: String?
        let launchLink: String

        init(_ plan: ClientInvitationPlan) {
            deviceTypes = plan.settings.deviceTypes.map(\.rawValue)
            server = plan.settings.server.text
            port = plan.settings.port
            connectionMode = plan.settings.mode.name
            connMode = plan.settings.mode.rawValue
            authentication = plan.settings.authentication.rawValue
            credentialProvider = plan.settings.credentialProvider
            launchLink = ClientLaunchLink.url(scheme: plan.downloads.urlScheme, settings: plan.settings)
        }
    }

    /// Client invitations grant nothing that expires; the row's expiry only bounds how long it shows as pending.
    static let listedForDays = 30

    let mailer: Mailer

    func send(_ plan: ClientInvitationPlan, inviter: Account?, actor: AuditActor, on db: any Database, now: Date = Date()) async throws -> Sent {
        let batchID = UUID()
        let organizationID = try plan.organization.requireID()
        let payload = String(decoding: try JSONEncoder().encode(Payload(plan)), as: UTF8.self)
        // Suppressed addresses are left out and named; the rest of the batch is sent.
        let suppressed = try await Suppressions.suppressed(organizationID: organizationID, among: plan.recipients.map { $0.email.lowercased() }, on: db)
        let recipients = plan.recipients.filter { !suppressed.contains($0.email.lowercased()) }
        let refused = plan.recipients.filter { suppressed.contains($0.email.lowercased()) }
            .map { "\($0.email): " + Suppressions.refusal($0.email.lowercased()) }
        guard !recipients.isEmpty else { throw ValidationProblems(refused.map { "recipients: \($0)" }, status: .conflict) }
        try await db.transaction { db in
            var invitations: [Invitation] = []
            var mails: [OutgoingMail] = []
            for user in recipients {
                let invitation = Invitation()
                invitation.id = UUID()
                invitation.$organization.id = organizationID
                invitation.$inviter.id = inviter?.id
                invitation.batchID = batchID
                invitation.kind = .client
                invitation.email = user.email
                invitation.name = user.name
                invitation.language = plan.language.rawValue
                invitation.status = .pending
                invitation.payload = payload
                invitation.expiresAt = now.addingTimeInterval(TimeInterval(Self.listedForDays) * 86_400)
                invitations.append(invitation)
                mails.append(try plan.mail(for: user, invitationID: invitation.id, batchID: batchID))
            }
            for chunk in invitations.chunked(500) { try await Array(chunk).create(on: db) }
            try await mailer.outbox.enqueue(mails, on: db, now: now)
            try await WebhookEvents.emitCreated(invitations, organizationID: organizationID, on: db, now: now)
            try await InvitationHistory.record(.queued, invitations: try invitations.map { (try $0.requireID(), organizationID) }, on: db, at: now)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .clientInvitationSent,
                                      targetType: "invitation_batch", targetID: batchID,
                                      targetLabel: "\(recipients.count) recipients",
                                      details: "devices: \(plan.settings.deviceTypes.map(\.rawValue).joined(separator: ", ")), server: \(plan.settings.server.text):\(plan.settings.port), mode: \(plan.settings.mode.name), authentication: \(plan.settings.authentication.rawValue), language: \(plan.language.rawValue)")
        }
        mailer.wakeDelivery()
        return Sent(batchID: batchID, recipients: recipients.count, deviceTypes: plan.settings.deviceTypes.map(\.rawValue), warnings: plan.warnings,
                    refused: refused)
    }
}
