import Fluent
import HeraldCore
import Vapor

/// The connection settings the organization used last, offered when the wizard starts again: they rarely change
/// between sends (one gateway, one mode). Read from the newest client invitation's payload, which every send
/// (console, API, CLI) writes, so there is nothing more to store.
enum RememberedConnection {
    static func latest(organizationID: UUID, on db: any Database) async throws -> ConnectionSettings.Input? {
        guard let payload = try await Invitation.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$kind == .client).filter(\.$payload != nil)
            .sort(\.$createdAt, .descending).field(\.$id).field(\.$payload).first()?.payload,
            let used = try? JSONDecoder().decode(ClientInvitations.Payload.self, from: Data(payload.utf8))
        else { return nil }
        return ConnectionSettings.Input(deviceTypes: used.deviceTypes, server: used.server, port: String(used.port),
                                        mode: used.connectionMode, authentication: used.authentication,
                                        credentialProvider: used.credentialProvider ?? "")
    }
}
