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

    var status: HTTPResponseStatus {
        switch self {
        case .unknownCode: .notFound
        case .codeExpired, .invitationRevoked: .gone
        case .codeUsed: .conflict
        case .noFreeSeat: .unprocessableEntity
        case .keyExpired: .paymentRequired
        case .computerBlocked: .forbidden
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
        }
    }

    var reason: String {
        switch self {
        case .unknownCode: "code: unknown activation code; check that it was typed as in the invitation"
        case .codeExpired(let date): "code: this activation code expired on \(DisplayDate.format(date)); ask for a new invitation"
        case .invitationRevoked: "code: the invitation with this activation code was revoked"
        case .codeUsed: "code: this activation code has already been used on another computer"
        case .noFreeSeat(let seats): "seats: all \(seats) seats of this license key are in use; ask your administrator to free one"
        case .keyExpired(let date): "license: the license key expired on \(DisplayDate.format(date))"
        case .computerBlocked: "computer: this computer is blocked from activating this license key"
        }
    }

    var abort: Abort {
        Abort(status, headers: ["Herald-Activation-Error": name], reason: reason)
    }
}
