import Fluent
import SQLKit

/// PostgreSQL (#20): every change of an installation's status, or of a key's lease terms, is announced with
/// `NOTIFY`, whoever makes it (any Herald instance, the CLI, an operator's SQL), so that
/// `ActiveLeaseCache` never answers a heartbeat from what such a change made stale. Channel: `herald_` and the MD5 of
/// the tables' schema (`InstallationChangeListener.channel`), so that Heralds on other schemas of the database are
/// not told, in a name that fits PostgreSQL's 63 bytes whatever the schema. Payload: the installation's id, or
/// `key:` and the key's id. A notification is delivered when its transaction commits, never for a rollback.
/// Nothing on SQLite: one Herald serves a SQLite file, and its heartbeats read on the calling thread.
struct CreateInstallationChangeNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("""
            CREATE FUNCTION herald_notify_installation_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('herald_' || md5(TG_TABLE_SCHEMA), COALESCE(NEW.id, OLD.id)::text);
                RETURN NULL;
            END $$
            """).run()
        try await sql.raw("""
            CREATE FUNCTION herald_notify_license_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('herald_' || md5(TG_TABLE_SCHEMA), 'key:' || COALESCE(NEW.id, OLD.id)::text);
                RETURN NULL;
            END $$
            """).run()
        // A heartbeat's own write (`last_seen_at`) names no status: these triggers do not fire for it.
        try await sql.raw("""
            CREATE TRIGGER installations_status_changed AFTER UPDATE OF status, license_key_id ON installations
            FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.license_key_id IS DISTINCT FROM NEW.license_key_id)
            EXECUTE FUNCTION herald_notify_installation_change()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER installations_deleted AFTER DELETE ON installations
            FOR EACH ROW EXECUTE FUNCTION herald_notify_installation_change()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER license_keys_lease_terms_changed AFTER UPDATE OF seat_mode, lease_window_days, expires_at ON license_keys
            FOR EACH ROW WHEN (OLD.seat_mode IS DISTINCT FROM NEW.seat_mode OR OLD.lease_window_days IS DISTINCT FROM NEW.lease_window_days
                OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
            EXECUTE FUNCTION herald_notify_license_key_change()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER license_keys_deleted AFTER DELETE ON license_keys
            FOR EACH ROW EXECUTE FUNCTION herald_notify_license_key_change()
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "postgresql" else { return }
        for (trigger, table) in [("installations_status_changed", "installations"), ("installations_deleted", "installations"),
                                 ("license_keys_lease_terms_changed", "license_keys"), ("license_keys_deleted", "license_keys")] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: trigger) ON \(unsafeRaw: table)").run()
        }
        try await sql.raw("DROP FUNCTION IF EXISTS herald_notify_installation_change()").run()
        try await sql.raw("DROP FUNCTION IF EXISTS herald_notify_license_key_change()").run()
    }
}
