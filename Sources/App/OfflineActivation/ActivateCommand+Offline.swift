import Crypto
import Foundation
import HeraldCore
import JWTKit
import Vapor

/// `herald activate` for a computer without internet, in two steps with a file carried between them:
///
///     herald activate --offline-request activation-request.json --code CODE
///     herald activate --offline-response activation-response.json --public-key keys.json [--offline-request FILE]
///
/// The first writes the signed request, and its private key beside it (`FILE.key`, readable by its owner only). The
/// second checks the response with nothing but files: its signature against the organization's JWK Set, which the
/// client cannot take from the response itself (whoever could alter the response could then bring their own key),
/// so it is a copy saved earlier (shipped with the product, or downloaded from the URL the install page and the
/// response name on the computer that carried the file); then that it answers this request (nonce and key) and this
/// machine; then it saves the certificate and installation key where the online path does.
extension ActivateCommand {
    static let defaultRequestFile = "activation-request.json"

    func writeOfflineRequest(file: String, signature: Signature, context: CommandContext) throws {
        let code = try Self.code(signature)
        let keyFile = Self.requestKeyFile(file)
        // A second request would make a second key, and the response to the first could no longer be imported.
        for existing in [file, keyFile] where FileManager.default.fileExists(atPath: existing) {
            throw CommandError.usage("--offline-request: '\(existing)' exists; import its response with --offline-response, or remove \(file) and \(keyFile) to start over")
        }
        let machine = Self.machine(signature)
        let (request, privateKey) = try OfflineActivationRequest.make(code: code, machine: .init(
            fingerprint: machine.fingerprint, computerName: machine.computerName, operatingSystem: machine.operatingSystem,
            serialNumber: machine.serialNumber, macAddress: machine.macAddress
        ), now: Date())
        let secret = Data((TokenGenerator.base64URL(Array(privateKey.rawRepresentation)) + "\n").utf8)
        guard FileManager.default.createFile(atPath: keyFile, contents: secret, attributes: [.posixPermissions: 0o600]) else {
            throw CommandError.usage("--offline-request: cannot write '\(keyFile)'")
        }
        guard FileManager.default.createFile(atPath: file, contents: try request.fileContents()) else {
            throw CommandError.usage("--offline-request: cannot write '\(file)'")
        }
        context.console.print("Activation request for \(machine.computerName) saved to \(file) (its key, which stays here, in \(keyFile)).")
        context.console.print("On a computer with internet, upload it on your install page (or POST it to <server>/api/v1/activations/offline),")
        context.console.print("save the response and the organization's public keys, then here: herald activate --offline-response \(OfflineActivationResponseFile.fileName) --public-key keys.json --offline-request \(file)")
    }

    func importOfflineResponse(file: String, signature: Signature, context: CommandContext) async throws {
        guard let publicKey = signature.publicKey, !publicKey.isEmpty else {
            throw CommandError.usage("--public-key FILE (the organization's JWK Set, saved earlier) is required with --offline-response")
        }
        let requestFile = signature.offlineRequest ?? Self.defaultRequestFile
        let request = try Self.ownRequest(requestFile)
        let keys = try await Self.keys(publicKey, context: context)
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandError.usage("--offline-response: cannot read '\(file)'") }
        guard let response = try? JSONDecoder().decode(OfflineActivationResponseFile.self, from: data),
              response.format == OfflineActivationResponseFile.currentFormat else {
            throw CommandError.usage("--offline-response: '\(file)' is not an activation response file")
        }
        let claims: OfflineActivationResponseClaims
        do { claims = try await keys.verify(response.signed, as: OfflineActivationResponseClaims.self) } catch {
            throw CommandError.usage("INVALID: \(file) was altered or not signed with these keys (\(error)); nothing was saved")
        }
        guard claims.nonce == request.nonce, claims.requestKey == request.keyThumbprint else {
            throw CommandError.usage("--offline-response: \(file) answers another request than \(requestFile); nothing was saved")
        }
        let certificate: ActivationCertificate
        do { certificate = try await keys.verify(claims.certificate, as: ActivationCertificate.self) } catch {
            throw CommandError.usage("INVALID: the certificate in \(file) does not verify with these keys (\(error)); nothing was saved")
        }
        guard certificate.machine.fingerprint == request.machine.fingerprint, certificate.sub.value == claims.sub.value,
              certificate.cnf.map({ $0.jkt == request.keyThumbprint }) ?? true else {
            throw CommandError.usage("--offline-response: the certificate in \(file) was issued to another computer or key; nothing was saved")
        }
        let output = signature.output ?? "activation-certificate.jwt"
        do {
            try Data((claims.certificate + "\n").utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw CommandError.usage("--output: cannot write '\(output)': \(error.localizedDescription)")
        }
        try InstallationFiles.saveKey(claims.installationKey, certificate: output)
        Self.describe(certificate, context: context, status: "Activated offline")
        context.console.print("Certificate \(claims.certificateSerial) saved to \(output) (installation key in \(InstallationFiles.keyFile(forCertificate: output))).")
    }

    static func requestKeyFile(_ request: String) -> String { request + ".key" }

    /// The request this computer wrote, checked against the private key kept beside it: a response is only taken
    /// for a request whose key is here.
    private static func ownRequest(_ path: String) throws -> OfflineActivationRequest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError.usage("--offline-request: cannot read '\(path)' (the request this response answers)")
        }
        let request: OfflineActivationRequest
        do { request = try SignedOfflineActivationRequest.verified(data) } catch {
            throw CommandError.usage("--offline-request: '\(path)' is not a valid activation request (\(error.field))")
        }
        let keyPath = requestKeyFile(path)
        guard let text = try? String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
              let bytes = OfflineActivationKeys.decodeBase64URL(text),
              let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes),
              TokenGenerator.base64URL(Array(privateKey.publicKey.rawRepresentation)) == request.publicKey else {
            throw CommandError.usage("--offline-request: '\(keyPath)' is missing or is not the key of '\(path)'")
        }
        return request
    }
}
