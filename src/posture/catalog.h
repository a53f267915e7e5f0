// The check catalog: the explicit, ordered list of every posture check (R01-R18).
// A test walks src/posture/checks/ and asserts that every check file is listed here.
#pragma once

#include <string_view>
#include <vector>

#include "posture/check.h"

namespace rg::posture {

// All checks, in id order.
const std::vector<const Check*>& catalog();
// The check with this id ("R01"), or null.
const Check* find_check(std::string_view id);

}  // namespace rg::posture
