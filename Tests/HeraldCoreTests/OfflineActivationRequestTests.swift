import Foundation
import Testing
@testable import HeraldCore

@Suite("Offline activation request files")
struct OfflineActivationRequestTests {
    static let machine = OfflineActivationRequest.Machine(
        fingerprint: "fp-air-gapped-0001", computerName: "Lab PC 7 / Zürich", operatingSystem: "Debian 12",
        serialNumber: nil, macAddress: "02:FC:00:00:00:01"
    )

    @Test("a request verifies as written, and again after the file was re-indented on the way")
    func verifiesAfterReformatting() throws {
        // given
        let (signed, privateKey) = try OfflineActivationRequest.make(code: "K7QH-M3XP", machine: Self.machine, now: Date())
        let file = try signed.fileContents()
        // when: compacted, as an editor or a mail gateway might
        let object = try JSONSerialization.jsonObject(with: file)
        let compacted = try JSONSerialization.data(withJSONObject: object, options: [])
        // then
        #expect(try SignedOfflineActivationRequest.verified(file) == signed.request)
        #expect(try SignedOfflineActivationRequest.verified(compacted) == signed.request)
        #expect(signed.request.publicKey == TokenGenerator.base64URL(Array(privateKey.publicKey.rawRepresentation)))
        #expect(OfflineActivationKeys.decodeBase64URL(signed.request.nonce)?.count == 32)
    }

    @Test("each field changed after signing, a foreign key, a short nonce and a non-request are refused by name")
    func refusals() throws {
        // given
        let (signed, _) = try OfflineActivationRequest.make(code: "K7QH-M3XP", machine: Self.machine, now: Date())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        func verdict(_ change: (inout SignedOfflineActivationRequest) -> Void) throws -> OfflineActivationRequestProblem? {
            var copy = signed
            change(&copy)
            let file = try encoder.encode(copy)
            do throws(OfflineActivationRequestProblem) {
                _ = try SignedOfflineActivationRequest.verified(file)
            } catch {
                return error
            }
            return nil
        }
        // when / then
        #expect(try verdict { $0.request.code = "OTHER-CODE" } == .badSignature)
        #expect(try verdict { $0.request.machine.fingerprint = "fp-someone-else" } == .badSignature)
        #expect(try verdict { $0.request.createdAt += 1 } == .badSignature)
        #expect(try verdict { $0.request.publicKey = TokenGenerator.base64URL([UInt8](repeating: 7, count: 32)) } == .badSignature)
        #expect(try verdict { $0.request.publicKey = "short" } == .badPublicKey)
        #expect(try verdict { $0.request.nonce = TokenGenerator.base64URL([1, 2, 3]) } == .badNonce)
        #expect(try verdict { $0.format = "something-else" } == .notARequest)
        #expect(throws: OfflineActivationRequestProblem.notARequest) { try SignedOfflineActivationRequest.verified(Data("[]".utf8)) }
        let huge = Data(repeating: UInt8(ascii: " "), count: SignedOfflineActivationRequest.maximumSize + 1)
        #expect(throws: OfflineActivationRequestProblem.notARequest) { try SignedOfflineActivationRequest.verified(huge) }
    }

    @Test("the key thumbprint is RFC 7638's, checked against RFC 8037 appendix A.3")
    func thumbprint() {
        #expect(OfflineActivationKeys.thumbprint(publicKey: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
                == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }
}
