// The public CloudTrail samples under shared test data, as bare CloudTrail records (one JSON
// text each), for harden's tests: every file in cloudtrail-public that parses as a Records
// wrapper, an array of records, one record, or JSON lines (.gz decompressed); EventBridge
// `detail` and lookup-events' `CloudTrailEvent` envelopes are removed.
#pragma once

#include <string>
#include <vector>

namespace rg::test {

struct SampleEvent {
  std::string file;  // relative to cloudtrail-public
  std::string json;  // the bare record
};

// Loaded once per process.
const std::vector<SampleEvent>& cloudtrail_samples();

}  // namespace rg::test
