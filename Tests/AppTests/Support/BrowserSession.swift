@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Drives the console like a browser: keeps the session cookie and sends each form's CSRF token.
struct BrowserSession {
    let app: Application
    var cookie: String?
    /// The device cookie a successful sign-in leaves (`SignInLimits`).
    var deviceCookie: String?
    /// `.running(port:)` sends over a real socket, where a long body arrives after the head (as from a browser).
    var method: Application.Method = .inMemory

    init(_ app: Application, method: Application.Method = .inMemory) {
        self.app = app
        self.method = method
    }

    @discardableResult
    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await send(.GET, path, headers: headers(), body: nil)
        remember(response)
        return response
    }

    /// Posts a form; `csrf: nil` sends the session's current token (fetched from `tokenPage` if needed).
    @discardableResult
    mutating func post(_ path: String, form: [String: String], csrfFrom tokenPage: String = "/signin", csrf: String?? = .none,
                       extraHeaders: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var fields = form
        switch csrf {
        case .none: fields[CSRF.formField] = try await csrfToken(from: tokenPage)
        case .some(.some(let forged)): fields[CSRF.formField] = forged
        case .some(.none): break
        }
        var headers = headers()
        headers.contentType = .urlEncodedForm
        headers.add(contentsOf: extraHeaders)
        let body = fields.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
        let response = try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// Posts a `multipart/form-data` form with one file, the way a browser uploads (CSRF token first).
    @discardableResult
    mutating func upload(_ path: String, file field: String, named filename: String, contents: String, form: [String: String] = [:],
                         csrfFrom tokenPage: String) async throws -> TestingHTTPResponse {
        let boundary = "----herald-test-\(UUID().uuidString)"
        var fields = [(CSRF.formField, try await csrfToken(from: tokenPage))]
        fields += form.sorted { $0.key < $1.key }
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n"
        body += "Content-Type: text/csv\r\n\r\n\(contents)\r\n--\(boundary)--\r\n"
        var headers = headers()
        headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let response = try await send(.POST, path, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    private func send(_ verb: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?) async throws -> TestingHTTPResponse {
        switch method {
        case .running(_, let port): try await LiveSocket.send(app, port: port, verb, path, headers: headers, body: body)
        default: try await app.testing(method: method).sendRequest(verb, path, headers: headers, body: body)
        }
    }

    mutating func csrfToken(from path: String) async throws -> String {
        let page = try await get(path)
        let html = page.body.string
        guard let range = html.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else {
            throw TestSetupError("no CSRF token on \(path) (status \(page.status.code))")
        }
        return String(html[range].dropFirst(#"name="_csrf" value=""#.count).dropLast())
    }

    /// Creates an organization and administrator directly, then signs in through the form.
    mutating func signInAsNewAdministrator(email: String = "admin@example.com", password: String = "Correct-Horse-42", organization: String = "Acme") async throws {
        _ = try await TestData.administrator(app, email: email, password: password, organization: organization)
        let response = try await post("/signin", form: ["email": email, "password": password])
        try #require(response.status == .seeOther, "sign-in failed: \(response.status)")
    }

    private func headers() -> HTTPHeaders {
        var headers = HTTPHeaders()
        let cookies = [cookie, deviceCookie].compactMap { $0 }
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.joined(separator: "; ")) }
        return headers
    }

    private mutating func remember(_ response: TestingHTTPResponse) {
        if let value = response.headers.setCookie?["herald_session"] {
            cookie = value.expires.map { $0 < Date() } == true ? nil : "herald_session=\(value.string)"
        }
        if let value = response.headers.setCookie?[SignInLimits.deviceCookieName] {
            deviceCookie = "\(SignInLimits.deviceCookieName)=\(value.string)"
        }
    }

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }
}

enum TestData {
    /// An organization with one administrator, created the way `herald admin create` does.
    static func administrator(_ app: Application, email: String, password: String, organization: String) async throws -> AdministratorRequest.Created {
        let request = AdministratorRequest(name: "Ada Admin", email: email, organization: organization, password: password)
        let hash = try await app.password.async.hash(password)
        return try await AdministratorRequest.create(request, passwordHash: hash, actor: .commandLine, on: app.db)
    }

    /// Bob (password "Bobs-Password-1", administrator of Globex) invited to join Acme; returns his join page's path.
    static func bobInvitedToAcme(_ app: Application) async throws -> String {
        _ = try await administrator(app, email: "bob@example.com", password: "Bobs-Password-1", organization: "Globex")
        var admin = BrowserSession(app)
        try await admin.signInAsNewAdministrator()
        _ = try await admin.post("/console/invitations/join", form: ["emails": "bob@example.com"], csrfFrom: "/console/invitations")
        return try await OutboxReader.joinPath(app, to: "bob@example.com")
    }
}
