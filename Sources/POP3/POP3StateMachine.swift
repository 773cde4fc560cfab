/// The POP3 session as a pure state machine: lines in, actions out. No I/O, so every path is tested without a
/// network (Tests/POP3Tests); `POP3ClientHandler` performs the actions.
///
/// Sign-in: greeting → [STLS → TLS handshake] → USER → PASS → ready. After that the session runs one command at a
/// time (POP3 has no pipelining extension Herald needs): each request waits in `queue` until the one before it has
/// its reply.
struct POP3StateMachine {
    struct Configuration {
        var tlsMode: POP3TLSMode
        var credentials: POP3Credentials
        var allowsCleartextAuthentication = false
        var maximumMessageSize = 10 * 1024 * 1024
    }

    enum Action: Equatable {
        case send(POP3Command)
        case startTLS
        case sessionReady
        case complete(id: Int, Result<POP3Reply, POP3Error>)
        /// The session is over: fail the sign-in (when still waiting) and every queued command.
        case fail(POP3Error)
        case close
    }

    enum State: Equatable {
        case awaitingGreeting
        case awaitingSTLS
        case awaitingTLSHandshake
        case awaitingUser
        case awaitingPass
        case ready
        /// A command was sent; a multi-line reply collects its block in `block`.
        case awaitingReply(id: Int, POP3Command)
        case closed
    }

    let configuration: Configuration
    private(set) var state: State = .awaitingGreeting
    private var queue: [(id: Int, command: POP3Command)] = []
    private var block: (status: String, lines: [[UInt8]], size: Int)?

    init(configuration: Configuration) { self.configuration = configuration }

    /// The command whose reply is awaited, for error messages.
    var awaitedCommand: String? {
        switch state {
        case .awaitingSTLS: "STLS"
        case .awaitingUser: "USER"
        case .awaitingPass: "PASS"
        case .awaitingReply(_, let command): command.name
        default: nil
        }
    }

