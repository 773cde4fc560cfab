extension InvitationsController {
    /// One line of an invitation request's results as the page shows it: the outcome in words from the catalogs
    /// ("Already a member"), with its code kept for styling and for tests.
    struct ResultRow: Encodable {
        let line: Int?
        let email: String
        let outcome: JoinInvitations.RowResult.Outcome
        let outcomeLabel: String
        let detail: String?
        let group: String?

        init(_ result: JoinInvitations.RowResult, catalog: MessageCatalog) {
            line = result.line
            email = result.email
            outcome = result.outcome
            outcomeLabel = catalog.text("invitation.outcome.\(result.outcome.rawValue)", .en)
            detail = result.detail
            group = result.group
        }
    }
}
