// protocol: AWS answers turned into what `aws <service> <op> --output json` prints.
//
// Query services (IAM, STS, SNS, CloudWatch) answer in XML: <member> lists become arrays,
// <entry><key/><value/></entry> maps become objects, and scalars are typed by name as the
// service models type them (booleans, integers, doubles, timestamps; the rest strings).
// JSON 1.1 and rest-json answers are already in the CLI's shape except timestamps, which
// arrive as epoch seconds. Timestamps print as the CLI v2 prints them:
// "2016-12-15T19:30:15.450000+00:00" (microseconds only when not zero).
// Member order for XML answers follows the answer, not the model (the content is the same).
#pragma once

#include <string>
#include <utility>

#include "aws/json.h"

namespace rg::aws {

// The <OperationResult> of a query answer as CLI JSON; an error when the body is not XML.
Result<Json> query_xml_to_json(const std::string& body, const std::string& operation);

// A JSON-protocol answer with its timestamp members converted.
Result<Json> json_protocol_to_cli(const std::string& body);

// The AWS error of a failed answer: code (without "namespace#" or ":suffix") and message,
// from the XML body, the JSON body's __type/code and message, or x-amzn-ErrorType.
std::pair<std::string, std::string> parse_error(const std::string& body, const std::string& amzn_error_type);

std::string cli_timestamp(std::int64_t epoch_us);

}  // namespace rg::aws
