import Fluent
import Vapor

/// `herald migrate [--revert]`: Fluent's own command without help for its flag ("n/a" in `--help`); this one says
/// what each does. Registered after Fluent's, under the same name, so it replaces it.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Undo the last batch of migrations instead (asks first; --yes answers for you)")
        var revert: Bool
    }

    let help = "Bring the database schema up to date (or revert the last batch)"

    func run(using context: CommandContext, signature: Signature) async throws {
        let migrator = context.application.migrator
        try await migrator.setupIfNeeded().get()
        let batch = signature.revert
            ? try await migrator.previewRevertLastBatch().get()
            : try await migrator.previewPrepareBatch().get()
        guard !batch.isEmpty else { return context.console.print("Nothing to \(signature.revert ? "revert" : "migrate").") }
        context.console.print(signature.revert ? "These migrations will be reverted:" : "These migrations will be applied:")
        for (migration, database) in batch {
            context.console.print("- \(migration.name) on \(database?.string ?? "the default database")")
        }
        guard context.console.confirm("Continue?") else { return context.console.print("Nothing changed.") }
        if signature.revert {
            try await migrator.revertLastBatch().get()
        } else {
            try await migrator.prepareBatch().get()
        }
        context.console.print("Done.")
    }
}
