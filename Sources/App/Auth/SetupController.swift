import Fluent
import HeraldCore
import Vapor

/// The first-run page behind the one-time link `herald serve` prints while no administrator exists.
struct SetupController {
    struct FormPage: Encodable {
        let csrf: String
        let token: String
        let errors: [String]
        let name: String
        let email: String
        let organization: String
    }

    struct SetupForm: Content {
        var name: String
        var email: String
        var organization: String
        var password: String
        var password_confirmation: String
    }

    func form(_ req: Request) async throws -> View {
        let token = try req.parameters.require("token")
        _ = try await FirstRunSetup.validToken(token, on: req.db)
        return try await req.view.render("setup", FormPage(csrf: CSRF.token(for: req), token: token, errors: [], name: "", email: "", organization: ""))
    }

    func create(_ req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        let form = try req.content.decode(SetupForm.self)
        let request = AdministratorRequest(name: form.name, email: form.email, organization: form.organization, password: form.password)
        var problems = request.problems(catalog: req.herald.catalog)
        if form.password != form.password_confirmation { problems.append("password_confirmation: the two passwords differ") }
        guard problems.isEmpty else {
            let page = FormPage(csrf: CSRF.token(for: req), token: token, errors: problems.map { ProblemLine.humanized($0, catalog: req.herald.catalog) }, name: form.name, email: form.email, organization: form.organization)
            return try await req.view.render("setup", page).unprocessable(for: req)
        }
        let hash = try await req.password.async.hash(form.password)
        let account = try await req.db.transaction { db in
            let setupToken = try await FirstRunSetup.validToken(token, on: db)
            setupToken.usedAt = Date()
            try await setupToken.save(on: db)
            return try await AdministratorRequest.create(request, passwordHash: hash, actor: .system, on: db).account
        }
        let response = req.redirect(to: "/console")
        try await req.startSession(for: account, response: response)
        req.flash("Welcome to Herald. Your organization is ready.")
        return response
    }
}
