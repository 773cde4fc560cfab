import Foundation
import Vapor

/// `POST /console/licenses/:keyID/offline-activation`: an administrator of the key (account or license
/// administrator) uploads a request file brought from a computer without internet and downloads its response. Only
/// codes of this key are answered; the audit log names the administrator.
extension LicenseKeyController {
    func offlineActivation(_ req: Request) async throws -> Response {
        let context = try req.console
        let key = try await LicenseAccess.key(req.parameters.get("keyID", as: UUID.self), context: context, on: req.db)
        guard let file = (try? req.content.decode(InstallPageController.OfflineUpload.self))?.request, file.data.readableBytes > 0 else {
            throw Abort(.badRequest, reason: "request: choose the activation request file to upload")
        }
        let offline = OfflineActivation(activation: req.herald.activation)
        // The console is in English, as the rest of its pages.
        let answer = try await ActivationAPIController.answering(req, language: .en, limits: nil) {
            try await offline.answer(Data(file.data.readableBytesView), keyID: try key.requireID(), channel: .console(context.actor), on: req.db)
        }
        return try OfflineActivationController.download(answer, status: .ok)
    }
}
