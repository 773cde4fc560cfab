import HeraldCore
import Vapor

/// A refusal in SCIM's words (RFC 7644 §3.12): the status, a `scimType` for 400/409 kinds, and a detail naming the field.
struct SCIMError: AbortError {
    let status: HTTPResponseStatus
    let scimType: String?
    let detail: String

    init(_ status: HTTPResponseStatus, _ scimType: String? = nil, _ detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    var reason: String { detail }

    static func invalidValue(_ detail: String) -> SCIMError { SCIMError(.badRequest, "invalidValue", detail) }
    static func notFound(_ what: String) -> SCIMError { SCIMError(.notFound, nil, "\(what): no such resource in this organization") }

    static let errorSchema = "urn:ietf:params:scim:api:messages:2.0:Error"

    /// The error body; `status` is a string, as RFC 7644 §3.12 has it.
    static func response(status: HTTPResponseStatus, scimType: String?, detail: String, headers: HTTPHeaders = [:]) -> Response {
        var body: [String: JSONValue] = ["schemas": .array([.string(errorSchema)]), "status": .string(String(status.code)),
                                         "detail": .string(detail)]
        if let scimType { body["scimType"] = .string(scimType) }
        let response = SCIMResponse.json(.object(body), status: status)
        response.headers.add(contentsOf: headers)
        return response
    }
}

extension SCIMPatchError {
    var abort: SCIMError { SCIMError(.badRequest, scimType, description) }
}

/// SCIM JSON out: `application/scim+json`, keys sorted so responses are stable.
enum SCIMResponse {
    static let mediaType = HTTPMediaType(type: "application", subType: "scim+json", parameters: ["charset": "utf-8"])

    static func json(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        let response = Response(status: status, body: .init(data: data))
        response.headers.contentType = mediaType
        return response
    }

    /// A request body as JSON: any media type is read (clients send `application/scim+json` or `application/json`).
    static func body(_ req: Request) throws -> JSONValue {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw SCIMError(.badRequest, "invalidSyntax", "body: is empty; send a JSON object") }
        // The routes collect at most this much; a body that arrived whole (HTTP/2, tests) is held to the same limit.
        guard buffer.readableBytes <= SCIMSchemas.maxBody.value else {
            throw SCIMError(.payloadTooLarge, nil, "body: larger than the \(SCIMSchemas.maxBody.value / 1_048_576) MB a SCIM request may send")
        }
        do {
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
            guard value.objectValue != nil else { throw SCIMError(.badRequest, "invalidSyntax", "body: must be a JSON object") }
            return value
        } catch let error as SCIMError { throw error } catch {
            throw SCIMError(.badRequest, "invalidSyntax", "body: is not valid JSON")
        }
    }
}
