import Fluent
import HeraldCore
import Vapor

/// The suppression list in the console (`/console/suppressions`): search, pages, add, clear (behind the
/// confirmation step), CSV import and export; and the organization's soft-bounce threshold and reminder steps.
/// Refused forms come back in place through `consoleForm` (`FormRefusal`).
struct SuppressionsController {
    struct Row: Encodable {
        let id: String
        let address: String
        let reason: String
        let remoteReason: String
        let addedBy: String
        let createdAt: String
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let search: String
        let pages: ListLinks
        let softBounceLimit: Int
        let softBounceWindowDays: Int
        let joinReminderDays: String
        let installReminderDays: String
    }

    static let perPage = 100

    func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let filter = try SuppressionList(req)
        let list = try ListRequest(req, defaultLimit: Self.perPage)
        let page = try await list.page(try filter.query(organizationID: organizationID, on: req.db), SuppressionList.byAddress)
        let policy = try await SuppressionPolicy.load(organizationID: organizationID, on: req.db)
        let rows = try page.rows.map { entry in
            Row(id: try entry.requireID().uuidString, address: entry.address, reason: entry.reason.rawValue,
                remoteReason: entry.remoteReason ?? "", addedBy: entry.addedBy, createdAt: DisplayDate.format(entry.createdAt))
        }
        return try await req.renderPage("suppressions", section: .suppressions, ViewModel(
            rows: rows, search: filter.addressPrefix, pages: list.links(page, export: "/console/suppressions/export.csv"),
            softBounceLimit: policy.softBounceLimit, softBounceWindowDays: policy.softBounceWindowDays,
            joinReminderDays: SuppressionPolicy.text(policy.reminderDays[.join] ?? []),
            installReminderDays: SuppressionPolicy.text(policy.reminderDays[.install] ?? [])
        ))
    }

    struct AddForm: Content {
        var address: String?
        var note: String?
    }

    func add(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(AddForm.self)
        let address = (form.address ?? "").trimmingCharacters(in: .whitespaces)
        guard !address.isEmpty, address.count <= 320 else { throw ValidationProblems(["address: enter one email address"]) }
        if let problem = SafeText.fieldProblem(form.note, field: "note") { throw ValidationProblems([problem]) }
        guard (form.note?.count ?? 0) <= Suppressions.maximumReasonLength else {
            throw ValidationProblems(["note: must be at most \(Suppressions.maximumReasonLength) characters"])
        }
        let normalized = try Suppressions.normalize(address)
        let added = try await Suppressions.add(organizationID: context.organizationID, address: normalized, reason: .manual,
                                               note: form.note, actor: context.actor, on: req.db)
        req.flash(added ? "\(normalized) is suppressed: no invitation will be sent to it until it is cleared."
                        : "\(normalized) was on the suppression list already.")
        return req.redirect(to: "/console/suppressions")
    }

    private func entry(_ req: Request) async throws -> SuppressedAddress {
        let organizationID = try req.console.organizationID
        guard let id = req.parameters.get("id", as: UUID.self),
              let entry = try await SuppressedAddress.query(on: req.db).filter(\.$id == id)
                .filter(\.$organization.$id == organizationID).first()
        else { throw Abort(.notFound, reason: "address: not on this organization's suppression list") }
        return entry
    }

    func describeClear(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let entry = try await entry(req)
        return Confirmation(
            question: "Clear \(entry.address) from the suppression list?",
            consequences: ["Invitations to \(entry.address) can be sent again; its soft bounces so far stop counting.",
                           "If mail to it bounces again, it is suppressed again."],
            confirmLabel: "Clear \(entry.address)", cancelPath: "/console/suppressions")
    }

    func clear(_ req: Request) async throws -> Response {
        let context = try req.console
        let entry = try await entry(req)
        try await Suppressions.clear(organizationID: context.organizationID, address: entry.address, actor: context.actor, on: req.db)
        req.flash("\(entry.address) was cleared from the suppression list.")
        return req.redirect(to: "/console/suppressions")
    }

    func export(_ req: Request) async throws -> Response {
        try SuppressionList(req).export(organizationID: try req.console.organizationID, for: req)
    }

    struct ImportForm: Content {
        var csv: String?
        var file: File?
    }

    func importCSV(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(ImportForm.self)
        var data = Data((form.csv ?? "").utf8)
        if let file = form.file, file.data.readableBytes > 0 { data = Data(buffer: file.data) }
        let result = try await SuppressionList.importCSV(data, organizationID: context.organizationID, actor: context.actor, on: req.db)
        req.flash("Imported: \(result.added) address(es) added, \(result.existing) already on the list.")
        return req.redirect(to: "/console/suppressions")
    }

    struct SettingsForm: Content {
        var soft_bounce_limit: String?
        var soft_bounce_window_days: String?
        var join_reminder_days: String?
        var install_reminder_days: String?
    }

    func saveSettings(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(SettingsForm.self)
        func number(_ text: String?, _ field: String) throws -> Int {
            guard let text, text.count <= 4, let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationProblems(["\(field): must be a whole number"])
            }
            return value
        }
        let limit = try number(form.soft_bounce_limit, "soft_bounce_limit")
        let window = try number(form.soft_bounce_window_days, "soft_bounce_window_days")
        let join = String((form.join_reminder_days ?? "").prefix(100)), install = String((form.install_reminder_days ?? "").prefix(100))
        let problems = SuppressionPolicy.problems(softBounceLimit: limit, softBounceWindowDays: window, join: join, install: install)
        guard problems.isEmpty else { throw ValidationProblems(problems) }
        var policy = try await SuppressionPolicy.load(organizationID: context.organizationID, on: req.db)
        policy.softBounceLimit = limit
        policy.softBounceWindowDays = window
        policy.reminderDays = [.join: SuppressionPolicy.steps(join) ?? [], .install: SuppressionPolicy.steps(install) ?? []]
        try await policy.save(organizationID: context.organizationID, actor: context.actor, on: req.db)
        req.flash("Saved: \(policy.summary).")
        return req.redirect(to: "/console/suppressions")
    }
}
