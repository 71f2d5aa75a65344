#ifndef CALLFLOW_CSQLITE_SHIM_H
#define CALLFLOW_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot import. These
// wrappers bind text and blobs that SQLite copies before the call returns.

static inline int cf_sqlite_bind_text(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

#endif
