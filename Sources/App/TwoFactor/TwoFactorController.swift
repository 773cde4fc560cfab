import Fluent
import HeraldCore
import Vapor

/// The console page where a person turns two-factor sign-in on (QR code, confirmation code, recovery codes shown
/// once) or off, and where an administrator sets whether the organization's administrators must use it.
struct TwoFactorController {
    /// The secret being enrolled, sealed like stored secrets: sessions are rows in the database too.
    static let pendingKey = "two_factor_pending"
    static let issuer = "Herald"

    struct Enrolment: Encodable {
        let svg: String?
        let key: String
        let uri: String
    }

    struct ViewModel: Encodable {
        let enabled: Bool
        let remaining: Int
        let required: Bool
        let enrolment: Enrolment?
        let recoveryCodes: [String]?
        let error: String?
        let isAdministrator: Bool
        let organizationRequires: Bool
        let page: TwoFactorTexts
    }

    func page(_ req: Request) async throws -> Response {
        try await render(req, error: nil, status: .ok)
    }

    func render(_ req: Request, error: String?, status: HTTPStatus, recoveryCodes: [String]? = nil) async throws -> Response {
        let context = try req.console
        let enabled = try await TwoFactor.isEnabled(for: context.accountID, on: req.db)
        let remaining = enabled ? try await TwoFactor.remainingRecoveryCodes(of: context.accountID, on: req.db) : 0
        let enrolment = enabled ? nil : try enrolment(req, account: context.account)
        let model = ViewModel(
            enabled: enabled, remaining: remaining, required: TwoFactorRequirement.applies(to: context) && !enabled,
            enrolment: enrolment, recoveryCodes: recoveryCodes, error: error, isAdministrator: context.isAdministrator,
            organizationRequires: context.organization.requireAdminTwoFactor,
            page: TwoFactorTexts(req, account: context.account, arguments: ["count": String(remaining), "organization": context.organization.name])
        )
        let response = try await req.renderPage("two-factor", section: .twoFactor, title: model.page.texts["title"], model).encodeResponse(for: req)
        response.status = status
        return response
    }

    /// The secret this session is enrolling (a new one on the first visit), as QR code, key and URI.
    private func enrolment(_ req: Request, account: Account) throws -> Enrolment {
        let secret = try pendingSecret(req) ?? {
            let secret = Base32.encode(TOTP.newSecret())
            req.session.data[Self.pendingKey] = try req.herald.secretBox.seal(secret)
            return secret
        }()
        let uri = TOTP(secret: Base32.decode(secret) ?? []).provisioningURI(account: account.email, issuer: Self.issuer)
        let svg = try? QRCode(text: uri).svg(title: TwoFactorTexts.text(req, account: account, "qr_title"))
        let grouped = stride(from: 0, to: secret.count, by: 4).map { start in
            String(secret.dropFirst(start).prefix(4))
        }.joined(separator: " ")
        return Enrolment(svg: svg, key: grouped, uri: uri)
    }

    private func pendingSecret(_ req: Request) throws -> String? {
        guard let sealed = req.session.data[Self.pendingKey] else { return nil }
        return try? req.herald.secretBox.open(sealed)
    }

    struct CodeForm: Content {
        var code: String
    }

    func enable(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(CodeForm.self)
        guard let secret = try pendingSecret(req), let bytes = Base32.decode(secret) else {
            return try await render(req, error: TwoFactorTexts.text(req, account: context.account, "setup_interrupted"), status: .conflict)
        }
        guard let step = TOTP(secret: bytes).acceptedStep(for: form.code, at: req.herald.clock.now, after: nil) else {
            return try await render(req, error: TwoFactorTexts.text(req, account: context.account, "confirm_wrong"), status: .unprocessableEntity)
        }
        let codes = try await req.twoFactor.enable(account: context.account, secret: secret, confirmedStep: step, actor: context.actor, on: req.db)
        req.session.data[Self.pendingKey] = nil
        RecentAuthentication.record(req)
        req.flash(TwoFactorTexts.text(req, account: context.account, "enabled"))
        return try await render(req, error: nil, status: .ok, recoveryCodes: codes)
    }

    struct DisableForm: Content {
        var password: String
    }

    /// Turning it off asks for the password again, whatever the session: it is what a thief with an open console wants.
    func disable(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(DisableForm.self)
        guard try await PasswordCheck.verify(email: context.account.email, password: form.password, from: .init(req),
                                             limits: req.herald.signInLimits, hasher: req.password.async, on: req.db)?.id == context.accountID
        else {
            return try await render(req, error: TwoFactorTexts.text(req, account: context.account, "password_wrong"), status: .unauthorized)
        }
        if TwoFactorRequirement.applies(to: context) {
            return try await render(req, error: TwoFactorTexts.text(req, account: context.account, "disable_refused", ["organization": context.organization.name]),
                                    status: .conflict)
        }
        _ = try await TwoFactor.remove(account: context.account, action: .twoFactorDisabled, actor: context.actor, on: req.db)
        req.flash(TwoFactorTexts.text(req, account: context.account, "disabled"))
        return req.redirect(to: "/console/two-factor")
    }

    struct RequirementForm: Content {
        var required: String?
    }

    /// Administrators only. Turning the rule on while one's own account has no second factor would lock oneself out
    /// of the console at once, so that is refused with what to do first.
    func setRequirement(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(RequirementForm.self)
        let required = form.required == "on" || form.required == "true"
        if required, try await !TwoFactor.isEnabled(for: context.accountID, on: req.db) {
            return try await render(req, error: TwoFactorTexts.text(req, account: context.account, "org_need_own"), status: .conflict)
        }
        let organization = context.organization
        if organization.requireAdminTwoFactor != required {
            organization.requireAdminTwoFactor = required
            try await req.db.transaction { db in
                try await organization.save(on: db)
                try await AuditLog.record(on: db, organizationID: context.organizationID, actor: context.actor, action: .twoFactorRequirementChanged,
                                          targetType: "organization", targetID: context.organizationID, targetLabel: organization.name,
                                          details: required ? "administrators must use two-factor sign-in" : "two-factor sign-in optional")
            }
        }
        req.flash(TwoFactorTexts.text(req, account: context.account, "org_saved"))
        return req.redirect(to: "/console/two-factor")
    }
}

/// "Account administrators must use two-factor sign-in": an administrator of such an organization without a second
/// factor gets only the two-factor page (and sign-out, and switching to another organization) until enrolled.
enum TwoFactorRequirement {
    static func applies(to context: ConsoleContext) -> Bool {
        context.isAdministrator && context.organization.requireAdminTwoFactor
    }

    static let openPaths: Set<String> = ["/console/two-factor", "/console/two-factor/enable", "/console/organization"]

    /// Where to send the request instead, or nil when it may go on.
    static func redirect(_ req: Request, context: ConsoleContext) async throws -> Response? {
        guard applies(to: context), !openPaths.contains(req.url.path),
              try await !TwoFactor.isEnabled(for: context.accountID, on: req.db)
        else { return nil }
        return req.redirect(to: "/console/two-factor")
    }
}
