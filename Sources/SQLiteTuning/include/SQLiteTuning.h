#ifndef HERALD_SQLITE_TUNING_H
#define HERALD_SQLITE_TUNING_H

/// Turns on SQLite's query planner stability guarantee for one connection (SQLITE_DBCONFIG_ENABLE_QPSG).
/// `sqlite3_db_config` is variadic, which Swift cannot call; this is the fixed-argument wrapper.
/// `connection` is a `sqlite3 *` from SQLiteNIO's vendored SQLite. Returns an SQLite result code.
int herald_sqlite_enable_qpsg(void *connection);

#endif
