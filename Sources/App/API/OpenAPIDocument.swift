import Vapor

/// `Resources/OpenAPI/openapi.json`, the description of `/api/v1`, read once at start-up and served as it is.
/// OpenAPITests checks that it lists exactly the routes the server has; ./scripts/test fuzzes the API with it.
struct OpenAPIDocument: Sendable {
    let data: Data

    static func load(directory: String) throws -> OpenAPIDocument {
        let path = directory + "OpenAPI/openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Abort(.internalServerError, reason: "the OpenAPI document is missing: \(path)")
        }
        return OpenAPIDocument(data: data)
    }

    func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.cacheControl = .init(noCache: true)
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
