import Fluent
import HeraldCore
import SQLKit
import Vapor

/// One license key: seats, installations (deactivate, block, export) and its install invitations by status.
struct LicenseKeyController {
    struct InstallationRow: Encodable {
        let id: String
        let computerName: String
        let operatingSystem: String
        let serialNumber: String
        let macAddress: String
        let status: InstallationStatus
        let active: Bool
        let activated: String
        let lastSeen: String
        /// Holds a seat beyond the key's count, within its overage.
        let excess: Bool
        let invitation: String
    }

    struct BatchRow: Encodable {
        let id: String
        let sent: String
        let total: Int
        let pending: Int
        let activated: Int
    }

    struct ViewModel: Encodable {
        let id: String
        let name: String
        let product: String
        let seats: Int
        let used: Int
        let free: Int
        let expires: String
        let downloads: [[String: String]]
        let installations: [InstallationRow]
        let status: String
        let statuses: [InstallationStatus]
        let pages: ListLinks
        let blocked: [String]
        let batches: [BatchRow]
        let isAdministrator: Bool
        let secret: String?
        let seatMode: String
        let leaseWindowDays: Int
        let deactivationsPerMonth: Int
        let overagePercent: Int
        /// Installations that may hold a seat at once: the seats plus the overage.
        let allowance: Int
        /// `ok`, `near-limit` (80 % used) or `full`, highlighted like on the dashboard.
        let level: String
        let seatModes: [String]
        let policyErrors: [String]
        /// The organization's JWK Set, carried with an offline response (`LicenseKeyController.offlineActivation`).
        let publicKeyURL: String
    }

    /// The seat policy fields, on the key page and in the new-key form.
    struct SeatPolicyForm: Content {
        var seat_mode: String?
        var lease_window_days: String?
        var deactivations_per_month: String?
        var overage_percent: String?

        var input: SeatPolicyInput {
            SeatPolicyInput(text: seat_mode, leaseWindowDays: lease_window_days, deactivationsPerMonth: deactivations_per_month,
                            overagePercent: overage_percent)
        }
    }

    static let installationsPerPage = 100

    func show(_ req: Request) async throws -> View {
        try await Self.render(req, secret: nil)
    }

    /// The seat policy form of the key page (account administrators).
    func setSeatPolicy(_ req: Request) async throws -> Response {
        let context = try req.console
        guard context.isAdministrator else { throw Abort(.forbidden, reason: "Only account administrators can change a key's seat policy.") }
        let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
        let keyID = try key.requireID()
        do {
            let policy = try req.content.decode(SeatPolicyForm.self).input.validate(current: key).get()
            _ = try await SeatPolicyInput.apply(policy, to: keyID, actor: context.actor, seatLock: req.herald.seatLock,
                                                now: req.herald.clock.now, on: req.db)
            req.flash("Seat policy of '\(key.name)' saved: \(policy.summary).")
            return req.redirect(to: "/console/licenses/\(keyID.uuidString)")
        } catch let problems as ValidationProblems {
            let response = try await Self.render(req, secret: nil, policyErrors: problems.problems).encodeResponse(for: req).get()
            response.status = .badRequest
            return response
        }
    }

    /// Shows the real key to an account administrator who asks for it, and records that they saw it.
    func reveal(_ req: Request) async throws -> View {
        let context = try req.console
        guard context.isAdministrator else { throw Abort(.forbidden, reason: "Only account administrators can view the license key.") }
        let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
        let secret = try req.herald.secretBox.open(key.secretCiphertext)
        try await AuditLog.record(on: req.db, organizationID: context.organization.id, actor: context.actor, action: .licenseKeyViewed,
                                  targetType: "license_key", targetID: key.id, targetLabel: key.name)
        return try await Self.render(req, secret: secret)
    }

