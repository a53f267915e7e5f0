// The jsonl format: one Finding per line (docs/finding-jsonl.md). The object is the one the
// respond layer stores and sends (respond/alert.h), with the schema version in front, so a
// line can be read back with respond::finding_from_json.
#include "respond/alert.h"
#include "respond/format/format.h"

namespace rg::respond::format {

std::string jsonl_line(const Finding& f) {
  static const std::string schema = "rootguard.finding/" + std::to_string(kFindingSchemaVersion);
  std::string line = finding_to_json(f, schema);  // room to spare: no copy for the newline
  line += '\n';
  return line;
}

}  // namespace rg::respond::format
