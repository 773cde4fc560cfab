import Foundation
import HeraldCore
import Vapor

/// `POST /api/v1/activations/offline`: an offline activation request file in, its response file out. No API token:
/// the activation code in the file is the authority, as it is for `POST /api/v1/activations`, with the same limit
/// on unknown codes per client address.
struct OfflineActivationController {
    let offline: OfflineActivation
    let online: ActivationAPIController

    func answer(_ req: Request) async throws -> Response {
        try online.refuseWhileGuessing(req)
        let language = Language.preferred(acceptLanguage: req.headers.first(name: .acceptLanguage))
        let answer = try await ActivationAPIController.answering(req, language: language, limits: online.limits) {
            try await offline.answer(Self.body(req), channel: .api, on: req.db)
        }
        return try Self.download(answer, status: answer.created ? .created : .ok)
    }

    /// The uploaded file's bytes, refused before parsing when larger than any real request.
    static func body(_ req: Request) throws -> Data {
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw Abort(.badRequest, reason: "request: is required") }
        guard buffer.readableBytes <= SignedOfflineActivationRequest.maximumSize else {
            throw Abort(.payloadTooLarge, reason: "request: larger than an activation request can be")
        }
        return Data(buffer.readableBytesView)
    }

    /// The response file, as a download named as the client expects it.
    static func download(_ answer: OfflineActivation.Answer, status: HTTPResponseStatus) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let response = Response(status: status, body: .init(data: try encoder.encode(answer.file)))
        response.headers.contentType = .json
        response.headers.replaceOrAdd(name: .contentDisposition,
                                      value: "attachment; filename=\"\(OfflineActivationResponseFile.fileName)\"")
        return response
    }
}
