import Fluent
import HeraldCore
import MIME
import Vapor

/// "Invite users to install" for one key: the form, a summary that warns when invitations outnumber free seats,
/// sending, and "Download invitations".
struct InstallInvitationsController {
    struct Form: Content {
        var recipients: String?
        var csv: File?
        var language: String?
        var expires_in: String?
        var expires_on: String?
        /// Directory group ids or names (`groups[]`), expanded to their enabled people.
        var groups: [String]?
    }

    struct FormModel: Encodable {
        let keyID: String
        let keyName: String
        let product: String
        let seats: Int
        let free: Int
        let languages: [[String: String]]
        let language: String
        let expiryChoices: [[String: String]]
        let expiresIn: String
        let expiresOn: String
        let recipients: String
        let groups: [[String: String]]
        let errors: [String]
    }

    struct ReviewModel: Encodable {
        let keyID: String
        let keyName: String
        /// New invitations: the recipients without a pending invitation for this key.
        let count: Int
        /// New, skipped, pending already and free seats, a sentence each.
        let summary: [String]
        let warning: String?
        let sample: [String]
        let recipients: String
        let language: String
        let languageName: String
        let expires: String
        let expiresDisplay: String
    }

    struct SentModel: Encodable {
        let keyID: String
        let keyName: String
        let count: Int
        let batchID: String
        let rows: [InstallInvitationExport.Row]
        let more: Int
        /// "a@example.com: already has a pending install invitation ...", one line per address not invited again.
        let skipped: [String]
    }

    func form(_ req: Request) async throws -> View {
        let key = try await Self.accessibleKey(req)
        return try await Self.renderForm(req, key: key, form: Form(), errors: [])
    }

    func review(_ req: Request) async throws -> Response {
        let key = try await Self.accessibleKey(req)
        let form = try req.content.decode(Form.self)
        do {
            let groups = try await Self.groups(form, key: key, on: req.db)
            let parsed = try Self.parse(form, groups: groups)
            let keyID = try key.requireID()
            let used = try await LicenseKeyStore.usedSeats(keyID: keyID, on: req.db)
            // The same split sending makes: an address with a pending invitation is skipped, not invited again.
            let pending = try await PendingInstallInvitations.addresses(keyID: keyID, now: Date(), on: req.db)
            let suppressed = try await Suppressions.suppressed(organizationID: key.$organization.id,
                                                               among: parsed.recipients.map(\.normalized), on: req.db)
            let (invite, skipped) = PendingInstallInvitations.split(parsed.recipients, pending: pending, suppressed: suppressed)
            let forecast = SeatForecast(seats: key.seats, used: used, new: invite.count, skipped: skipped.count, pending: pending.count)
            let list = parsed.recipients.map(\.description)
            let model = ReviewModel(
                keyID: keyID.uuidString, keyName: key.name, count: invite.count,
                summary: forecast.sentences(req.herald.catalog, Self.consoleLanguage, languageName: parsed.language.nativeName,
                                            expires: DisplayDate.expiry(parsed.expiresAt)),
                warning: forecast.warning(req.herald.catalog, Self.consoleLanguage),
                sample: Array(invite.prefix(20).map { address in
                    parsed.origins[address.normalized].map { "\(address) (group \($0))" } ?? address.description
                }), recipients: list.joined(separator: "\n"),
                language: parsed.language.rawValue, languageName: parsed.language.nativeName, expires: parsed.expires,
                expiresDisplay: DisplayDate.expiry(parsed.expiresAt)
            )
            return try await req.renderPage("install-invite-review", section: .licenses, title: "Send install invitations", model).encodeResponse(for: req).get()
        } catch let problems as ValidationProblems {
            let response = try await Self.renderForm(req, key: key, form: form, errors: problems.problems).encodeResponse(for: req).get()
            response.status = .badRequest
            return response
        }
    }

    func send(_ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await Self.accessibleKey(req)
        let form = try req.content.decode(Form.self)
        do {
            let groups = try await Self.groups(form, key: key, on: req.db)
            let parsed = try Self.parse(form, groups: groups)
            let result = try await InstallInvitationBatch.send(.init(
                keyID: try key.requireID(), recipients: parsed.recipients, language: parsed.language, expiresAt: parsed.expiresAt,
                inviterID: context.account.id, actor: context.actor
            ), mailer: req.herald.mailer, secrets: req.herald.installInvitationSecrets,
           turns: req.herald.installInvitationTurns, on: req.db)
            req.herald.mailer.wakeDelivery()
            // The codes are shown in full here, once, and in "Download invitations"; afterwards only their status.
            let rows = try await InstallInvitationExport.rows(batchID: result.batchID, organizationID: context.organizationID,
                                                              limit: 100, secrets: req.herald.installInvitationSecrets, on: req.db)
            let model = SentModel(keyID: try key.requireID().uuidString, keyName: key.name, count: result.count,
                                  batchID: result.batchID.uuidString, rows: rows, more: max(0, result.count - rows.count),
                                  skipped: result.skipped.map { "\($0.email): \($0.reason)" })
            return try await req.renderPage("install-invite-sent", section: .licenses, title: "Invitations sent", model).encodeResponse(for: req).get()
        } catch let problems as ValidationProblems {
            let response = try await Self.renderForm(req, key: key, form: form, errors: problems.problems).encodeResponse(for: req).get()
            response.status = problems.status
            return response
        } catch let quota as MailQuota.Exceeded {
            let response = try await Self.renderForm(req, key: key, form: form, errors: [quota.reason]).encodeResponse(for: req).get()
            response.status = quota.status
            response.headers.add(contentsOf: quota.headers)
            return response
        }
    }

