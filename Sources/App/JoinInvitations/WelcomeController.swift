import Vapor

/// Where a person lands after joining: a page in their language (the invitation's, kept on the account) saying
/// they joined the organization, as what, and what they can do there, before the console, which is in English.
struct WelcomeController {
    struct ViewModel: Encodable {
        let isAdministrator: Bool
    }

    static let keys = ["join.welcome.joined", "join.welcome.administrator", "join.welcome.member", "join.welcome.continue"]

    func show(_ req: Request) async throws -> Response {
        let context = try req.console
        let language = req.inviteeLanguage(invitation: context.account.language)
        let role = req.herald.catalog.text(context.isAdministrator ? "role.administrator" : "role.member", language)
        return try await req.renderInviteePage("welcome", language: language, titleKey: "join.welcome.title", keys: Self.keys,
                                               arguments: ["organization": context.organization.name, "role": role],
                                               ViewModel(isAdministrator: context.isAdministrator))
    }
}
