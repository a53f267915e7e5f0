#include "aws/sts.h"

#include <pugixml.hpp>

#include "aws/client.h"

#include "aws/http.h"
#include "core/time.h"

namespace rg::aws {

std::pair<std::string, std::string> xml_error(const std::string& body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return {};
  pugi::xpath_node n = doc.select_node("//Error");
  if (!n) return {};
  return {n.node().child_value("Code"), n.node().child_value("Message")};
}

Result<Credentials> sts_assume_role(const Credentials& source, const AssumeRoleRequest& r) {
  Settings settings;
  settings.endpoint_flag = r.endpoint_url;
  settings.region = r.region;
  // Without a region the CLI's STS endpoint is the global one, signed for us-east-1.
  if (r.region.empty() && r.endpoint_url.empty()) settings.endpoint_flag = "https://sts.amazonaws.com";
  Client client([source] { return Result<Credentials>(source); }, settings, ClientOptions{});
  Request call{"sts", "AssumeRole"};
  call.params = {{"RoleArn", r.role_arn}, {"RoleSessionName", r.role_session_name}};
  if (!r.external_id.empty()) call.params.emplace_back("ExternalId", r.external_id);
  if (r.duration_seconds > 0) call.params.emplace_back("DurationSeconds", std::to_string(r.duration_seconds));
  if (!r.serial_number.empty()) {
    call.params.emplace_back("SerialNumber", r.serial_number);
    call.params.emplace_back("TokenCode", r.token_code);
  }
  CallResult res = client.call(call);
  if (!res.ok) {
    bool denied = res.error_code.find("AccessDenied") != std::string::npos || res.error_code == "InvalidClientTokenId" ||
                  res.error_code == "SignatureDoesNotMatch" || res.error_code == "ExpiredToken";
    return make_error(denied ? ErrorKind::Denied : ErrorKind::Remote, "", res.error_code + ": " + res.error_message);
  }
  const Json* c = res.response.find("Credentials");
  auto field = [&](const char* k) {
    const Json* v = c ? c->find(k) : nullptr;
    return v && v->is_string() ? v->str() : std::string();
  };
  Credentials out;
  out.access_key_id = field("AccessKeyId");
  out.secret_access_key = field("SecretAccessKey");
  out.session_token = field("SessionToken");
  if (auto ms = rg::parse_iso8601_ms(field("Expiration"))) out.expiration_ms = *ms;
  out.source = "assume-role";
  if (out.access_key_id.empty() || out.secret_access_key.empty())
    return make_error(ErrorKind::Corrupt, "", "AssumeRole answer has no credentials");
  return out;
}

}  // namespace rg::aws
