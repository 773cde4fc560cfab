/// The commands Herald sends (RFC 1939, RFC 2595).
public enum POP3Command: Sendable, Equatable {
    case user(String)
    case pass(String)
    case stls
    case stat
    case uidl
    case retr(Int)
    case dele(Int)
    case noop
    case quit

    /// Whether a +OK reply is followed by a dot-terminated block.
    var isMultiLine: Bool {
        switch self {
        case .uidl, .retr: true
        default: false
        }
    }

    /// The command line with CRLF. Arguments were checked for line breaks when the session was configured.
    var line: String {
        switch self {
        case .user(let name): "USER \(name)\r\n"
        case .pass(let password): "PASS \(password)\r\n"
        case .stls: "STLS\r\n"
        case .stat: "STAT\r\n"
        case .uidl: "UIDL\r\n"
        case .retr(let number): "RETR \(number)\r\n"
        case .dele(let number): "DELE \(number)\r\n"
        case .noop: "NOOP\r\n"
        case .quit: "QUIT\r\n"
        }
    }

    /// For logs and errors: the password never appears.
    var name: String {
        switch self {
        case .user: "USER"
        case .pass: "PASS"
        case .stls: "STLS"
        case .stat: "STAT"
        case .uidl: "UIDL"
        case .retr: "RETR"
        case .dele: "DELE"
        case .noop: "NOOP"
        case .quit: "QUIT"
        }
    }
}

/// A server's answer: the text after +OK, and for multi-line answers the block's lines, dot-unstuffed, without CRLF.
public struct POP3Reply: Sendable, Equatable {
    public var status: String
    public var lines: [[UInt8]]

    public init(status: String, lines: [[UInt8]] = []) {
        self.status = status
        self.lines = lines
    }
}
