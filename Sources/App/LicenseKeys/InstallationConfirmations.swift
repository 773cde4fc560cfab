import Fluent
import Vapor

/// What the confirmation step says before an installation is deactivated or its computer blocked.
enum InstallationConfirmations {
    /// Names the computer, the key and its seat; an installation not of this key (or a key the person may not
    /// manage) is the action's own 404 or 403.
    static func describe(_ action: InstallationActions.Action) -> @Sendable (Request, [String: String]) async throws -> Confirmation {
        { req, _ in
            let context = try req.console
            let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
            let keyID = try key.requireID()
            guard let id = req.parameters.get("installationID", as: UUID.self),
                  let installation = try await Installation.query(on: req.db).filter(\.$id == id)
                    .filter(\.$licenseKey.$id == keyID).with(\.$invitation).first()
            else { throw Abort(.notFound, reason: "installation: not found for this license key") }
            let computer = "\(installation.computerName) (\(installation.operatingSystem))"
            let user = installation.invitation.map { " Its user, \($0.email), is not emailed." } ?? ""
            let seat = installation.status == .active
                ? "Its seat on \(key.name) is freed at once and its certificate is revoked.\(user)"
                : "It holds no seat already.\(user)"
            let cancel = "/console/licenses/\(keyID.uuidString)"
            switch action {
            case .deactivate:
                return Confirmation(question: "Deactivate \(computer)?",
                                    consequences: ["\(installation.computerName) stops being licensed for \(key.product).", seat],
                                    confirmLabel: "Deactivate \(installation.computerName)", cancelPath: cancel)
            case .block:
                return Confirmation(question: "Block the computer \(computer)?",
                                    consequences: ["\(installation.computerName) stops being licensed for \(key.product).", seat,
                                                   "This computer can never activate \(key.name) again, even with a new invitation."],
                                    confirmLabel: "Block \(installation.computerName)", cancelPath: cancel)
            }
        }
    }
}
