import Foundation
import LiveServerSupport
import NIOCore
import NIOPosix
import Testing

@testable import SMTP

@Suite("SMTP connection")
struct SMTPConnectionTests {
    @Test("an unreadable CA file is a configuration error, before any connection")
    func unreadableCAFile() async {
        // given
        let configuration = SMTPServerConfiguration(
            host: "localhost", port: 1, tlsMode: .startTLS, caFilePath: "/nonexistent/ca.pem")
        // when
        let result = await connectResult(configuration)
        // then
        #expect(result.failureValue?.kind == .invalidConfiguration)
        #expect(result.failureValue?.message.contains("/nonexistent/ca.pem") == true)
        #expect(result.failureValue?.isTemporary == false)
    }

    @Test("a refused TCP connection is a temporary connection failure")
    func connectionRefused() async throws {
        // given: a port that was just free (bound, then closed)
        let port = try await freeLoopbackPort()
        let configuration = SMTPServerConfiguration(host: "127.0.0.1", port: port, tlsMode: .none)
        // when
        let result = await connectResult(configuration)
        // then
        let error = try #require(result.failureValue)
        #expect(error.kind == .connectionFailed)
        #expect(error.isTemporary)
        #expect(error.message.contains("127.0.0.1:\(port)"))
    }

    @Test("concurrent sends on one connection each get their own results")
    func concurrentSends() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let connection = try await connect(servers.configuration(port: servers.plainPort, tlsMode: .none))
        // when
        let results = await withTaskGroup(of: (Int, [Result<SMTPDeliveryReceipt, SMTPError>]).self) { group in
            for batch in 0..<4 {
                group.addTask {
                    let envelopes = (0..<3).map { envelope(to: ["b\(batch)-\($0)@example.org"]) }
                    return (batch, await connection.send(envelopes))
                }
            }
            var all: [Int: [Result<SMTPDeliveryReceipt, SMTPError>]] = [:]
            for await (batch, results) in group { all[batch] = results }
            return all
        }
        await connection.close()
        // then
        for batch in 0..<4 {
            let batchResults = try #require(results[batch])
            for (index, result) in batchResults.enumerated() {
                let stored = try servers.storedMessage(for: try result.get())
                #expect(stored.envelope["rcpt_tos"] as? [String] == ["b\(batch)-\(index)@example.org"])
            }
        }
    }

    @Test("ten connections share 2,000 messages to smtp-sink, all accepted")
    func manyConnections() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let configuration = servers.configuration(port: servers.sinkPort, tlsMode: .none, host: "127.0.0.1")
        // when
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<10 {
                group.addTask {
                    let connection = try await connect(configuration)
                    let envelopes = (0..<200).map { envelope(to: ["w\(worker)-\($0)@example.org"]) }
                    let results = await connection.send(envelopes)
                    await connection.close()
                    return results.filter { (try? $0.get()) != nil }.count
                }
            }
            return try await group.reduce(0, +)
        }
        // then
        #expect(accepted == 2_000)
    }

    @Test("sending after close fails temporarily instead of hanging")
    func sendAfterClose() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let connection = try await connect(servers.configuration(port: servers.sinkPort, tlsMode: .none, host: "127.0.0.1"))
        await connection.close()
        // when
        let result = await connection.send(envelope())
        // then
        #expect(!connection.isOpen)
        #expect(result.failureValue?.isTemporary == true)
    }
}

/// A loopback port nothing listens on: bound, read, closed.
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = try #require(channel.localAddress?.port)
    try await channel.close()
    return port
}
