import Vapor

/// `herald deliver --until-empty`: sends everything that is due, prints what happened, exits.
/// Useful for cron-driven installs and for the benchmark; safe beside a running `herald serve`.
struct DeliverCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "until-empty", help: "Send every due message, then exit") var untilEmpty: Bool
    }

    let help = "Deliver queued outbox messages"

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.untilEmpty else {
            throw CommandError.usage("herald deliver needs --until-empty (herald serve delivers continuously)")
        }
        let started = Date()
        let report = try await context.application.herald.deliveryWorker.deliverUntilEmpty()
        await context.application.herald.deliveryWorker.stop()
        let seconds = Date().timeIntervalSince(started)
        context.console.print("sent \(report.sent), deferred \(report.deferred), failed \(report.failed) in \(String(format: "%.2f", seconds)) s")
    }
}