    func export(_ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await Self.accessibleKey(req)
        guard let batchID = req.parameters.get("batchID", as: UUID.self),
              let first = try await Invitation.query(on: req.db).filter(\.$batchID == batchID)
                .filter(\.$organization.$id == context.organizationID).first(),
              InstallInvitationBatch.Payload.decode(first.payload)?.licenseKeyID == key.id
        else { throw Abort(.notFound, reason: "batch: no invitations of this key with that id") }
        var csv = ""
        try await InstallInvitationExport.write(batchID: batchID, organizationID: context.organizationID,
                                                secrets: req.herald.installInvitationSecrets, on: req.db) { csv += $0 }
        try await AuditLog.record(on: req.db, organizationID: context.organization.id, actor: context.actor,
                                  action: .licenseInvitationsExported, targetType: "license_key", targetID: key.id,
                                  targetLabel: key.name, details: "batch \(batchID.uuidString)")
        return CSVDownload.response(csv, filename: "invitations-\(CSVDownload.slug(key.name)).csv")
    }

    struct Parsed {
        let recipients: [EmailAddress]
        let language: Language
        let expires: String
        let expiresAt: Date
        /// The directory group of each address a chosen group reached (not typed).
        var origins: [String: String] = [:]
    }

    /// Reads the form's recipients (typed or pasted, plus an optional CSV file), language and expiry; every
    /// problem at once, each naming its field and line.
    static func parse(_ form: Form, groups: GroupRecipients = GroupRecipients()) throws -> Parsed {
        var problems: [String] = []
        let parser = RecipientListParser()
        var addresses: [EmailAddress] = []
        var seen = Set<String>()
        let text = form.recipients ?? ""
        if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let list = parser.parse(text: text)
            problems += list.errors.map { "recipients: \($0)" }
            addresses += list.addresses
        }
        if let file = form.csv, !file.filename.isEmpty {
            let list = parser.parseCSV(data: Data(buffer: file.data))
            problems += list.errors.map { "csv: \($0)" }
            addresses += list.addresses
        }
        // The same person typed, in the file and in a chosen group gets one invitation.
        addresses = addresses.filter { seen.insert($0.description.lowercased()).inserted }
        let reached = groups.excluding(addresses)
        addresses += reached.recipients.map(\.address)
        if addresses.isEmpty && problems.isEmpty {
            problems.append((form.groups ?? []).isEmpty ? "recipients: type at least one email address or choose a CSV file"
                                                        : "groups: the chosen groups reach nobody enabled")
        }
        let language = Language(code: form.language ?? "en")
        if language == nil { problems.append("language: '\(form.language ?? "")' is not one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))") }
        let expires = (form.expires_on ?? "").trimmingCharacters(in: .whitespaces).nilIfEmpty ?? form.expires_in ?? ""
        var expiresAt = Date()
        do { expiresAt = try InvitationExpiry.parse(expires, field: "expires") } catch { problems += error.problems }
        guard problems.isEmpty, let language else { throw ValidationProblems(problems) }
        return Parsed(recipients: addresses, language: language, expires: expires, expiresAt: expiresAt, origins: reached.origins)
    }

    /// The chosen directory groups' people; an unknown group is shown on the form like any other problem.
    private static func groups(_ form: Form, key: LicenseKey, on db: any Database) async throws -> GroupRecipients {
        do {
            return try await GroupRecipients.resolve(form.groups, organizationID: key.$organization.id, on: db)
        } catch let abort as any AbortError where abort.status == .badRequest {
            throw ValidationProblems([abort.reason])
        }
    }

    private static func accessibleKey(_ req: Request) async throws -> LicenseKey {
        try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: req.console, on: req.db)
    }

    /// The console's pages are written in English; the review's counted sentences come from the catalog's plural
    /// forms, so they follow the console into another language with the rest of the page.
    static let consoleLanguage = Language.en

    private static func renderForm(_ req: Request, key: LicenseKey, form: Form, errors: [String]) async throws -> View {
        let used = try await LicenseKeyStore.usedSeats(keyID: try key.requireID(), on: req.db)
        let language = form.language ?? "en"
        return try await req.renderPage("install-invite", section: .licenses, title: "Invite users to install \(key.product)", FormModel(
            keyID: try key.requireID().uuidString, keyName: key.name, product: key.product, seats: key.seats,
            free: SeatPolicy().freeSeats(seats: key.seats, used: used),
            languages: Language.allCases.map { ["code": $0.rawValue, "name": $0.nativeName, "selected": $0.rawValue == language ? "selected" : ""] },
            language: language, expiryChoices: InvitationExpiry.choices.map { days in
                ["days": String(days), "label": req.herald.catalog.plural("common.days", count: days, .en),
                 "selected": String(days) == (form.expires_in ?? String(InvitationExpiry.defaultDays)) ? "selected" : ""]
            }, expiresIn: form.expires_in ?? String(InvitationExpiry.defaultDays),
            expiresOn: form.expires_on ?? "", recipients: form.recipients ?? "",
            groups: try await DirectoryStore.groups(of: key.$organization.id, on: req.db).map { group in
                let id = try group.requireID().uuidString
                return ["id": id, "name": group.name, "selected": (form.groups ?? []).contains(id) ? "selected" : ""]
            }, errors: errors
        ))
    }
}
