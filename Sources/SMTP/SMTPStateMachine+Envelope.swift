/// Checks made before a transaction starts, and the MAIL FROM parameters they imply.
extension SMTPStateMachine {
    /// The ESMTP parameters for MAIL FROM, or the reason this server cannot take the message.
    func mailParameters(for envelope: SMTPEnvelope) -> Result<[String], SMTPError> {
        guard !envelope.recipients.isEmpty else {
            return .failure(SMTPError(.invalidEnvelope, message: "no recipients"))
        }
        // An address with CR, LF or angle brackets could smuggle a second command into the
        // session (SMTP command injection); an empty recipient is not a mailbox.
        for address in [envelope.sender] + envelope.recipients where !Self.isSafePath(address) {
            return .failure(SMTPError(.invalidEnvelope, message: "address \(address.debugDescription) cannot be sent"))
        }
        if envelope.recipients.contains(where: \.isEmpty) {
            return .failure(SMTPError(.invalidEnvelope, message: "empty recipient address"))
        }
        var parameters: [String] = []
        let size = envelope.message.readableBytes
        if capabilities.supports("SIZE") {
            // RFC 1870 6: refuse locally what the server said it would refuse anyway.
            if let maximum = capabilities.maximumMessageSize, size > maximum {
                return .failure(SMTPError(.messageTooLarge,
                    message: "message is \(size) bytes, the server accepts at most \(maximum)"))
            }
            parameters.append("SIZE=\(size)")
        }
        if DotStuffing.hasEightBitBytes(envelope.message) {
            // RFC 6152 3: 8-bit data only to a server that offers 8BITMIME.
            guard capabilities.eightBitMIME else {
                return .failure(SMTPError(.eightBitMIMENotOffered,
                    message: "the message has 8-bit bytes and the server does not offer 8BITMIME"))
            }
            parameters.append("BODY=8BITMIME")
        }
        let addresses = [envelope.sender] + envelope.recipients
        if addresses.contains(where: { $0.utf8.contains { $0 >= 0x80 } }) {
            // RFC 6531 3.4: internationalized addresses need SMTPUTF8 on MAIL FROM.
            guard capabilities.smtpUTF8 else {
                return .failure(SMTPError(.smtpUTF8NotOffered,
                    message: "an address is not ASCII and the server does not offer SMTPUTF8"))
            }
            parameters.append("SMTPUTF8")
        }
        return .success(parameters)
    }

    static func isSafePath(_ address: String) -> Bool {
        !address.utf8.contains { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
    }
}
