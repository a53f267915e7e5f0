// What a yaml-cpp error says, for an error line: its message, except for its nesting guard,
// which yaml-cpp throws with the message of a file it could not open ("bad file").
#pragma once

#include <string>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>

namespace rg {

inline std::string yaml_error_text(const YAML::Exception& e) {
  if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&e))
    return "invalid YAML: nested too deeply (" + std::to_string(deep->depth()) + " levels)";
  return "invalid YAML: " + e.msg;
}

}  // namespace rg