    static func render(_ req: Request, secret: String?, policyErrors: [String] = []) async throws -> View {
        let context = try req.console
        let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
        let keyID = try key.requireID()
        let used = try await LicenseKeyStore.usedSeats(keyID: keyID, on: req.db)
        let filter = try InstallationList(req)
        let list = try ListRequest(req, defaultLimit: installationsPerPage)
        let shown = try await list.page(filter.query(keyID: keyID, on: req.db), InstallationList.newestFirst)
        let installations = try shown.rows.map {
            InstallationRow(id: try $0.requireID().uuidString, computerName: $0.computerName, operatingSystem: $0.operatingSystem,
                            serialNumber: $0.serialNumber ?? "—", macAddress: $0.macAddress ?? "—", status: $0.status,
                            active: $0.status == .active, activated: DisplayDate.format($0.activatedAt),
                            lastSeen: $0.lastSeenAt.map { DisplayDate.format($0) } ?? "—", excess: $0.excess,
                            invitation: $0.invitation?.email ?? "—")
        }
        let blocked = try await BlockedComputer.query(on: req.db).filter(\.$licenseKey.$id == keyID).all().map(\.fingerprint)
        let downloads = LicenseKeyStore.downloads(of: key).sorted { $0.key < $1.key }.map { ["platform": $0.key, "url": $0.value] }
        return try await req.renderPage("license", section: .licenses, title: "License key \(key.name)", ViewModel(
            id: keyID.uuidString, name: key.name, product: key.product, seats: key.seats, used: used,
            free: SeatPolicy().freeSeats(seats: key.seats, used: used), expires: DisplayDate.expiry(key.expiresAt),
            downloads: downloads, installations: installations, status: filter.status?.rawValue ?? "",
            statuses: InstallationStatus.allCases, pages: list.links(shown, export: "/console/licenses/\(keyID)/installations.csv"),
            blocked: blocked,
            batches: try await batches(keyID: keyID, organizationID: context.organizationID, on: req.db),
            isAdministrator: context.isAdministrator, secret: secret, seatMode: key.seatMode.rawValue,
            leaseWindowDays: key.leaseWindowDays ?? SeatLease.defaultWindowDays, deactivationsPerMonth: key.deactivationsPerMonth,
            overagePercent: key.overagePercent, allowance: key.seatPolicy.allowance(seats: key.seats),
            level: SeatUsage(seats: key.seats, used: used, invited: 0).level.rawValue,
            seatModes: SeatMode.allCases.map(\.rawValue), policyErrors: policyErrors,
            publicKeyURL: ActivationURLs.publicKeys(organizationID: key.$organization.id, base: req.herald.activation.publicURL)
        ))
    }

    /// Invitation batches of this key with counts per status; codes themselves are never shown here.
    private static func batches(keyID: UUID, organizationID: UUID, on db: any Database) async throws -> [BatchRow] {
        struct Count: Decodable { let batch_id: UUID; let status: InvitationStatus; let expired: Int; let total: Int; let sent: Date? }
        let now = Date()
        let rows = try await db.sql.raw("""
            SELECT i.batch_id, i.status, SUM(CASE WHEN i.expires_at <= \(bind: now) THEN 1 ELSE 0 END) AS expired,
                   COUNT(*) AS total, MIN(i.sent_at) AS sent
            FROM \(ident: Invitation.schema) i JOIN \(ident: ActivationCodeRecord.schema) c ON c.invitation_id = i.id
            WHERE c.license_key_id = \(bind: keyID) AND i.organization_id = \(bind: organizationID) AND i.batch_id IS NOT NULL
            GROUP BY i.batch_id, i.status
            """).all(decoding: Count.self)
        var byBatch: [UUID: (sent: Date?, total: Int, pending: Int, activated: Int)] = [:]
        for row in rows {
            var entry = byBatch[row.batch_id] ?? (row.sent, 0, 0, 0)
            entry.total += row.total
            if row.status == .pending { entry.pending += row.total - row.expired }
            if row.status == .accepted { entry.activated += row.total }
            byBatch[row.batch_id] = entry
        }
        return byBatch.sorted { ($0.value.sent ?? .distantPast) > ($1.value.sent ?? .distantPast) }.map {
            BatchRow(id: $0.key.uuidString, sent: DisplayDate.format($0.value.sent), total: $0.value.total,
                     pending: $0.value.pending, activated: $0.value.activated)
        }
    }

    /// Deactivate or block one installation (the confirmed POST of its confirmation step).
    func installationAction(_ action: InstallationActions.Action) -> @Sendable (Request) async throws -> Response {
        { req in try await Self.apply(action, req) }
    }

    private static func apply(_ action: InstallationActions.Action, _ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
        guard let installationID = req.parameters.get("installationID", as: UUID.self)
        else { throw Abort(.notFound, reason: "installation: not found") }
        let installation = try await InstallationActions.apply(action, installationID: installationID, keyID: try key.requireID(),
                                                               actor: context.actor, seatLock: req.herald.seatLock, on: req.db)
        req.flash(action == .block
            ? "\(installation.computerName) is blocked and its seat is free."
            : "\(installation.computerName) is deactivated and its seat is free.")
        return req.redirect(to: "/console/licenses/\(try key.requireID().uuidString)")
    }

    func exportInstallations(_ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
        return try InstallationList(req).export(keyID: try key.requireID())
            .response(for: req, filename: "installations-\(CSVDownload.slug(key.name)).csv")
    }
}

/// A CSV attachment: UTF-8 with a BOM so that Excel reads non-ASCII names correctly, never cached.
enum CSVDownload {
    static func response(_ csv: String, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: "\u{FEFF}" + csv))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func slug(_ name: String) -> String {
        let allowed = name.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber ? $0 : "-" }
        return String(allowed).split(separator: "-").joined(separator: "-").nilIfEmpty ?? "key"
    }
}
