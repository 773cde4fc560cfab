import NIOCore

/// The entries of one search, as they arrive: `for try await entry in results`, or a batch at a time with
/// `nextBatch()`. Entries are never collected: the connection stops reading while a few batches wait for the
/// consumer, so memory stays flat however many entries the directory holds. Errors thrown are `LDAPError`s, after
/// every entry that arrived before the failure. Ending the iteration early abandons the search on the server.
public struct LDAPSearchResults: AsyncSequence, Sendable {
    public typealias Element = LDAPEntry
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        [LDAPEntry], any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, LDAPSearchDemand>
    typealias Source = Producer.Source

    /// Batches buffered before reading pauses (a batch is what one socket read held, at most 500 entries).
    static let backPressure = NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark(lowWatermark: 2, highWatermark: 8)

    let batches: Producer

    static func make(channel: any Channel, token: LDAPSearchToken) -> (Source, LDAPSearchResults) {
        let made = Producer.makeSequence(
            backPressureStrategy: backPressure, finishOnDeinit: true, delegate: LDAPSearchDemand(channel: channel, token: token))
        return (made.source, LDAPSearchResults(batches: made.sequence))
    }

    public func makeAsyncIterator() -> Iterator { Iterator(batches: batches.makeAsyncIterator()) }

    public struct Iterator: AsyncIteratorProtocol {
        var batches: Producer.AsyncIterator
        var current: [LDAPEntry] = []
        var index = 0

        /// The next entry, or nil after the last page.
        public mutating func next() async throws -> LDAPEntry? {
            while index == current.count {
                guard let batch = try await nextBatch() else { return nil }
                current = batch
                index = 0
            }
            index += 1
            return current[index - 1]
        }

        /// The entries that arrived together (at most one page, never empty), or nil after the last page. Do not mix
        /// with `next()` on the same iterator.
        public mutating func nextBatch() async throws -> [LDAPEntry]? {
            do {
                return try await batches.next()
            } catch let error as LDAPError {
                throw error
            } catch {
                throw LDAPError(.connectionFailed, message: "\(error)")
            }
        }
    }
}

/// Identifies one search between the client, its consumer and the handler.
final class LDAPSearchToken: Sendable {}

/// Tells the handler when the consumer wants more entries or has gone; called from any thread.
struct LDAPSearchDemand: NIOAsyncSequenceProducerDelegate {
    let channel: any Channel
    let token: LDAPSearchToken

    func produceMore() {
        channel.triggerUserOutboundEvent(LDAPConsumerEvent.produceMore(token), promise: nil)
    }

    func didTerminate() {
        channel.triggerUserOutboundEvent(LDAPConsumerEvent.terminated(token), promise: nil)
    }
}
