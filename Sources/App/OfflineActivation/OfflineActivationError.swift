import HeraldCore
import Vapor

/// Why a request file was refused before (or instead of) an activation; the activation's own refusals are
/// `ActivationError`s, worded as online.
enum OfflineActivationError: Error, Equatable {
    case request(OfflineActivationRequestProblem)
    /// Uploaded on a key's console page with a code of another key.
    case codeOfAnotherKey

    var name: String {
        switch self {
        case .request(.badSignature): "request-signature-mismatch"
        case .request: "not-an-activation-request"
        case .codeOfAnotherKey: "code-of-another-key"
        }
    }

    /// "field: message" in the asker's language.
    func reason(_ catalog: MessageCatalog, _ language: Language) -> String {
        switch self {
        case .request(let problem): problem.field + ": " + catalog.text(Self.messageKey(problem), language)
        case .codeOfAnotherKey: "code: " + catalog.text("activation.offline.error.codeOfAnotherKey", language)
        }
    }

    private static func messageKey(_ problem: OfflineActivationRequestProblem) -> String {
        switch problem {
        case .notARequest: "activation.offline.error.notARequest"
        case .badPublicKey: "activation.offline.error.badPublicKey"
        case .badNonce: "activation.offline.error.badNonce"
        case .badSignature: "activation.offline.error.badSignature"
        }
    }

    func abort(_ catalog: MessageCatalog, _ language: Language) -> Abort {
        Abort(.badRequest, headers: ["Herald-Activation-Error": name], reason: reason(catalog, language))
    }
}
