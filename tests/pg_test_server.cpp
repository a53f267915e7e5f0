#include "pg_test_server.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "test_util.h"

namespace rg::test {

PgDatabase fresh_pg_database() {
  namespace fs = std::filesystem;
  const fs::path state = RG_PG_STATE;
  PgDatabase out;
  if (fs::exists(state / "skip")) {
    out.skip = read_file(state / "skip");
    return out;
  }
  if (!fs::exists(state / "uri")) {
    out.error = fs::exists(state / "error") ? read_file(state / "error")
                                            : "the test PostgreSQL server was not started (run the tests through ctest)";
    return out;
  }
  std::string base = read_file(state / "uri");
  while (!base.empty() && (base.back() == '\n' || base.back() == ' ')) base.pop_back();
  static std::atomic<int> n{0};
  const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(n++);
  PGconn* c = PQconnectdb(base.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    out.error = std::string("cannot reach the test server: ") + PQerrorMessage(c);
    PQfinish(c);
    return out;
  }
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) out.error = std::string("CREATE DATABASE: ") + PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  if (out.error.empty()) out.uri = base.substr(0, base.rfind('/') + 1) + name;
  return out;
}

}  // namespace rg::test
