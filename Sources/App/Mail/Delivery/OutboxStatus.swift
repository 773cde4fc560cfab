/// Where an outbox message is in its life. Stored as text in `outbox_messages.status`.
package enum OutboxStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for its first attempt.
    case queued
    /// Claimed by a worker under a lease; if the lease runs out (the worker died) it is claimed again.
    case sending
    case sent
    /// A temporary failure; tried again at `next_attempt_at`.
    case deferred
    /// A permanent failure, or temporary ones past the retry horizon; `last_error` says why.
    case failed
}

/// A message as a worker holds it after claiming it.
struct ClaimedMessage: Sendable {
    let id: UUID
    let organizationID: UUID?
    let mailFrom: String
    let recipients: [String]
    let raw: [UInt8]
    let attempts: Int
    let createdAt: Date
    /// Why the stored body could not be opened (see `OutboxSealer`); such a message is failed, never sent.
    var unreadable: String? = nil
    /// The claim's lease holder (`leased_by`): only the current holder may record an outcome. `nil` for messages that
    /// are not rows of the outbox (a test email).
    var lease: String? = nil
}

/// What a transport reports for one message.
enum DeliveryOutcome: Sendable, Equatable {
    /// `reply`: the server's answer to the message's data ("250 2.0.0 Ok: queued as 4F2A1"); nil for the file spool.
    case sent(reply: String?)
    case temporaryFailure(String)
    case permanentFailure(String)
}

import Foundation

extension DeliveryOutcome {
    var isSent: Bool { if case .sent = self { true } else { false } }

    var reply: String? { if case .sent(let reply) = self { reply } else { nil } }
}
