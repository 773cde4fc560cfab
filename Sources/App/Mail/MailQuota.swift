import Fluent
import Foundation
import SQLKit
import Vapor

/// How many messages one organization may have Herald queue in any 24 hours (`HERALD_ORG_DAILY_MAIL_QUOTA`).
///
/// Every invitation, resend and member notice is mail an administrator makes Herald send from the operator's
/// servers and reputation; without a bound, one administrator can mail any number of addresses. The count is the
/// organization's outbox rows of the last 24 hours, so it covers every kind of message without a counter of its own
/// to keep in step. A request that would pass the quota is refused as a whole, before anything is queued.
struct MailQuota: Sendable {
    static let window: TimeInterval = 24 * 60 * 60

    /// Messages per organization per 24 hours; nil: no limit.
    let perDay: Int?

    struct Usage: Sendable {
        let used: Int
        let limit: Int
        var isReached: Bool { used >= limit }
    }

    /// The messages queued for the organization in the last 24 hours, against the limit; nil without a limit.
    func usage(organizationID: UUID, now: Date = Date(), on db: any Database) async throws -> Usage? {
        guard let perDay else { return nil }
        let used = try await OutboxMessage.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$createdAt > now.addingTimeInterval(-Self.window)).count()
        return Usage(used: used, limit: perDay)
    }

    /// Throws 429 (with Retry-After) when queuing `count` more messages would pass the quota.
    func reserve(_ count: Int, organizationID: UUID, now: Date = Date(), on db: any Database) async throws {
        guard count > 0, let usage = try await usage(organizationID: organizationID, now: now, on: db),
              usage.used + count > usage.limit else { return }
        guard count <= usage.limit else {
            throw ValidationProblems(["recipients: \(count) messages are more than this organization may send in 24 hours (\(usage.limit)); split the list"])
        }
        // Room for `count` opens when the oldest messages that are too many leave the window.
        let tooMany = usage.used + count - usage.limit
        let freedAt = try await OutboxMessage.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$createdAt > now.addingTimeInterval(-Self.window)).sort(\.$createdAt)
            .offset(tooMany - 1).first()?.createdAt?.addingTimeInterval(Self.window) ?? now.addingTimeInterval(Self.window)
        let seconds = max(1, Int(freedAt.timeIntervalSince(now).rounded(.up)))
        throw Exceeded(limit: usage.limit, used: usage.used, retryAfter: seconds)
    }

    /// 429 with Retry-After; over the API as JSON, in the console as a message on the form.
    struct Exceeded: AbortError {
        let limit: Int
        let used: Int
        let retryAfter: Int

        var status: HTTPResponseStatus { .tooManyRequests }
        var headers: HTTPHeaders { ["Retry-After": String(retryAfter)] }
        var reason: String {
            "quota: this organization has sent \(used) of its \(limit) messages per 24 hours; "
                + "try again in \(Self.duration(retryAfter)) or ask the operator to raise HERALD_ORG_DAILY_MAIL_QUOTA"
        }

        static func duration(_ seconds: Int) -> String {
            seconds >= 3600 ? "\((seconds + 3599) / 3600) hours" : seconds >= 60 ? "\((seconds + 59) / 60) minutes" : "\(seconds) seconds"
        }
    }
}

extension HeraldServices {
    var mailQuota: MailQuota { MailQuota(perDay: configuration.dailyMailQuota) }
}
