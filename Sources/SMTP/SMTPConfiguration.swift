import NIOCore

/// How the connection is protected.
public enum SMTPTLSMode: String, Sendable, CaseIterable {
    /// Cleartext only; STARTTLS is never attempted.
    case none
    /// STARTTLS when the server offers it, cleartext otherwise (opportunistic, RFC 3207).
    case startTLSIfAvailable = "starttls-if-available"
    /// STARTTLS is required: the session fails if the server does not offer it.
    case startTLS = "starttls"
    /// TLS from the first byte (submissions port 465, RFC 8314).
    case implicitTLS = "tls"
}

public enum SMTPTLSVersion: String, Sendable, CaseIterable {
    case v1_2 = "1.2"
    case v1_3 = "1.3"
}

public struct SMTPCredentials: Sendable, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

/// Reply timeouts. The defaults are the minimums of RFC 5321 4.5.3.2: a client that gives up
/// earlier than the server may still accept the message, and a short final-dot timeout turns a
/// slow 250 into a duplicate delivery on retry.
public struct SMTPTimeouts: Sendable, Equatable {
    /// TCP connect (not in RFC 5321; a dead host should not hold a worker for minutes).
    public var connect: TimeAmount
    /// Initial 220 greeting (RFC 5321 4.5.3.2.1).
    public var greeting: TimeAmount
    /// MAIL reply (4.5.3.2.2); also used for EHLO, STARTTLS, AUTH and RSET.
    public var mail: TimeAmount
    /// Each RCPT reply (4.5.3.2.3).
    public var rcpt: TimeAmount
    /// The 354 reply to DATA (4.5.3.2.4).
    public var dataInitiation: TimeAmount
    /// Writing a block of message data (4.5.3.2.5).
    public var dataBlock: TimeAmount
    /// The reply to the final "." (4.5.3.2.6).
    public var finalDot: TimeAmount
    /// The 221 reply to QUIT (not in RFC 5321; closing should never hang).
    public var quit: TimeAmount

    public init(
        connect: TimeAmount = .seconds(30),
        greeting: TimeAmount = .minutes(5),
        mail: TimeAmount = .minutes(5),
        rcpt: TimeAmount = .minutes(5),
        dataInitiation: TimeAmount = .minutes(2),
        dataBlock: TimeAmount = .minutes(3),
        finalDot: TimeAmount = .minutes(10),
        quit: TimeAmount = .seconds(30)
    ) {
        self.connect = connect
        self.greeting = greeting
        self.mail = mail
        self.rcpt = rcpt
        self.dataInitiation = dataInitiation
        self.dataBlock = dataBlock
        self.finalDot = finalDot
        self.quit = quit
    }

    public static let rfc5321 = SMTPTimeouts()

    /// The same value for every reply; for tests.
    public static func uniform(_ amount: TimeAmount) -> SMTPTimeouts {
        SMTPTimeouts(
            connect: amount, greeting: amount, mail: amount, rcpt: amount,
            dataInitiation: amount, dataBlock: amount, finalDot: amount, quit: amount)
    }
}

public struct SMTPServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var tlsMode: SMTPTLSMode
    public var minimumTLSVersion: SMTPTLSVersion
    /// Certificate chain and hostname verification; on by default. Turn it off only for a
    /// server you reach over a trusted network.
    public var verifyCertificates: Bool
    /// A PEM file of CA certificates trusted in addition to the system's (private servers).
    public var caFilePath: String?
    /// The same as PEM text, for settings stored in a database rather than in the server's file system.
    public var caCertificatesPEM: String?
    /// The name sent as SNI and looked for in the certificate when it is not `host`: for example
    /// when connecting by IP address to a server whose certificate names it. (NIOSSL also
    /// accepts a certificate that lists the connected IP address.)
    public var tlsServerName: String?
    public var credentials: SMTPCredentials?
    /// AUTH is never sent over cleartext, which would expose the password, unless `tlsMode` is
    /// `.none` and this is true (e.g. a relay on the same host). With `.startTLSIfAvailable`
    /// and a server without STARTTLS, a session with credentials fails instead.
    public var allowsCleartextAuthentication: Bool
    /// The name sent in EHLO/HELO (RFC 5321 4.1.1.1: the client's own domain).
    public var clientHostname: String
    public var timeouts: SMTPTimeouts
    /// Longest reply line accepted; RFC 5321 4.5.3.1.5 sets 512 octets, we are lenient.
    public var maximumReplyLineLength: Int

    public init(
        host: String,
        port: Int,
        tlsMode: SMTPTLSMode,
        minimumTLSVersion: SMTPTLSVersion = .v1_2,
        verifyCertificates: Bool = true,
        caFilePath: String? = nil,
        caCertificatesPEM: String? = nil,
        tlsServerName: String? = nil,
        credentials: SMTPCredentials? = nil,
        allowsCleartextAuthentication: Bool = false,
        clientHostname: String = "localhost",
        timeouts: SMTPTimeouts = .rfc5321,
        maximumReplyLineLength: Int = 4096
    ) {
        self.host = host
        self.port = port
        self.tlsMode = tlsMode
        self.minimumTLSVersion = minimumTLSVersion
        self.verifyCertificates = verifyCertificates
        self.caFilePath = caFilePath
        self.caCertificatesPEM = caCertificatesPEM
        self.tlsServerName = tlsServerName
        self.credentials = credentials
        self.allowsCleartextAuthentication = allowsCleartextAuthentication
        self.clientHostname = clientHostname
        self.timeouts = timeouts
        self.maximumReplyLineLength = maximumReplyLineLength
    }
}
