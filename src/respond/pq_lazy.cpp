// The libpq functions rootguard calls (the PostgreSQL store), each forwarding to libpq's own,
// loaded on the first call (core/dynlib.h says why).
#include <libpq-fe.h>

#include "core/dynlib.h"

#define RG_PQ_FN(ret, name, params, args) \
  RG_DYNLIB_FORWARD("libpq.so.5", "the PostgreSQL store", ret, name, params, args)

extern "C" {

RG_PQ_FN(PGconn*, PQconnectdb, (const char* conninfo), (conninfo))
RG_PQ_FN(void, PQfinish, (PGconn * conn), (conn))
RG_PQ_FN(ConnStatusType, PQstatus, (const PGconn* conn), (conn))
RG_PQ_FN(char*, PQerrorMessage, (const PGconn* conn), (conn))
RG_PQ_FN(PGresult*, PQexec, (PGconn * conn, const char* query), (conn, query))
RG_PQ_FN(PGresult*, PQexecParams,
         (PGconn * conn, const char* command, int nParams, const Oid* paramTypes, const char* const* paramValues,
          const int* paramLengths, const int* paramFormats, int resultFormat),
         (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
RG_PQ_FN(ExecStatusType, PQresultStatus, (const PGresult* res), (res))
RG_PQ_FN(char*, PQresultErrorMessage, (const PGresult* res), (res))
RG_PQ_FN(char*, PQresultErrorField, (const PGresult* res, int fieldcode), (res, fieldcode))
RG_PQ_FN(int, PQntuples, (const PGresult* res), (res))
RG_PQ_FN(char*, PQcmdTuples, (PGresult * res), (res))
RG_PQ_FN(char*, PQgetvalue, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num))
RG_PQ_FN(int, PQgetlength, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num))
RG_PQ_FN(int, PQgetisnull, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num))
RG_PQ_FN(void, PQclear, (PGresult * res), (res))

}  // extern "C"
