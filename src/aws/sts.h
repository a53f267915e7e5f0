// sts: the STS AssumeRole call (query protocol, XML answer, retried as every call) used by
// role profiles and by the Organization fan-out. Endpoint: the request's endpoint_url, else
// https://sts.<region>.amazonaws.com (https://sts.amazonaws.com without a region).
#pragma once

#include "aws/credentials.h"

namespace rg::aws {

Result<Credentials> sts_assume_role(const Credentials& source, const AssumeRoleRequest& request);

// The AWS error in an XML error body (<Error><Code>..</Code><Message>..</Message></Error>,
// under ErrorResponse or Response/Errors), as {code, message}; empty when none.
std::pair<std::string, std::string> xml_error(const std::string& body);

}  // namespace rg::aws
