import Fluent
import HeraldCore
import Vapor

/// Client invitations sent so far, the wizard's preview and send, and a batch's delivery progress.
struct ClientInvitationsController {
    struct Row: Encodable {
        let name: String
        let email: String
        let devices: String
        let server: String
        /// `ClientInvitationState.label`, with the reason when delivery failed.
        let status: String
        let sent: String
        let batch: String
    }

    struct ListView: Encodable {
        let rows: [Row]
        let hasDraft: Bool
        /// The platforms without a download link, named; empty when every one has a link.
        let missingDownloads: String
    }

    func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let invitations = try await Invitation.query(on: req.db)
            .filter(\.$organization.$id == organizationID).filter(\.$kind == .client)
            .sort(\.$createdAt, .descending).limit(500).all()
        let states = try await ClientInvitationState.of(invitations, on: req.db)
        let rows = invitations.map { invitation in
            let payload = invitation.payload.flatMap { try? JSONDecoder().decode(ClientInvitations.Payload.self, from: Data($0.utf8)) }
            let known = invitation.id.flatMap { states[$0] }
            return Row(name: invitation.name ?? "", email: invitation.email,
                       devices: payload?.deviceTypes.compactMap(ClientDeviceType.init(name:)).map(ClientChoiceLabels.device).joined(separator: ", ") ?? "",
                       server: payload.map { "\($0.server):\($0.port)" } ?? "",
                       status: (known?.state.label ?? ClientInvitationState.queued.label) + (known?.detail.map { ": \($0)" } ?? ""),
                       sent: DisplayDate.format(invitation.sentAt), batch: invitation.batchID?.uuidString ?? "")
        }
        let hasDraft = req.session.data[ClientWizardDraft.sessionKey] != nil
        let downloads = try await ClientDownloadsStore.downloads(for: organizationID, on: req.db)
        let missing = ClientDeviceType.allCases.filter { downloads.links[$0] == nil }.map(ClientChoiceLabels.device).joined(separator: ", ")
        return try await req.renderPage("client-invitations", section: .clientInvitations,
                                        ListView(rows: rows, hasDraft: hasDraft, missingDownloads: missing))
    }

    /// The exact HTML document the chosen recipient will get, for the wizard's sandboxed preview frame.
    /// Its own policy allows the email's inline styles and nothing else: no scripts, no requests, no forms.
    func preview(_ req: Request) async throws -> Response {
        let context = try req.console
        let draft = ClientWizardDraft.load(req)
        let plan = try await ClientInvitationPlanner.plan(draft.request, organization: context.organization, catalog: req.herald.catalog, publicURL: req.herald.configuration.publicURL, on: req.db)
        let chosen = try? req.query.get(UUID.self, at: "user")
        guard let user = plan.recipients.first(where: { $0.id == chosen }) ?? plan.recipients.first else {
            throw Abort(.notFound, reason: "user: not one of the recipients")
        }
        let response = Response(status: .ok, body: .init(string: plan.message(for: user).html))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "SAMEORIGIN")
        return response
    }

    func send(_ req: Request) async throws -> Response {
        let context = try req.console
        let draft = ClientWizardDraft.load(req)
        let plan: ClientInvitationPlan
        do {
            plan = try await ClientInvitationPlanner.plan(draft.request, organization: context.organization, catalog: req.herald.catalog, publicURL: req.herald.configuration.publicURL, on: req.db)
        } catch let abort as any AbortError where abort.status.code < 500 {
            req.flash("Nothing was sent: \(abort.reason)")
            return req.redirect(to: ClientWizardStep.summary.path)
        }
        let sent: ClientInvitations.Sent
        do {
            sent = try await ClientInvitations(mailer: req.herald.mailer).send(plan, inviter: context.account, actor: context.actor, on: req.db)
        } catch let problems as ValidationProblems {
            req.flash("Nothing was sent: \(problems.reason)")
            return req.redirect(to: ClientWizardStep.summary.path)
        }
        ClientWizardDraft.clear(req)
        req.flash("Queued \(sent.recipients) invitation\(sent.recipients == 1 ? "" : "s")."
                  + (sent.refused.isEmpty ? "" : " Not sent: " + sent.refused.joined(separator: "; ")))
        return req.redirect(to: "/console/client-invitations/batches/\(sent.batchID.uuidString)")
    }

    struct Progress: Encodable {
        struct Count: Encodable {
            let status: OutboxStatus
            let count: Int
        }
        struct Message: Encodable {
            let to: String
            let status: OutboxStatus
            let detail: String
        }
        let batch: String
        let total: Int
        let done: Bool
        let counts: [Count]
        let messages: [Message]
    }

    /// Delivery progress of one send. Reloads itself (the `Refresh` header, no script) until nothing is pending.
    func progress(_ req: Request) async throws -> Response {
        let organizationID = try req.console.organizationID
        guard let batchID = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound, reason: "batch: not a batch id") }
        let rows = try await OutboxMessage.query(on: req.db).filter(\.$organization.$id == organizationID).filter(\.$batchID == batchID)
            .field(\.$id).field(\.$recipients).field(\.$status).field(\.$lastError).field(\.$createdAt)
            .sort(\.$recipients).all()
        guard !rows.isEmpty else { throw Abort(.notFound, reason: "batch: no messages of this batch in your organization") }
        let counts = OutboxStatus.allCases.map { state in Progress.Count(status: state, count: rows.filter { $0.status == state }.count) }
        let pending = rows.contains { ![.sent, .failed].contains($0.status) }
        let progress = Progress(batch: batchID.uuidString, total: rows.count, done: !pending, counts: counts,
                                messages: rows.prefix(1000).map { .init(to: $0.recipients, status: $0.status, detail: $0.lastError ?? "") })
        let response = try await req.renderPage("client-invitations-progress", section: .clientInvitations, title: "Delivery progress", progress)
            .encodeResponse(for: req).get()
        if pending { response.headers.replaceOrAdd(name: "Refresh", value: "2") }
        return response
    }
}