    /// Why these credentials cannot be sent, or nil: a line break in a name or password would end the command and
    /// start another.
    static func problem(with credentials: POP3Credentials) -> String? {
        for (field, value) in [("username", credentials.username), ("password", credentials.password)] {
            if value.isEmpty { return "the \(field) is empty" }
            if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return "the \(field) contains a line break or control character"
            }
        }
        return nil
    }

    mutating func received(_ line: [UInt8]) -> [Action] {
        switch state {
        case .awaitingReply(let id, let command) where block != nil:
            return receivedBlockLine(line, id: id, command: command)
        case .closed:
            return []
        default:
            break
        }
        guard let reply = Self.statusLine(line) else {
            return failSession(POP3Error(.protocolViolation, message: "the server answered \(awaitedCommand ?? "the connection") with neither +OK nor -ERR"))
        }
        switch state {
        case .awaitingGreeting:
            guard case .success = reply else { return failSession(POP3Error(.connectionFailed, message: "the server refused the session: \(reply.text)")) }
            if configuration.tlsMode == .startTLS {
                state = .awaitingSTLS
                return [.send(.stls)]
            }
            if configuration.tlsMode == .none, !configuration.allowsCleartextAuthentication {
                return failSession(POP3Error(.invalidConfiguration, message: "refusing to send the password without TLS"))
            }
            return sendUser()
        case .awaitingSTLS:
            guard case .success = reply else {
                return failSession(POP3Error(.tlsFailed, message: "the server does not offer STLS: \(reply.text)"))
            }
            state = .awaitingTLSHandshake
            return [.startTLS]
        case .awaitingUser:
            guard case .success = reply else { return failSession(POP3Error(.authenticationFailed, message: "the server refused the user name: \(reply.text)")) }
            state = .awaitingPass
            return [.send(.pass(configuration.credentials.password))]
        case .awaitingPass:
            guard case .success = reply else { return failSession(POP3Error(.authenticationFailed, message: "the server refused the password: \(reply.text)")) }
            state = .ready
            return [.sessionReady] + sendNext()
        case .awaitingReply(let id, let command):
            switch reply {
            case .failure(let failure):
                state = .ready
                return [.complete(id: id, .failure(POP3Error(.serverError, message: "\(command.name): \(failure.text)")))] + sendNext()
            case .success(let text):
                if command.isMultiLine {
                    block = (text, [], 0)
                    return []
                }
                if command == .quit {
                    state = .closed
                    return [.complete(id: id, .success(POP3Reply(status: text))), .close]
                }
                state = .ready
                return [.complete(id: id, .success(POP3Reply(status: text)))] + sendNext()
            }
        case .awaitingTLSHandshake, .ready:
            return failSession(POP3Error(.protocolViolation, message: "the server sent a line nobody asked for"))
        case .closed:
            return []
        }
    }

    private mutating func receivedBlockLine(_ line: [UInt8], id: Int, command: POP3Command) -> [Action] {
        guard var collected = block else { return [] }
        if line == [0x2E] {
            block = nil
            state = .ready
            return [.complete(id: id, .success(POP3Reply(status: collected.status, lines: collected.lines)))] + sendNext()
        }
        // RFC 1939 3: a line of the block that starts with "." was sent with one more.
        let unstuffed = line.first == 0x2E ? Array(line.dropFirst()) : line
        collected.size += unstuffed.count + 2
        guard collected.size <= configuration.maximumMessageSize else {
            block = nil
            return failSession(POP3Error(.messageTooLarge, message: "\(command.name): the reply is larger than \(configuration.maximumMessageSize) bytes"))
        }
        collected.lines.append(unstuffed)
        block = collected
        return []
    }

    mutating func tlsEstablished() -> [Action] {
        guard state == .awaitingTLSHandshake || (state == .awaitingGreeting && configuration.tlsMode == .implicitTLS) else { return [] }
        // With implicit TLS the greeting comes after the handshake and is handled by `received`.
        guard state == .awaitingTLSHandshake else { return [] }
        return sendUser()
    }

    mutating func commandRequested(id: Int, _ command: POP3Command) -> [Action] {
        if state == .closed {
            return [.complete(id: id, .failure(POP3Error(.connectionFailed, message: "\(command.name): the POP3 session is closed")))]
        }
        queue.append((id, command))
        return state == .ready ? sendNext() : []
    }

    /// The connection closed under the session.
    mutating func channelClosed() -> [Action] {
        guard state != .closed else { return [] }
        return failSession(POP3Error(.connectionFailed, message: "the server closed the connection\(awaitedCommand.map { " (waiting for the reply to \($0))" } ?? "")"))
    }

    mutating func failSession(_ error: POP3Error) -> [Action] {
        guard state != .closed else { return [] }
        var actions: [Action] = []
        if case .awaitingReply(let id, _) = state { actions.append(.complete(id: id, .failure(error))) }
        actions += queue.map { .complete(id: $0.id, .failure(error)) }
        queue.removeAll()
        block = nil
        state = .closed
        return actions + [.fail(error), .close]
    }

    private mutating func sendUser() -> [Action] {
        state = .awaitingUser
        return [.send(.user(configuration.credentials.username))]
    }

    private mutating func sendNext() -> [Action] {
        guard state == .ready, !queue.isEmpty else { return [] }
        let (id, command) = queue.removeFirst()
        state = .awaitingReply(id: id, command)
        return [.send(command)]
    }

    /// `+OK text` or `-ERR text` (RFC 1939 3: status indicators are upper case; the text is optional).
    static func statusLine(_ line: [UInt8]) -> Result<String, FailureText>? {
        let text = String(decoding: line, as: UTF8.self)
        if text == "+OK" || text.hasPrefix("+OK ") { return .success(String(text.dropFirst(3)).trimmingLeadingSpace) }
        if text == "-ERR" || text.hasPrefix("-ERR ") { return .failure(FailureText(text: String(text.dropFirst(4)).trimmingLeadingSpace)) }
        return nil
    }

    struct FailureText: Error, Equatable { let text: String }
}

extension Result where Success == String, Failure == POP3StateMachine.FailureText {
    var text: String {
        switch self {
        case .success(let text): text
        case .failure(let failure): failure.text
        }
    }
}

extension String {
    var trimmingLeadingSpace: String { String(drop { $0 == " " }) }
}
