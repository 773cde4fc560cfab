import Logging
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

@testable import LDAP

/// The handler in its real pipeline on a `NIOAsyncTestingChannel` (NIOEmbedded's thread-safe EmbeddedChannel, as
/// the search's consumer runs in another task): scripted server bytes in, the exact bytes written out. No network.
@Suite struct LDAPClientHandlerTests {
    /// Stands in for NIOSSL after StartTLS: reports a completed handshake as soon as it is added.
    final class FakeTLSHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        func handlerAdded(context: ChannelHandlerContext) {
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        }
    }

    struct Session {
        let channel = NIOAsyncTestingChannel()
        let connected: EventLoopPromise<Void>
        let client: LDAPClient

        init(security: LDAPConfiguration.Security = .unencryptedForTestsOnly, maximumMessageLength: Int = 1 << 20) async throws {
            let configuration = LDAPConfiguration(host: "ldap.test", port: 389, security: security,
                                                  responseTimeout: .seconds(30), maximumMessageLength: maximumMessageLength)
            let connected = channel.eventLoop.makePromise(of: Void.self)
            self.connected = connected
            try await channel.testingEventLoop.executeInContext { [channel] in
                try LDAPClient.addHandlers(to: channel, configuration: configuration, tls: nil, connected: connected, logger: Logger(label: "test"))
                try channel.pipeline.syncOperations.handler(type: LDAPClientHandler.self).makeTLSHandler = { FakeTLSHandler() }
            }
            try await channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 389))
            client = LDAPClient(channel: channel)
        }

        func server(_ messages: [UInt8]...) async throws {
            try await channel.writeInbound(ByteBuffer(bytes: messages.flatMap { $0 }))
        }

        /// The messages the client wrote since the last call, one byte array each (compared with `encoded()`, whose
        /// bytes LDAPEncodingTests check by hand).
        func written() async throws -> [[UInt8]] {
            var bytes: [UInt8] = []
            while let buffer = try await channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
            var messages: [[UInt8]] = []
            while !bytes.isEmpty {
                let view = ByteBuffer(bytes: bytes).readableBytesView
                let length = try #require(try LDAPMessageDecoder.frameLength(view, maximum: 1 << 20))
                messages.append(Array(bytes.prefix(length)))
                bytes.removeFirst(length)
            }
            return messages
        }

        func handlerState<T: Sendable>(_ read: @escaping @Sendable (LDAPClientHandler) -> T) async throws -> T {
            try await channel.testingEventLoop.executeInContext { [channel] in
                read(try channel.pipeline.syncOperations.handler(type: LDAPClientHandler.self))
            }
        }
    }

    @Test func startTLSIsRequestedAndTheSessionIsReadyAfterTheHandshake() async throws {
        let session = try await Session(security: .startTLS)
        #expect(try await session.written() == [try LDAPMessage(id: 1, operation: .extendedRequest(name: LDAPOID.startTLS, value: nil)).encoded()])
        try await session.server(ServerMessage.extendedResponse(1, name: LDAPOID.startTLS))
        try await session.connected.futureResult.get()
        #expect(try await session.handlerState { $0.machine.tlsActive })
    }

    @Test func bytesAfterTheStartTLSResponseAreRefused() async throws {
        let session = try await Session(security: .startTLS)
        _ = try await session.written()
        // An attacker's injected "bind succeeded" behind the real response, in the same cleartext segment.
        try await session.server(ServerMessage.extendedResponse(1), ServerMessage.bindResponse(2))
        let error = await #expect(throws: LDAPError.self) { try await session.connected.futureResult.get() }
        #expect(error?.kind == .protocolError)
    }

    @Test func bindWritesTheRequestAndReportsTheResult() async throws {
        let session = try await Session()
        try await session.connected.futureResult.get()
        let bound = Task { try await session.client.bind(dn: "cn=a", password: "pw") }
        try await waitForOutbound(session, count: 1, expected: [LDAPMessage(id: 1, operation: .bindRequest(dn: "cn=a", password: Array("pw".utf8)))])
        try await session.server(ServerMessage.bindResponse(1, code: 49, diagnostic: "data 52e\u{7}"))
        let error = await #expect(throws: LDAPError.self) { try await bound.value }
        #expect(error?.kind == .invalidCredentials)
        #expect(error?.diagnosticMessage == "data 52e")
    }

    @Test func pagesStreamAndTheNextPageIsRequestedWithTheCookie() async throws {
        let session = try await Session()
        let results = try session.client.search(LDAPSearchRequest(baseDN: "dc=test", filter: "(uid=*)", pageSize: 2))
        let parameters = LDAPSearchParameters(baseDN: "dc=test", scope: .wholeSubtree, filter: .present(attribute: "uid"), attributes: [])
        var page = LDAPMessage(id: 1, operation: .searchRequest(parameters), controls: [try .pagedResults(size: 2, cookie: [])])
        try await waitForOutbound(session, count: 1, expected: [page])
        try await session.server(ServerMessage.user(1, 1), ServerMessage.reference(1, ["ldap://elsewhere/"]), ServerMessage.user(1, 2),
                                 ServerMessage.done(1, cookie: [0x42]))
        page = LDAPMessage(id: 2, operation: .searchRequest(parameters), controls: [try .pagedResults(size: 2, cookie: [0x42])])
        try await waitForOutbound(session, count: 1, expected: [page])
        try await session.server(ServerMessage.user(2, 3), ServerMessage.done(2, cookie: []))
        var uids: [String] = []
        for try await entry in results { uids.append(entry.string("uid") ?? "?") }
        #expect(uids == ["u1", "u2", "u3"])
    }

    @Test func aSizeLimitAfterSomeEntriesDeliversThemThenTheError() async throws {
        let session = try await Session()
        let results = try session.client.search(LDAPSearchRequest(baseDN: "dc=test", pageSize: nil))
        try await session.server(ServerMessage.user(1, 1), ServerMessage.done(1, code: 4, diagnostic: "limit"))
        var iterator = results.makeAsyncIterator()
        #expect(try await iterator.next()?.dn == "uid=u1,dc=test")
        let error = await #expect(throws: LDAPError.self) { try await iterator.next() }
        #expect(error?.kind == .sizeLimitExceeded)
    }

    @Test func readingPausesWhileTheConsumerIsBehindAndResumes() async throws {
        let session = try await Session()
        let results = try session.client.search(LDAPSearchRequest(baseDN: "dc=test", pageSize: nil))
        for number in 1...12 { try await session.server(ServerMessage.user(1, number)) }  // 12 batches of one
        #expect(try await session.handlerState { $0.consumerIsBehind })
        session.channel.read()
        #expect(try await session.handlerState { $0.heldRead })
        var iterator = results.makeAsyncIterator()
        for _ in 1...12 { _ = try await iterator.next() }
        try await waitUntil { try await !session.handlerState { $0.consumerIsBehind } }
        #expect(try await !session.handlerState { $0.heldRead })
    }

    @Test func leavingASearchEarlyAbandonsIt() async throws {
        let session = try await Session()
        var results: LDAPSearchResults? = try session.client.search(LDAPSearchRequest(baseDN: "dc=test", pageSize: nil))
        _ = try await session.written()
        try await session.server(ServerMessage.user(1, 1), ServerMessage.user(1, 2))
        var iterator = results?.makeAsyncIterator()
        _ = try await iterator?.next()
        iterator = nil
        results = nil
        try await waitForOutbound(session, count: 1, expected: [LDAPMessage(id: 2, operation: .abandonRequest(1))])
        // What the server still sends for it is ignored, and the connection takes the next request.
        try await session.server(ServerMessage.user(1, 3), ServerMessage.done(1))
        let bound = Task { try await session.client.bind(dn: "cn=a", password: "pw") }
        try await waitForOutbound(session, count: 1, expected: [LDAPMessage(id: 3, operation: .bindRequest(dn: "cn=a", password: Array("pw".utf8)))])
        try await session.server(ServerMessage.bindResponse(3))
        try await bound.value
    }

    @Test func aSilentServerTimesOut() async throws {
        let session = try await Session()
        let bound = Task { try await session.client.bind(dn: "cn=a", password: "pw") }
        try await waitForOutbound(session, count: 1, expected: nil)
        await session.channel.testingEventLoop.advanceTime(by: .seconds(31))
        let error = await #expect(throws: LDAPError.self) { try await bound.value }
        #expect(error?.kind == .responseTimeout)
    }

    @Test(arguments: [
        [UInt8]("HTTP/1.1 400 Bad Request\r\n".utf8),
        [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff],
        [0x30, 0x03, 0x02, 0x01, 0x01],
    ])
    func hostileBytesEndTheSessionWithAProtocolError(bytes: [UInt8]) async throws {
        let session = try await Session()
        let bound = Task { try await session.client.bind(dn: "cn=a", password: "pw") }
        try await waitForOutbound(session, count: 1, expected: nil)
        try? await session.server(bytes)
        let error = await #expect(throws: LDAPError.self) { try await bound.value }
        #expect(error?.kind == .protocolError)
    }

    @Test func aSecondOperationWhileOneRunsIsBusy() async throws {
        let session = try await Session()
        // Kept until the end: a dropped result sequence abandons its search, and the connection would be free.
        let results = try session.client.search(LDAPSearchRequest(baseDN: "dc=test"))
        let error = await #expect(throws: LDAPError.self) { try await session.client.bind(dn: "cn=a", password: "pw") }
        #expect(error?.kind == .busy)
        withExtendedLifetime(results) {}
    }
}

/// Waits for the client (another task) to write `count` messages; checks them when `expected` is given.
@discardableResult
func waitForOutbound(_ session: LDAPClientHandlerTests.Session, count: Int, expected: [LDAPMessage]?) async throws -> [[UInt8]] {
    var messages: [[UInt8]] = []
    for _ in 0..<500 where messages.count < count {
        messages += try await session.written()
        if messages.count < count { try await Task.sleep(for: .milliseconds(10)) }
    }
    if let expected { #expect(try messages == expected.map { try $0.encoded() }) }
    return messages
}

func waitUntil(_ condition: () async throws -> Bool) async throws {
    for _ in 0..<500 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within 5 s")
}
