#include "SQLiteTuning.h"

// SQLiteNIO's vendored SQLite prefixes its symbols; its header is not visible outside that package, so the one
// function needed is declared here. The value is SQLITE_DBCONFIG_ENABLE_QPSG from sqlite3.h.
extern int sqlite_nio_sqlite3_db_config(void *connection, int operation, ...);
#define HERALD_SQLITE_DBCONFIG_ENABLE_QPSG 1007

int herald_sqlite_enable_qpsg(void *connection) {
    int enabled = 0;
    return sqlite_nio_sqlite3_db_config(connection, HERALD_SQLITE_DBCONFIG_ENABLE_QPSG, 1, &enabled);
}
