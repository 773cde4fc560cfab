import Foundation
import HeraldCore
import Vapor

/// The Invite Users wizard's input so far, kept in the session between steps so that Back and Next never lose
/// what was typed (the session lives in the database, so it also survives a server restart).
struct ClientWizardDraft: Codable, Equatable {
    var request = ClientInvitationRequest()
    var previewUserID: UUID?

    static let sessionKey = "client_wizard"

    static func load(_ req: Request) -> ClientWizardDraft {
        guard let json = req.session.data[sessionKey],
              let draft = try? JSONDecoder().decode(ClientWizardDraft.self, from: Data(json.utf8)) else { return ClientWizardDraft() }
        return draft
    }

    func save(_ req: Request) throws {
        req.session.data[Self.sessionKey] = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    static func clear(_ req: Request) { req.session.data[sessionKey] = nil }

    /// Whether this session has a wizard in progress (a step page opened without "Invite users" starts one).
    static func isStarted(_ req: Request) -> Bool { req.session.data[sessionKey] != nil }
}

/// The wizard's pages, in order.
enum ClientWizardStep: String, CaseIterable, Codable {
    case mail, connection, recipients, message, summary

    var title: String {
        switch self {
        case .mail: "Mail"
        case .connection: "Connection"
        case .recipients: "Recipients"
        case .message: "Message"
        case .summary: "Summary"
        }
    }

    var path: String { "/console/client-invitations/wizard/\(rawValue)" }
    var previous: ClientWizardStep? { Self.allCases.firstIndex(of: self).flatMap { $0 > 0 ? Self.allCases[$0 - 1] : nil } }
    var next: ClientWizardStep? {
        Self.allCases.firstIndex(of: self).flatMap { $0 + 1 < Self.allCases.count ? Self.allCases[$0 + 1] : nil }
    }
}

/// The step bar at the top of each wizard page.
struct WizardStepLink: Encodable {
    let number: Int
    let title: String
    let path: String
    let current: Bool
    let done: Bool

    static func all(current: ClientWizardStep) -> [WizardStepLink] {
        let index = ClientWizardStep.allCases.firstIndex(of: current)!
        return ClientWizardStep.allCases.enumerated().map { offset, step in
            WizardStepLink(number: offset + 1, title: step.title, path: step.path, current: step == current, done: offset < index)
        }
    }
}
