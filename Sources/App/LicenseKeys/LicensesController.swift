import Fluent
import Vapor

/// License keys in the console: the list (with seat use) and creating a key. Account administrators see every key
/// of the organization; license administrators only theirs. The real key is never on these pages.
struct LicensesController {
    struct Row: Encodable {
        let id: String
        let name: String
        let product: String
        let seats: Int
        let used: Int
        let free: Int
        let expires: String
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let canCreate: Bool
        let errors: [String]
        let form: [String: String]
        let platforms: [String]
    }

    struct CreateForm: Content {
        var name: String?
        var product: String?
        var seats: String?
        var expires: String?
        var key: String?
        var download_macos: String?
        var download_windows: String?
        var download_linux: String?
        var seat_mode: String?
        var lease_window_days: String?
        var deactivations_per_month: String?
        var overage_percent: String?

        var input: LicenseKeyInput {
            var input = LicenseKeyInput(
                name: name ?? "", product: product ?? "", seats: seats.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
                expires: expires, secret: key,
                downloads: ["macOS": download_macos ?? "", "Windows": download_windows ?? "", "Linux": download_linux ?? ""]
            )
            input.seatPolicy = LicenseKeyController.SeatPolicyForm(
                seat_mode: seat_mode, lease_window_days: lease_window_days, deactivations_per_month: deactivations_per_month,
                overage_percent: overage_percent
            ).input
            return input
        }
    }

    func list(_ req: Request) async throws -> View {
        try await Self.render(req, errors: [], form: [:])
    }

    func create(_ req: Request) async throws -> Response {
        let context = try req.console
        guard context.isAdministrator else { throw Abort(.forbidden, reason: "Only account administrators can add license keys.") }
        let form = try req.content.decode(CreateForm.self)
        let echo = ["name": form.name ?? "", "product": form.product ?? "", "seats": form.seats ?? "", "expires": form.expires ?? "",
                    "seat_mode": form.seat_mode ?? "", "lease_window_days": form.lease_window_days ?? "",
                    "deactivations_per_month": form.deactivations_per_month ?? "", "overage_percent": form.overage_percent ?? ""]
        do {
            var input = form.input
            if let seats = form.seats, !seats.isEmpty, input.seats == nil { input.seats = -1 }
            let validated = try input.validate().get()
            let key = try await LicenseKeyStore.create(validated, organizationID: context.organizationID, actor: context.actor,
                                                       secretBox: req.herald.secretBox, on: req.db)
            req.flash("License key '\(key.name)' added.")
            return req.redirect(to: "/console/licenses/\(try key.requireID().uuidString)")
        } catch let problems as ValidationProblems {
            let response = try await Self.render(req, errors: problems.problems, form: echo).encodeResponse(for: req).get()
            response.status = .badRequest
            return response
        }
    }

    private static func render(_ req: Request, errors: [String], form: [String: String]) async throws -> View {
        let context = try req.console
        try await LicenseAccess.requireSomeAccess(context, on: req.db)
        let scope = try await LicenseAccess.scope(for: context, on: req.db)
        let keys = try await LicenseKey.query(on: req.db).filter(\.$organization.$id == context.organizationID).sort(\.$name).all()
            .filter { scope.allows(try $0.requireID()) }
        let used = try await LicenseKeyStore.usedSeats(keyIDs: keys.map { try $0.requireID() }, on: req.db)
        let rows = try keys.map { key in
            let inUse = used[try key.requireID()] ?? 0
            return Row(id: try key.requireID().uuidString, name: key.name, product: key.product, seats: key.seats, used: inUse,
                       free: max(0, key.seats - inUse), expires: DisplayDate.expiry(key.expiresAt))
        }
        return try await req.renderPage("licenses", section: .licenses, ViewModel(
            rows: rows, canCreate: context.isAdministrator, errors: errors, form: form, platforms: LicenseKeyInput.platforms
        ))
    }
}
