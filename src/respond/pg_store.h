// The PostgreSQL back-end of the Store (pg_store.cpp); open_store() picks it for
// "postgresql://" and "postgres://" specs.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "respond/store.h"

namespace rg::respond {

// Connects (libpq: the URI, plus PG* environment variables and ~/.pgpass as libpq reads them),
// then runs the schema migrations. A failure is one line naming the store, password redacted.
Result<std::unique_ptr<Store>> open_pg_store(std::string_view uri);

// The URI with any password replaced by "***" (for messages).
std::string redact_store_uri(std::string_view uri);

}  // namespace rg::respond
