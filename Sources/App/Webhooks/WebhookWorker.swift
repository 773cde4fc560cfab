import Fluent
import Foundation
import HeraldCore
import Logging
import NIOConcurrencyHelpers
import Vapor

/// Posts what `webhook_deliveries` holds: `concurrency` lanes, each claiming a batch, posting it concurrently and
/// recording the outcomes in one transaction, until stopped. Several instances may run against one database.
final class WebhookWorker: Sendable {
    struct Report: Sendable, Equatable {
        var delivered = 0
        var deferred = 0
        var failed = 0
        var total: Int { delivered + deferred + failed }
    }

    let database: any Database
    let settings: WebhookSettings
    let sender: WebhookSender
    let secretBox: SecretBox
    let workerID: String
    let disabling: WebhookEndpointDisabling
    let logger: Logger
    private let signal = WakeSignal()
    private let lanes = NIOLockedValueBox<[Task<Void, Never>]>([])

    init(database: any Database, settings: WebhookSettings, sender: WebhookSender, secretBox: SecretBox, mailer: Mailer, logger: Logger) {
        self.database = database
        self.settings = settings
        self.sender = sender
        self.secretBox = secretBox
        self.workerID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.disabling = WebhookEndpointDisabling(settings: settings, mailer: mailer)
        self.logger = logger
    }

    /// Claims one batch and posts it; returns the outcomes (empty when nothing was due).
    func deliverOneBatch(now: Date = Date()) async throws -> Report {
        let claim = WebhookClaim(fluent: database, holder: "\(workerID)/\(UUID().uuidString.prefix(8).lowercased())")
        let claimed = try await claim.claim(limit: settings.batchSize, leaseDuration: settings.leaseDuration, now: now)
        guard !claimed.isEmpty else { return Report() }
        let endpoints = try await WebhookEndpoint.query(on: database).filter(\.$id ~~ Set(claimed.map(\.endpointID))).all()
            .reduce(into: [UUID: WebhookEndpoint]()) { $0[$1.id!] = $1 }
        let attempts = await withTaskGroup(of: (ClaimedWebhook, WebhookAttempt).self) { group in
            for delivery in claimed {
                group.addTask {
                    guard let endpoint = endpoints[delivery.endpointID] else {
                        return (delivery, WebhookAttempt(statusCode: nil, latencyMilliseconds: 0, error: "the endpoint was deleted"))
                    }
                    let secrets = self.signingSecrets(endpoint)
                    guard !secrets.isEmpty else {
                        return (delivery, WebhookAttempt(statusCode: nil, latencyMilliseconds: 0, error: "the secret cannot be read with this server's key"))
                    }
                    return (delivery, await self.sender.post(delivery.payload, eventID: delivery.eventID, to: endpoint.url, secrets: secrets))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        return try await record(attempts, claim: claim, endpoints: endpoints)
    }

    /// The current secret, then the previous one while its overlap lasts.
    func signingSecrets(_ endpoint: WebhookEndpoint, now: Date = Date()) -> [String] {
        var sealed = [endpoint.secret]
        if let previous = endpoint.previousSecret, let until = endpoint.previousSecretUntil, until > now { sealed.append(previous) }
        return sealed.compactMap { try? secretBox.open($0) }
    }

    private func record(_ attempts: [(ClaimedWebhook, WebhookAttempt)], claim: WebhookClaim,
                        endpoints: [UUID: WebhookEndpoint]) async throws -> Report {
        let policy = WebhookRetryPolicy(settings: settings)
        let now = Date()
        return try await database.transaction { db in
            let sql = try db.sql
            var report = Report()
            for (delivery, attempt) in attempts {
                let (status, next) = policy.settle(delivery, attempt, now: now)
                guard try await claim.record(delivery, attempt, status: status, nextAttempt: next, on: sql, now: now) else { continue }
                switch status {
                case .delivered: report.delivered += 1
                case .failed: report.failed += 1
                default: report.deferred += 1
                }
                if !attempt.acknowledged {
                    self.logger.info("webhook \(delivery.eventID) to endpoint \(delivery.endpointID): \(attempt.error ?? "HTTP \(attempt.statusCode ?? 0)")")
                }
                guard let endpoint = endpoints[delivery.endpointID] else { continue }
                try await self.disabling.count(attempt.acknowledged, endpoint: endpoint, on: db, now: now)
            }
            return report
        }
    }

    /// Runs every lane until nothing is due (`herald webhooks deliver`, tests).
    func deliverUntilEmpty() async throws -> Report {
        var total = Report()
        while true {
            let batch = try await deliverOneBatch()
            if batch.total == 0 { return total }
            total.add(batch)
        }
    }

    /// Starts the lanes in the background (`herald serve`).
    func start() {
        let tasks = (0..<settings.concurrency).map { lane in
            Task {
                while !Task.isCancelled {
                    do {
                        if try await self.deliverOneBatch().total > 0 { continue }
                    } catch {
                        self.logger.error("webhook lane \(lane): \(String(reflecting: error))")
                    }
                    await self.signal.wait(timeout: self.settings.pollInterval)
                }
            }
        }
        lanes.withLockedValue { $0 = tasks }
    }

    func stop() async {
        let tasks = lanes.withLockedValue { tasks in defer { tasks = [] }; return tasks }
        tasks.forEach { $0.cancel() }
        await signal.wakeAll()
        for task in tasks { await task.value }
    }
}

extension WebhookWorker.Report {
    mutating func add(_ other: Self) {
        delivered += other.delivered
        deferred += other.deferred
        failed += other.failed
    }
}

/// Closes the webhook and identity provider HTTP clients' connections when any application shuts down (commands and tests included, not
/// only `herald serve`): AsyncHTTPClient requires it before the client is released.
struct WebhookClientShutdown: LifecycleHandler {
    func shutdownAsync(_ app: Application) async {
        await app.herald.webhookWorker.stop()
        await app.herald.webhookWorker.sender.shutdown()
        await app.herald.openID.shutdown()
    }
}
