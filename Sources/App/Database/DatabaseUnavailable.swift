import AsyncKit
import NIOCore
import NIOPosix
import PostgresNIO
import Vapor

/// Recognises "the database cannot be reached right now" (PostgreSQL restarting, a network cut) among the errors a
/// request can end with, so that it becomes a 503 with Retry-After that says so, rather than an opaque 500. The
/// connection pool reconnects on its own: no restart of Herald is needed once the database is back.
enum DatabaseUnavailable {
    static let reason = "the database is unavailable at the moment; try again in a few seconds"

    static func abort(for error: any Error) -> Abort? {
        matches(error) ? Abort(.serviceUnavailable, headers: ["Retry-After": "5"], reason: reason) : nil
    }

    static func matches(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed].contains(error.code) {
                return true
            }
            // SQLSTATE class 08 (connection exception) and 57P (operator intervention: shutting down, starting up).
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        case is ConnectionPoolTimeoutError, is NIOConnectionError, is ChannelError, is IOError:
            return true
        default:
            return false
        }
    }
}
