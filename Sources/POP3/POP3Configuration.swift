// Herald's own POP3 client (RFC 1939, STLS from RFC 2595), for the bounce mailbox (issue 18).
//
// Why POP3 and not IMAP: the bounce poller only ever reads every message in one mailbox and deletes those it has
// recorded. POP3 does exactly that with six commands (USER, PASS, STAT, UIDL, RETR, DELE) and a strictly
// request-reply grammar of single lines and dot-terminated blocks; IMAP would add folders, flags, literals,
// untagged responses arriving at any time and EXPUNGE renumbering, none of which a bounce mailbox needs. Every mail
// service that offers a mailbox (Dovecot, Exchange, Gmail, Fastmail) offers POP3 over TLS, and listmonk's bounce
// scanner made the same choice. Deletions take effect only at QUIT, so a poll cut off halfway deletes nothing it
// has not recorded.

import NIOCore

/// How the connection is secured.
public enum POP3TLSMode: String, Sendable, CaseIterable {
    /// Plain TCP; passwords are sent only when `allowsCleartextAuthentication` says so.
    case none
    /// Plain TCP upgraded with STLS (RFC 2595) before USER/PASS; refused when the server does not offer it.
    case startTLS = "stls"
    /// TLS from the first byte (POP3S, port 995).
    case implicitTLS = "tls"
}

public struct POP3Credentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// A POP3 server and how to reach it.
public struct POP3Configuration: Sendable {
    public var host: String
    public var port: Int
    public var tlsMode: POP3TLSMode
    public var credentials: POP3Credentials
    public var verifyCertificates: Bool
    /// PEM certificates of a private CA trusted besides the system's.
    public var caCertificatesPEM: String?
    /// Only true when the administrator chose no TLS explicitly: then the password crosses the network in clear.
    public var allowsCleartextAuthentication: Bool
    public var connectTimeout: TimeAmount
    /// How long one reply may take (a RETR of a large message included).
    public var replyTimeout: TimeAmount
    /// Messages larger than this are refused while being read: a bounce is a few kilobytes plus the returned
    /// message, and a mailbox filled with something else must not fill Herald's memory.
    public var maximumMessageSize: Int

    public init(host: String, port: Int, tlsMode: POP3TLSMode, credentials: POP3Credentials, verifyCertificates: Bool = true,
                caCertificatesPEM: String? = nil, allowsCleartextAuthentication: Bool = false,
                connectTimeout: TimeAmount = .seconds(15), replyTimeout: TimeAmount = .seconds(60),
                maximumMessageSize: Int = 10 * 1024 * 1024) {
        self.host = host
        self.port = port
        self.tlsMode = tlsMode
        self.credentials = credentials
        self.verifyCertificates = verifyCertificates
        self.caCertificatesPEM = caCertificatesPEM
        self.allowsCleartextAuthentication = allowsCleartextAuthentication
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.maximumMessageSize = maximumMessageSize
    }
}
