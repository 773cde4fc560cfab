/// The server side of an SMTP session (RFC 5321), without I/O: bytes in, actions out. `SMTPServerHandler`
/// performs the actions; tests drive this directly.
///
/// Lines end in CRLF only. A bare LF closes the connection (521): accepting it as a line end is what SMTP
/// smuggling exploits (`<LF>.<CR><LF>` ending a message early for one server and not for another), and no
/// conforming client sends one. Every limit of `SMTPSessionConfiguration` is enforced here, as the bytes come.
///
/// Recipients and messages are decided elsewhere (a database, in Herald): RCPT yields `.checkRecipient` and the
/// final dot `.deliver`, and the machine reads no further input until `recipientChecked` or `deliveryFinished`
/// answers, so replies stay in the order of the commands however many a client pipelines.
public struct SMTPServerStateMachine: Sendable {
    public enum Action: Sendable, Equatable {
        /// Reply lines, each ending in CRLF.
        case reply(String)
        case checkRecipient(String)
        case deliver(SMTPServerEnvelope)
        case close
    }

    enum Mode: Sendable, Equatable {
        case commands
        case data
        case awaitingRecipient(String)
        case awaitingDelivery
        case closed
    }

    let configuration: SMTPSessionConfiguration
    var mode = Mode.commands
    private var buffer: [UInt8] = []
    /// Where unread input starts in `buffer`; consumed bytes are dropped once per `receive`, not per line.
    private var start = 0
    /// An overlong line is being skipped up to its LF (its refusal was already given).
    private var discardingLine = false
    var greeted = false
    var mailFrom: String?
    var recipients: [String] = []
    private var message: [UInt8] = []
    /// Set while DATA is read once the message cannot be taken; given as the reply at the final dot.
    private var dataRefusal: String?
    var commandCount = 0
    private var errors = 0

    public init(configuration: SMTPSessionConfiguration) {
        self.configuration = configuration
    }

    public var greeting: Action { .reply("220 \(configuration.hostname) ESMTP Herald\r\n") }

    public var isClosed: Bool { mode == .closed }

    /// Bytes from the client; the actions to perform, in order.
    public mutating func receive<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [Action] {
        guard mode != .closed else { return [] }
        buffer.append(contentsOf: bytes)
        return process()
    }

    /// The answer to the last `.checkRecipient`; nil when it could not be had (the sender tries again later).
    public mutating func recipientChecked(accepted: Bool?) -> [Action] {
        guard case .awaitingRecipient(let address) = mode else { return [] }
        mode = .commands
        var actions: [Action]
        if accepted == nil {
            actions = [.reply("451 4.3.0 Temporary failure checking <\(address)>, try again later\r\n")]
        } else if accepted == true {
            recipients.append(address)
            actions = [.reply("250 2.1.5 Ok\r\n")]
        } else {
            actions = refuse("550 5.1.1 <\(address)>: Recipient address rejected: this server accepts only its bounce addresses")
        }
        return actions + (mode == .commands ? process() : [])
    }

    /// The answer to the last `.deliver`.
    public mutating func deliveryFinished(_ outcome: SMTPDeliveryOutcome) -> [Action] {
        guard mode == .awaitingDelivery else { return [] }
        mode = .commands
        resetTransaction()
        var actions: [Action]
        switch outcome {
        case .accepted: actions = [.reply("250 2.0.0 Ok: message accepted\r\n")]
        case .temporaryFailure(let reason): actions = [.reply("451 4.3.0 \(Self.oneLine(reason))\r\n")]
        case .rejected(let reason): actions = refuse("554 5.6.0 \(Self.oneLine(reason))")
        }
        return actions + (mode == .commands ? process() : [])
    }

    /// The listener has as many connections as it takes: this one is told so at once and closed.
    public mutating func refuseConnection() -> [Action] {
        mode = .closed
        return [.reply("421 4.7.0 \(configuration.hostname) Too many connections, try again later\r\n"), .close]
    }

    /// The client said nothing for too long.
    public mutating func timedOut() -> [Action] {
        guard mode != .closed else { return [] }
        mode = .closed
        return [.reply("421 4.4.2 \(configuration.hostname) Timeout exceeded, closing connection\r\n"), .close]
    }

