import HeraldCore

/// Kinds and statuses are stored as their raw text. Fluent fields and SQLKit's `\(bind:)` encode the enums
/// themselves; the statements that take their binds as plain strings (`HotReads`, `BulkInsert` on SQLite) get the
/// text here, the one place it is taken by hand.
protocol StoredText: RawRepresentable<String> {}

extension StoredText {
    /// What the column holds.
    var stored: String { rawValue }
}

extension InvitationKind: StoredText {}
extension InvitationStatus: StoredText {}
extension MembershipRole: StoredText {}
extension InstallationStatus: StoredText {}
extension ActivationCodeStatus: StoredText {}
extension OutboxStatus: StoredText {}
