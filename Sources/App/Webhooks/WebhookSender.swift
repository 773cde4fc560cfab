import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What one attempt to post an event produced, as the delivery log shows it.
struct WebhookAttempt: Sendable {
    var statusCode: Int?
    var latencyMilliseconds: Int
    var excerpt: String?
    var error: String?

    /// Any 2xx answer acknowledges the event (Standard Webhooks); everything else is retried.
    var acknowledged: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// Posts signed events with AsyncHTTPClient: a whole-request deadline, no redirects followed (a 3xx is a failed
/// attempt, so a receiver cannot bounce Herald to another host), and the address policy checked before connecting.
final class WebhookSender: Sendable {
    /// Characters of the endpoint's answer kept in the delivery log.
    static let excerptLength = 500
    /// Bytes of the answer read at most: a receiver streaming forever cannot hold a lane.
    static let maximumResponseBytes = 64 * 1024

    let client: HTTPClient
    let policy: WebhookAddressPolicy
    let timeout: TimeInterval

    init(group: any EventLoopGroup, settings: WebhookSettings) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Int64(min(settings.timeout, 10))), read: .seconds(Int64(settings.timeout)))
        )
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        self.client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        self.policy = WebhookAddressPolicy(allowPrivateAddresses: settings.allowPrivateAddresses)
        self.timeout = settings.timeout
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// Posts `body` signed with `secrets` (the current one first); never throws: failures are the attempt's outcome.
    func post(_ body: String, eventID: String, to url: String, secrets: [String], now: Date = Date()) async -> WebhookAttempt {
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - started
            return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            guard let host = URLComponents(string: url)?.host else { throw WebhookRefusal("the URL has no host") }
            try await policy.check(host: host)
            let timestamp = Int(now.timeIntervalSince1970)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Herald-Webhooks/1")
            request.headers.add(name: "webhook-id", value: eventID)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(name: "webhook-signature", value: WebhookSignature.sign(id: eventID, timestamp: timestamp, body: body, secrets: secrets))
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            var answer = ByteBuffer()
            for try await var chunk in response.body {
                let room = Self.maximumResponseBytes - answer.readableBytes
                if room <= 0 { break }
                if let part = chunk.readSlice(length: min(room, chunk.readableBytes)) { answer.writeImmutableBuffer(part) }
            }
            return WebhookAttempt(statusCode: Int(response.status.code), latencyMilliseconds: elapsed(), excerpt: Self.excerpt(answer), error: nil)
        } catch {
            return WebhookAttempt(statusCode: nil, latencyMilliseconds: elapsed(), excerpt: nil, error: Self.describe(error))
        }
    }

    /// The start of an answer as printable text: control characters and invalid UTF-8 become U+FFFD.
    static func excerpt(_ buffer: ByteBuffer) -> String? {
        guard buffer.readableBytes > 0 else { return nil }
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.prefix(excerptLength).map { scalar in
            scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" ? "\u{FFFD}" : scalar
        }))
        return cleaned
    }

    static func describe(_ error: any Error) -> String {
        if let refusal = error as? WebhookRefusal { return "refused: \(refusal.description)" }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: return "HTTP client: \(client)"
            }
        }
        return "could not connect: \(String(describing: error).prefix(200))"
    }
}
