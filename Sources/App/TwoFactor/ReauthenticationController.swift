import Fluent
import Vapor

/// "Confirm it is you": the page `RecentAuthenticationMiddleware` shows in place of a sensitive change. The form
/// carries the change's own fields; once the password or an authenticator code is right, the browser is sent back
/// to the change with 307, which repeats the POST with the same body, so nothing typed is lost.
struct ReauthenticationController {
    struct ViewModel: Encodable {
        let returnTo: String
        let method: String
        let fields: [CarriedForm.Field]
        let error: String?
        let hasAuthenticator: Bool
        let page: TwoFactorTexts
    }

    static func page(_ req: Request, returnTo: String, method: String, fields: [CarriedForm.Field], error: String?,
                     status: HTTPStatus) async throws -> Response {
        let context = try req.console
        let model = ViewModel(
            returnTo: returnTo, method: method, fields: fields, error: error,
            hasAuthenticator: try await TwoFactor.isEnabled(for: context.accountID, on: req.db),
            page: TwoFactorTexts(req, account: context.account, arguments: ["minutes": String(Int(RecentAuthentication.window / 60))])
        )
        let response = try await req.renderPage("reauthenticate", section: .twoFactor, title: model.page.texts["reauth_title"], model)
            .encodeResponse(for: req)
        response.status = status
        return response
    }

    struct ConfirmForm: Content {
        var reauth_return: String
        var reauth_method: String
        var reauth_password: String?
        var reauth_code: String?
    }

    func confirm(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(ConfirmForm.self)
        let returnTo = Self.safeReturn(form.reauth_return)
        var confirmed = false
        if let code = form.reauth_code, !code.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                confirmed = try await CodeGuessLimit.check(code, account: context.account, req) != .wrong
            } catch let limited as CodeGuessLimit.Limited {
                throw Abort.tooManyRequests(wait: TimeInterval(limited.seconds), reason: limited.message)
            }
        } else if let password = form.reauth_password, !password.isEmpty {
            confirmed = try await PasswordCheck.verify(email: context.account.email, password: password, from: .init(req),
                                                       limits: req.herald.signInLimits, hasher: req.password.async, on: req.db)?.id == context.accountID
        }
        guard confirmed else {
            return try await Self.page(req, returnTo: returnTo, method: form.reauth_method, fields: CarriedForm.fields(of: req),
                                       error: TwoFactorTexts.text(req, account: context.account, "reauth_wrong"), status: .unauthorized)
        }
        RecentAuthentication.record(req)
        // 307 repeats the POST with this body (the carried fields and the session's CSRF token); a page asked for
        // with GET is simply opened again.
        return Response(status: form.reauth_method == "POST" ? .temporaryRedirect : .seeOther, headers: ["Location": returnTo])
    }

    /// Only back into the console: the return path comes from the form, and must not send anyone elsewhere.
    static func safeReturn(_ path: String) -> String {
        guard path.hasPrefix("/console"), !path.hasPrefix("//"), !path.contains("\\"), !path.contains("://"),
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else { return "/console" }
        return path
    }
}