    private mutating func process() -> [Action] {
        var actions: [Action] = []
        while mode == .commands || mode == .data, let line = nextLine() {
            switch line {
            case .bareLF:
                mode = .closed
                actions += [.reply("521 5.5.2 \(configuration.hostname) Bare <LF> received: lines end in <CR><LF>\r\n"), .close]
            case .overlong:
                actions += mode == .data ? refuseData("500 5.5.2 A line of the message is longer than \(configuration.maximumDataLineBytes) bytes")
                                         : refuse("500 5.5.2 Line too long (at most \(configuration.maximumCommandLineBytes) bytes)")
            case .complete(let bytes):
                actions += mode == .data ? dataLine(bytes) : command(bytes)
            }
        }
        buffer.removeFirst(start)
        start = 0
        if mode != .closed, buffer.count > configuration.maximumPendingBytes {
            mode = .closed
            buffer = []
            actions += [.reply("421 4.7.0 \(configuration.hostname) Too much pipelined input, closing connection\r\n"), .close]
        }
        return actions
    }

    enum Line: Equatable {
        case complete([UInt8])
        case overlong
        case bareLF
    }

    private mutating func nextLine() -> Line? {
        let limit = mode == .data ? configuration.maximumDataLineBytes : configuration.maximumCommandLineBytes
        while true {
            let lineFeed = buffer[start...].firstIndex(of: 10)
            if discardingLine {
                guard let lineFeed else { start = buffer.count; return nil }
                start = lineFeed + 1
                discardingLine = false
                continue
            }
            guard let lineFeed else {
                guard buffer.count - start >= limit else { return nil }
                start = buffer.count
                discardingLine = true
                return .overlong
            }
            defer { start = lineFeed + 1 }
            if lineFeed + 1 - start > limit { return .overlong }
            guard lineFeed > start, buffer[lineFeed - 1] == 13 else { return .bareLF }
            return .complete(Array(buffer[start..<(lineFeed - 1)]))
        }
    }

    /// A 5xx reply, counted; past `maximumErrors` the connection is closed.
    mutating func refuse(_ reply: String) -> [Action] {
        errors += 1
        guard errors > configuration.maximumErrors else { return [.reply(reply + "\r\n")] }
        mode = .closed
        return [.reply(reply + "\r\n"), .reply("421 4.7.0 \(configuration.hostname) Too many errors, closing connection\r\n"), .close]
    }

    mutating func resetTransaction() {
        mailFrom = nil
        recipients = []
        message = []
        dataRefusal = nil
    }

    private mutating func dataLine(_ line: [UInt8]) -> [Action] {
        if line == [46] {
            guard let refusal = dataRefusal else {
                mode = .awaitingDelivery
                let envelope = SMTPServerEnvelope(mailFrom: mailFrom ?? "", recipients: recipients, message: message)
                message = []
                return [.deliver(envelope)]
            }
            mode = .commands
            resetTransaction()
            return refuse(refusal)
        }
        guard dataRefusal == nil else { return [] }
        // RFC 5321 4.5.2: a line starting with a dot had one added by the client.
        let content = line.first == 46 ? line.dropFirst() : line[...]
        if content.contains(0) {
            return refuseData("554 5.6.0 The message contains NUL bytes")
        }
        guard message.count + content.count + 2 <= configuration.maximumMessageBytes else {
            return refuseData("552 5.3.4 Message size exceeds fixed maximum message size (\(configuration.maximumMessageBytes) bytes)")
        }
        message.append(contentsOf: content)
        message.append(contentsOf: [13, 10])
        return []
    }

    /// The message will be refused at its final dot; what is left of it is read and dropped.
    private mutating func refuseData(_ reply: String) -> [Action] {
        if dataRefusal == nil { dataRefusal = reply }
        message = []
        return []
    }

    /// Reply text from elsewhere (a delivery's reason) kept to one printable line.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value >= 32 && $0.value < 127 ? $0 : " " }).prefix(400))
    }
}
