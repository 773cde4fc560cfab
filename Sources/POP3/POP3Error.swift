/// Why a POP3 session or command failed, with a message an administrator can act on.
public struct POP3Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidConfiguration
        case connectionFailed
        case tlsFailed
        /// The server refused USER or PASS.
        case authenticationFailed
        /// The server answered -ERR to a command.
        case serverError
        /// The server broke the protocol (no +OK/-ERR, an over-long line, text injected before TLS).
        case protocolViolation
        case timeout
        case messageTooLarge
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
