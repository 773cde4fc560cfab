import Foundation
import Vapor

/// Why a code did not activate a machine. Each has its own HTTP status, and the `Herald-Activation-Error`
/// header carries a stable name a product can switch on without parsing English.
enum ActivationError: Error, Equatable {
    case unknownCode
    case codeExpired(Date)
    case invitationRevoked
    case codeUsed
    case noFreeSeat(seats: Int)
    case keyExpired(Date)
    case computerBlocked
    // Checking in and deactivating from the client (`InstallationCheckIn`).
    /// The installation key does not match the installation (or there is no such installation).
    case wrongInstallationKey
    /// Its seat lapsed and every seat is taken now.
    case lapsedNoFreeSeat(windowDays: Int)
    /// An administrator (or the computer itself) deactivated it: only its code activates it again.
    case installationDeactivated
    /// The key's computers may not deactivate themselves (limit 0).
    case clientDeactivationOff
    /// The computer deactivated itself `count` times in 30 days; it may again at `until`, `wait` seconds from now.
    case deactivationLimit(count: Int, until: Date, wait: TimeInterval)

    var status: HTTPResponseStatus {
        switch self {
        case .unknownCode: .notFound
        case .codeExpired, .invitationRevoked: .gone
        case .codeUsed: .conflict
        case .noFreeSeat: .unprocessableEntity
        case .keyExpired: .paymentRequired
        case .computerBlocked: .forbidden
        case .wrongInstallationKey: .unauthorized
        case .lapsedNoFreeSeat: .conflict
        case .installationDeactivated: .gone
        case .clientDeactivationOff: .forbidden
        case .deactivationLimit: .tooManyRequests
        }
    }

    var name: String {
        switch self {
        case .unknownCode: "unknown-code"
        case .codeExpired: "code-expired"
        case .invitationRevoked: "invitation-revoked"
        case .codeUsed: "code-used"
        case .noFreeSeat: "no-free-seat"
        case .keyExpired: "key-expired"
        case .computerBlocked: "computer-blocked"
        case .wrongInstallationKey: "wrong-installation-key"
        case .lapsedNoFreeSeat: "lapsed-no-free-seat"
        case .installationDeactivated: "installation-deactivated"
        case .clientDeactivationOff: "client-deactivation-off"
        case .deactivationLimit: "deactivation-limit"
        }
    }

    /// "field: what is wrong", the API's error form, with the message in the asker's language: the person
    /// activating reads it in the product (or `herald activate`), which sends `Accept-Language`.
    func reason(_ catalog: MessageCatalog, _ language: Language) -> String {
        switch self {
        case .unknownCode: "code: " + catalog.text("activation.error.unknownCode", language)
        case .codeExpired(let date): "code: " + catalog.text("activation.error.codeExpired", language, ["date": LocalizedDate.format(date, language)])
        case .invitationRevoked: "code: " + catalog.text("activation.error.invitationRevoked", language)
        case .codeUsed: "code: " + catalog.text("activation.error.codeUsed", language)
        case .noFreeSeat(let seats): "seats: " + catalog.plural("activation.error.noFreeSeat", count: seats, language)
        case .keyExpired(let date): "license: " + catalog.text("activation.error.keyExpired", language, ["date": LocalizedDate.format(date, language)])
        case .computerBlocked: "computer: " + catalog.text("activation.error.computerBlocked", language)
        case .wrongInstallationKey: "installationKey: " + catalog.text("activation.error.wrongInstallationKey", language)
        case .lapsedNoFreeSeat(let days): "seats: " + catalog.plural("activation.error.lapsedNoFreeSeat", count: days, language)
        case .installationDeactivated: "installation: " + catalog.text("activation.error.installationDeactivated", language)
        case .clientDeactivationOff: "installation: " + catalog.text("activation.error.clientDeactivationOff", language)
        case .deactivationLimit(let count, let until, _):
            "installation: " + catalog.plural("activation.error.deactivationLimit", count: count, language,
                                              ["date": LocalizedDate.format(until, language)])
        }
    }

    func abort(_ catalog: MessageCatalog, _ language: Language) -> Abort {
        var headers: HTTPHeaders = ["Herald-Activation-Error": name]
        switch self {
        case .wrongInstallationKey: headers.add(name: .wwwAuthenticate, value: "Bearer")
        case .deactivationLimit(_, _, let wait): headers.add(name: .retryAfter, value: String(max(1, Int(wait.rounded(.up)))))
        default: break
        }
        return Abort(status, headers: headers, reason: reason(catalog, language))
    }
}
