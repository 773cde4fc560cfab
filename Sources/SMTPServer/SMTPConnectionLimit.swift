import NIOConcurrencyHelpers

/// Open connections of one listener at most: the connection past the limit is told 421 and closed, so a client
/// opening connections without end costs a greeting each, not a session each. Shared by the listener's handlers.
public final class SMTPConnectionLimit: Sendable {
    public let maximum: Int
    private let open = NIOLockedValueBox(0)

    public init(maximum: Int) {
        self.maximum = maximum
    }

    public var openConnections: Int { open.withLockedValue { $0 } }

    /// Takes a place; false when all are taken.
    func acquire() -> Bool {
        open.withLockedValue { count in
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    func release() {
        open.withLockedValue { $0 -= 1 }
    }
}
