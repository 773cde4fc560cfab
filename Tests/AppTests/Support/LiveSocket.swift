import AsyncHTTPClient
import NIOCore
import NIOPosix
import Vapor
import VaporTesting

/// One request to the application over a real socket, where a long body arrives after the head, as from a browser.
///
/// VaporTesting's `.running` gives a request 30 s and then shuts the server down. On a loaded CI machine a
/// 1,000-address form took longer; its handler carried on after the test had shut the application down, and its
/// next database access stopped the whole test process. Here a request may take `timeout` (scripts/test's step limit
/// ends a real hang), and the server stops only once the response has arrived or the client has given up.
enum LiveSocket {
    static let timeout: TimeAmount = .minutes(10)

    static func send(_ app: Application, port: Int, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders,
                     body: ByteBuffer?) async throws -> TestingHTTPResponse {
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        do {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path.hasPrefix("/") ? path : "/" + path)")
            request.method = method
            request.headers = headers
            if let body { request.body = .bytes(body) }
            let response = try await client.execute(request, timeout: timeout)
            let received = try await response.body.collect(upTo: 64 * 1_048_576)
            try await client.shutdown()
            await app.server.shutdown()
            return try await Self.response(app, status: response.status, headers: response.headers, body: received)
        } catch {
            try? await client.shutdown()
            await app.server.shutdown()
            throw error
        }
    }

    /// VaporTesting builds its responses with a package-level initializer; an in-memory answer is taken as the
    /// value and given the live exchange's status, headers and body.
    private static func response(_ app: Application, status: HTTPResponseStatus, headers: HTTPHeaders,
                                 body: ByteBuffer) async throws -> TestingHTTPResponse {
        var response = try await app.testing().sendRequest(.GET, "/livez")
        response.status = status
        response.headers = headers
        response.body = body
        return response
    }
}
