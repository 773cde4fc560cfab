import Fluent
import Foundation

/// What a feature that sends mail uses: the base wording (each organization may override it), the composer, the
/// outbox the mail is queued in, and the delivery worker to wake once the change that caused the mail is committed.
package struct Mailer: Sendable {
    let catalog: MessageCatalog
    let composer: MailComposer
    package let outbox: Outbox
    let worker: DeliveryWorker

    /// The organization's own wording where it has edited a template.
    func catalog(for organizationID: UUID, on db: any Database) async throws -> MessageCatalog {
        try await MessageOverrides.catalog(for: organizationID, base: catalog, on: db)
    }

    /// Call after the transaction that queued mail has committed, so the worker finds it.
    func wakeDelivery() {
        worker.wake()
    }
}
