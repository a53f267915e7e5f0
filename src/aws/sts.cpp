#include "aws/sts.h"

#include <pugixml.hpp>

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
  std::string region = r.region.empty() ? "us-east-1" : r.region;
  std::string endpoint = r.endpoint_url;
  if (endpoint.empty())
    endpoint = r.region.empty() ? "https://sts.amazonaws.com" : "https://sts." + r.region + ".amazonaws.com";
  while (endpoint.ends_with("/")) endpoint.pop_back();
  Params params = {{"Action", "AssumeRole"}, {"Version", "2011-06-15"}, {"RoleArn", r.role_arn},
                   {"RoleSessionName", r.role_session_name}};
  if (!r.external_id.empty()) params.emplace_back("ExternalId", r.external_id);
  if (r.duration_seconds > 0) params.emplace_back("DurationSeconds", std::to_string(r.duration_seconds));
  if (!r.serial_number.empty()) {
    params.emplace_back("SerialNumber", r.serial_number);
    params.emplace_back("TokenCode", r.token_code);
  }
  HttpRequest req;
  req.method = "POST";
  req.url = endpoint + "/";
  req.body = canonical_query(params);
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.sign = SigV4Key{source.access_key_id, source.secret_access_key, source.session_token, region, "sts"};
  req.timeout_ms = 30000;
  auto resp = http_perform(req);
  if (!resp.ok()) return resp.take_error();
  if (resp->status != 200) {
    auto [code, message] = xml_error(resp->body);
    return make_error(resp->status == 403 ? ErrorKind::Denied : ErrorKind::Remote, "",
                      (code.empty() ? "HTTP " + std::to_string(resp->status) : code) + ": " + message);
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(resp->body.data(), resp->body.size()))
    return make_error(ErrorKind::Corrupt, "", "AssumeRole answer is not XML");
  pugi::xml_node c = doc.child("AssumeRoleResponse").child("AssumeRoleResult").child("Credentials");
  Credentials out;
  out.access_key_id = c.child_value("AccessKeyId");
  out.secret_access_key = c.child_value("SecretAccessKey");
  out.session_token = c.child_value("SessionToken");
  if (auto ms = rg::parse_iso8601_ms(c.child_value("Expiration"))) out.expiration_ms = *ms;
  out.source = "assume-role";
  if (out.access_key_id.empty() || out.secret_access_key.empty())
    return make_error(ErrorKind::Corrupt, "", "AssumeRole answer has no credentials");
  return out;
}

}  // namespace rg::aws
