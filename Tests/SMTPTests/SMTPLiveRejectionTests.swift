import NIOCore
import LiveServerSupport
import Testing

@testable import SMTP

/// Classification of smtp-sink's refusals: nothing reported accepted that was not.
@Suite("SMTP refusals from real servers")
struct SMTPLiveRejectionTests {
    func sendThree(port: Int, servers: LiveServers) async throws -> (SMTPConnection, [Result<SMTPDeliveryReceipt, SMTPError>]) {
        let connection = try await connect(servers.configuration(port: port, tlsMode: .none, host: "127.0.0.1"))
        let results = await connection.send((0..<3).map { envelope(to: ["user\($0)@example.org"]) })
        return (connection, results)
    }

    @Test("RCPT soft-rejected with 4xx fails every message temporarily")
    func softRejectIsTemporary() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        // when
        let (connection, results) = try await sendThree(port: servers.softRejectPort, servers: servers)
        await connection.close()
        // then
        #expect(results.count == 3)
        for result in results {
            let error = try #require(result.failureValue)
            #expect(error.kind == .rejected)
            #expect((400..<500).contains(error.code ?? 0))
            #expect(error.command?.hasPrefix("RCPT TO:<user") == true)
            #expect(error.isTemporary)
        }
    }

    @Test("RCPT hard-rejected with 5xx fails every message permanently")
    func hardRejectIsPermanent() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        // when
        let (connection, results) = try await sendThree(port: servers.hardRejectPort, servers: servers)
        await connection.close()
        // then
        for result in results {
            let error = try #require(result.failureValue)
            #expect((500..<600).contains(error.code ?? 0))
            #expect(!error.isTemporary)
        }
    }

    @Test("a 5xx after the final dot fails the message permanently and the next still runs")
    func dataRejectIsPermanent() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        // when
        let (connection, results) = try await sendThree(port: servers.dataRejectPort, servers: servers)
        await connection.close()
        // then
        #expect(results.count == 3)
        for result in results {
            let error = try #require(result.failureValue)
            #expect(error.command == "end of data")
            #expect(!error.isTemporary)
        }
    }

    @Test("a connection reused after refusals at the final dot goes on with its own transactions, never a 503")
    func dataRejectReuse() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        let (connection, _) = try await sendThree(port: servers.dataRejectPort, servers: servers)
        // when
        let again = await connection.send((0..<2).map { envelope(to: ["again\($0)@example.org"]) })
        await connection.close()
        // then: each refused for itself, at its own final dot
        for result in again {
            let error = try #require(result.failureValue)
            #expect(error.command == "end of data", "\(error)")
            #expect(error.code != 503)
        }
    }

    @Test("421 and a disconnect fail every message temporarily and close the connection")
    func disconnectIsTemporary() async throws {
        // given
        let servers = try LiveServers.fromEnvironment()
        // when
        let (connection, results) = try await sendThree(port: servers.disconnectPort, servers: servers)
        let later = await connection.send(envelope())
        // then
        #expect(results.count == 3)
        for result in results {
            let error = try #require(result.failureValue)
            #expect(error.isTemporary)
        }
        #expect(results.first?.failureValue?.code == 421)
        #expect(later.failureValue?.isTemporary == true)
        #expect(!connection.isOpen)
        await connection.close()
    }
}
