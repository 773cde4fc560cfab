import Foundation
import HeraldCore
import Vapor

/// `POST /install/:token`: the invitee, on a computer with internet, uploads the request file made on one without,
/// and downloads the response file. The code in the file is the authority (as at `POST /api/v1/activations/offline`),
/// not the link: the page only carries it. A refusal is shown on the page, in its language.
extension InstallPageController {
    struct OfflineUpload: Content {
        var request: File?
    }

    func offline(_ req: Request) async throws -> Response {
        let upload = try? req.content.decode(OfflineUpload.self)
        guard let file = upload?.request, file.data.readableBytes > 0 else {
            return try await page(req) { req.herald.catalog.text("activation.offline.error.notARequest", $0) }
        }
        // Unknown codes count as they do at the API: a valid link must not make guessing codes cheaper.
        let guesses = req.herald.activationLimits.guesses, client = ActivationAPIController.client(req)
        if let wait = guesses.waitTime(key: client) { throw Abort.tooManyRequests(wait: wait, reason: "code: too many unknown codes from your address; try again later") }
        let data = Data(file.data.readableBytesView)
        let offline = OfflineActivation(activation: req.herald.activation)
        do {
            return try OfflineActivationController.download(
                try await offline.answer(data, channel: .installPage, on: req.db), status: .ok
            )
        } catch let error as OfflineActivationError {
            return try await page(req) { error.reason(req.herald.catalog, $0) }
        } catch let error as ActivationError {
            if error == .unknownCode { _ = guesses.retryAfter(key: client) }
            return try await page(req) { error.reason(req.herald.catalog, $0) }
        }
    }
}
