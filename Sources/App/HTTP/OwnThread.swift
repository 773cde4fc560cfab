import Foundation

/// Runs a long stretch of CPU work (parsing a bulk upload) on a thread of its own.
///
/// Herald's Swift concurrency runs on the event loops (`HeraldMain`), so work that computes for a noticeable
/// fraction of a second inside a handler stalls every other connection that loop serves, including other
/// organizations' requests. A thread per bulk upload is cheap next to the work it carries. Not NIO's blocking pool
/// (`app.threadPool`): it has one thread per core and runs every SQLite call, so a long parse there would hold up
/// the database for everyone.
enum OwnThread {
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
