// The throwaway PostgreSQL server ctest starts for the run (scripts/test-postgres.sh): a fresh
// database on it for each test that asks.
#pragma once

#include <string>

namespace rg::test {

struct PgDatabase {
  std::string uri;    // postgresql://rootguard@127.0.0.1:PORT/NAME, empty when not available
  std::string skip;   // the server is not installed here: skip, with this reason
  std::string error;  // it should be there and is not: fail, with this reason
};

// A new, empty database (its own name) on the test server.
PgDatabase fresh_pg_database();

}  // namespace rg::test
