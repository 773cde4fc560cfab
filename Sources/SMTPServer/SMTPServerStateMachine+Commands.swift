extension SMTPServerStateMachine {
    /// One command line (CRLF removed): its reply, or the recipient check it waits for.
    mutating func command(_ line: [UInt8]) -> [Action] {
        commandCount += 1
        guard commandCount <= configuration.maximumCommands else {
            mode = .closed
            return [.reply("421 4.7.0 \(configuration.hostname) Too many commands, closing connection\r\n"), .close]
        }
        // No SMTPUTF8 is offered, so a command is printable US-ASCII (a tab aside); this keeps NUL and control bytes
        // out of addresses, logs and the database.
        guard line.allSatisfy({ ($0 >= 32 && $0 < 127) || $0 == 9 }) else {
            return refuse("500 5.5.2 Commands are printable US-ASCII (no NUL or control bytes; SMTPUTF8 is not offered)")
        }
        let text = String(decoding: line, as: UTF8.self)
        let verb = text.prefix { $0 != " " }.uppercased()
        let argument = text.dropFirst(verb.count).drop { $0 == " " }
        switch verb {
        case "EHLO", "HELO":
            guard !argument.isEmpty else { return refuse("501 5.5.4 Syntax: \(verb) hostname") }
            resetTransaction()
            greeted = true
            guard verb == "EHLO" else { return [.reply("250 \(configuration.hostname)\r\n")] }
            let lines = [configuration.hostname, "PIPELINING", "SIZE \(configuration.maximumMessageBytes)", "8BITMIME", "ENHANCEDSTATUSCODES"]
            return [.reply(lines.enumerated().map { "250\($0.offset == lines.count - 1 ? " " : "-")\($0.element)\r\n" }.joined())]
        case "MAIL": return mail(argument)
        case "RCPT": return rcpt(argument)
        case "DATA":
            guard argument.isEmpty else { return refuse("501 5.5.4 Syntax: DATA") }
            guard mailFrom != nil else { return refuse("503 5.5.1 Need MAIL command") }
            guard !recipients.isEmpty else { return refuse("554 5.5.1 No valid recipients") }
            mode = .data
            return [.reply("354 End data with <CR><LF>.<CR><LF>\r\n")]
        case "RSET":
            guard argument.isEmpty else { return refuse("501 5.5.4 Syntax: RSET") }
            resetTransaction()
            return [.reply("250 2.0.0 Ok\r\n")]
        case "NOOP":
            return [.reply("250 2.0.0 Ok\r\n")]
        case "QUIT":
            mode = .closed
            return [.reply("221 2.0.0 Bye\r\n"), .close]
        case "VRFY", "EXPN", "HELP", "STARTTLS", "AUTH", "BDAT", "ETRN", "TURN":
            return refuse("502 5.5.1 \(verb) is not offered")
        default:
            return refuse("500 5.5.2 Command unrecognized")
        }
    }

    private mutating func mail(_ argument: Substring) -> [Action] {
        guard greeted else { return refuse("503 5.5.1 Send EHLO or HELO first") }
        guard mailFrom == nil else { return refuse("503 5.5.1 Nested MAIL command") }
        guard let (path, parameters) = Self.path(after: "FROM:", in: argument) else { return refuse("501 5.5.4 Syntax: MAIL FROM:<address>") }
        for parameter in parameters {
            let (key, value) = Self.keyValue(parameter)
            switch key {
            case "SIZE":
                guard let value, value.count <= 18, value.allSatisfy(\.isASCIIDigit), let size = Int(value) else {
                    return refuse("501 5.5.4 SIZE takes a whole number of bytes")
                }
                guard size <= configuration.maximumMessageBytes else {
                    return refuse("552 5.3.4 Message size exceeds fixed maximum message size (\(configuration.maximumMessageBytes) bytes)")
                }
            case "BODY":
                guard let value, ["7BIT", "8BITMIME"].contains(value.uppercased()) else { return refuse("501 5.5.4 BODY is 7BIT or 8BITMIME") }
            default:
                return refuse("555 5.5.4 Unsupported MAIL parameter \(key)")
            }
        }
        mailFrom = path
        return [.reply("250 2.1.0 Ok\r\n")]
    }

    private mutating func rcpt(_ argument: Substring) -> [Action] {
        guard mailFrom != nil else { return refuse("503 5.5.1 Need MAIL command") }
        guard let (path, parameters) = Self.path(after: "TO:", in: argument), !path.isEmpty else { return refuse("501 5.5.4 Syntax: RCPT TO:<address>") }
        guard parameters.isEmpty else { return refuse("555 5.5.4 RCPT takes no parameters here") }
        guard recipients.count < configuration.maximumRecipients else {
            return [.reply("452 4.5.3 Too many recipients (at most \(configuration.maximumRecipients))\r\n")]
        }
        mode = .awaitingRecipient(path)
        return [.checkRecipient(path)]
    }

    /// `FROM:<path> KEY=VALUE ...`: the path without brackets (and without an RFC 5321 source route) and the
    /// parameters; nil when malformed. At most 256 bytes of path (RFC 5321 4.5.3.1.3).
    static func path(after keyword: String, in argument: Substring) -> (String, [Substring])? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).drop { $0 == " " }
        guard rest.first == "<", let close = rest.firstIndex(of: ">") else { return nil }
        var path = rest[rest.index(after: rest.startIndex)..<close]
        if path.first == "@", let colon = path.firstIndex(of: ":") { path = path[path.index(after: colon)...] }
        guard path.utf8.count <= 256, !path.contains(where: { $0 == "<" || $0 == " " || $0 == "\t" }) else { return nil }
        let after = rest[rest.index(after: close)...]
        guard after.isEmpty || after.first == " " else { return nil }
        return (String(path), after.split(separator: " "))
    }

    static func keyValue(_ parameter: Substring) -> (String, Substring?) {
        guard let equals = parameter.firstIndex(of: "=") else { return (parameter.uppercased(), nil) }
        return (parameter[..<equals].uppercased(), parameter[parameter.index(after: equals)...])
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
