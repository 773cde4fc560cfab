import Fluent
import Foundation
import SQLKit

/// An activation code with its key and the machine holding its seat, if any: the first read of every activation,
/// in one indexed statement.
///
/// Products re-activate (on reinstall, when the certificate file was lost, or in a retry loop), so the repeat is
/// the commonest request and is answered from this read alone: no key lock, no transaction, no write. A used code
/// never becomes unused, so answering outside the lock cannot hand out a second seat; everything else goes on to
/// the locked path in `Activation`. The key's secret is not selected: nothing on this path may see it.
struct ActivationLookup {
    let codeID: UUID
    let codeStatus: ActivationCodeStatus
    let key: LicenseKeyTerms
    /// The code's active installation, if the code is in use.
    let installation: ActivatedInstallation?

    /// The same machine already holds this code's seat: the idempotent answer.
    func reactivation(of machine: MachineDescription) -> Activation.Outcome? {
        guard codeStatus == .used, let installation, installation.machine.fingerprint == machine.fingerprint
        else { return nil }
        return .alreadyActive(installation, key)
    }

    static let query = """
        SELECT c.id AS code_id, c.status AS code_status,
               k.id AS key_id, k.organization_id, k.name AS key_name, k.product, k.seats, k.expires_at AS key_expires_at,
               n.id AS installation_id, n.fingerprint, n.computer_name, n.operating_system, n.serial_number,
               n.mac_address, n.certificate_serial, n.activated_at, n.certificate, n.certificate_issuer
        FROM activation_codes c
        JOIN license_keys k ON k.id = c.license_key_id
        LEFT JOIN installations n ON n.activation_code_id = c.id AND n.status = $2
        WHERE c.code_hash = $1
        """

    static func find(codeHash: String, reads: HotReads, on db: @autoclosure () -> any Database) async throws -> ActivationLookup? {
        try await reads.first(query, [codeHash, InstallationStatus.active.stored], on: db()).map(ActivationLookup.init(row:))
    }
}

extension ActivationLookup {
    /// Kept out of the type's body so that the memberwise initializer stays.
    init(row: any SQLRow) throws {
        let key = LicenseKeyTerms(
            id: try row.decode(column: "key_id", as: UUID.self),
            organizationID: try row.decode(column: "organization_id", as: UUID.self),
            name: try row.decode(column: "key_name", as: String.self),
            product: try row.decode(column: "product", as: String.self),
            expiresAt: try row.decode(column: "key_expires_at", as: Date?.self)
        )
        var installation: ActivatedInstallation?
        if let installationID = try row.decode(column: "installation_id", as: UUID?.self) {
            installation = ActivatedInstallation(
                id: installationID,
                machine: MachineDescription(
                    fingerprint: try row.decode(column: "fingerprint", as: String.self),
                    computerName: try row.decode(column: "computer_name", as: String.self),
                    operatingSystem: try row.decode(column: "operating_system", as: String.self),
                    serialNumber: try row.decode(column: "serial_number", as: String?.self),
                    macAddress: try row.decode(column: "mac_address", as: String?.self)
                ),
                certificateSerial: try row.decode(column: "certificate_serial", as: String.self),
                activatedAt: try row.decode(column: "activated_at", as: Date.self),
                certificate: try row.decode(column: "certificate", as: String?.self),
                certificateIssuer: try row.decode(column: "certificate_issuer", as: String?.self)
            )
        }
        self.init(codeID: try row.decode(column: "code_id", as: UUID.self),
                  codeStatus: try row.decode(column: "code_status", as: ActivationCodeStatus.self), key: key, installation: installation)
    }
}
