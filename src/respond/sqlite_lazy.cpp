// The SQLite functions rootguard calls (the case store), each forwarding to SQLite's own,
// loaded on the first call (core/dynlib.h says why).
#include <sqlite3.h>

#include "core/dynlib.h"

#define RG_SQLITE_FN(ret, name, params, args) \
  RG_DYNLIB_FORWARD("libsqlite3.so.0", "the SQLite store", ret, name, params, args)

extern "C" {

RG_SQLITE_FN(int, sqlite3_open, (const char* filename, sqlite3** db), (filename, db))
RG_SQLITE_FN(int, sqlite3_open_v2, (const char* filename, sqlite3** db, int flags, const char* vfs),
             (filename, db, flags, vfs))
RG_SQLITE_FN(int, sqlite3_close, (sqlite3 * db), (db))
RG_SQLITE_FN(int, sqlite3_close_v2, (sqlite3 * db), (db))
RG_SQLITE_FN(int, sqlite3_exec,
             (sqlite3 * db, const char* sql, int (*callback)(void*, int, char**, char**), void* arg, char** errmsg),
             (db, sql, callback, arg, errmsg))
RG_SQLITE_FN(void, sqlite3_free, (void* p), (p))
RG_SQLITE_FN(int, sqlite3_errcode, (sqlite3 * db), (db))
RG_SQLITE_FN(const char*, sqlite3_errmsg, (sqlite3 * db), (db))
RG_SQLITE_FN(int, sqlite3_prepare_v2,
             (sqlite3 * db, const char* sql, int nbyte, sqlite3_stmt** stmt, const char** tail),
             (db, sql, nbyte, stmt, tail))
RG_SQLITE_FN(int, sqlite3_step, (sqlite3_stmt * stmt), (stmt))
RG_SQLITE_FN(int, sqlite3_finalize, (sqlite3_stmt * stmt), (stmt))
RG_SQLITE_FN(int, sqlite3_reset, (sqlite3_stmt * stmt), (stmt))
RG_SQLITE_FN(int, sqlite3_clear_bindings, (sqlite3_stmt * stmt), (stmt))
RG_SQLITE_FN(const char*, sqlite3_sql, (sqlite3_stmt * stmt), (stmt))
RG_SQLITE_FN(int, sqlite3_bind_int64, (sqlite3_stmt * stmt, int i, sqlite3_int64 v), (stmt, i, v))
RG_SQLITE_FN(int, sqlite3_bind_text, (sqlite3_stmt * stmt, int i, const char* v, int n, void (*destroy)(void*)),
             (stmt, i, v, n, destroy))
RG_SQLITE_FN(int, sqlite3_column_bytes, (sqlite3_stmt * stmt, int i), (stmt, i))
RG_SQLITE_FN(sqlite3_int64, sqlite3_column_int64, (sqlite3_stmt * stmt, int i), (stmt, i))
RG_SQLITE_FN(const unsigned char*, sqlite3_column_text, (sqlite3_stmt * stmt, int i), (stmt, i))
RG_SQLITE_FN(int, sqlite3_changes, (sqlite3 * db), (db))
RG_SQLITE_FN(sqlite3_int64, sqlite3_last_insert_rowid, (sqlite3 * db), (db))

}  // extern "C"
