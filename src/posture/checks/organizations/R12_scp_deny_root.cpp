// R12: a Service Control Policy denies all actions to the root user of member accounts
// (CIS v7.0 2.1.2, Control Tower GRRESTRICTROOTUSER). Policy documents are JSON inside a JSON
// string (DescribePolicy.Content). SCPs never restrict the management account.
#include "core/strings.h"
#include "posture/checks/common.h"

namespace rg::posture::checks {
namespace {
std::vector<Finding> run(const CheckInput& in);
}

extern const Check R12_scp_deny_root;
const Check R12_scp_deny_root{
    .meta =
        {
            .id = "R12",
            .title = "An SCP denies root user actions in member accounts",
            .severity = Severity::High,
            .cis = {.v7_0 = "2.1.2"},
            .practice = "Fence member root users with an SCP so a stolen root password can do nothing.",
            .console = {"In the management account: AWS Organizations > Policies > Service control policies > "
                        "Create policy with a Deny of \"*\" when aws:PrincipalArn is like arn:*:iam::*:root.",
                        "Attach it to the Organization root (or every OU holding workloads)."},
            .cli = {"rootguard harden scp > deny-root.json",
                    "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name DenyRootUser "
                    "--description 'Deny root user actions' --content file://deny-root.json",
                    "aws organizations attach-policy --policy-id <p-id> --target-id <r-root-id>"},
            .reads = {"organizations.ListPolicies.SERVICE_CONTROL_POLICY.json", "organizations.DescribePolicy.<policy-id>.json",
                      "organizations.ListTargetsForPolicy.<policy-id>.json", "organizations.ListRoots.json",
                      "organizations.ListAccounts.json"},
        },
    .run = &run,
};

namespace {

std::vector<std::string> strings_or_string(simdjson::dom::element e) {
  std::vector<std::string> out;
  std::string_view s;
  if (!e.get_string().get(s)) {
    out.emplace_back(s);
    return out;
  }
  simdjson::dom::array a;
  if (!e.get_array().get(a))
    for (auto v : a)
      if (!v.get_string().get(s)) out.emplace_back(s);
  return out;
}

// arn:<partition or *>:iam::<account or *>:root
bool root_arn_pattern(const std::string& v) {
  auto p = split(v, ':');
  return p.size() == 6 && p[0] == "arn" && p[2] == "iam" && p[3].empty() && p[5] == "root";
}

// Whether one statement denies every action to the root principal.
bool denies_root(simdjson::dom::element st) {
  if (get_string(st, "Effect").value_or("") != "Deny") return false;
  simdjson::dom::element act;
  if (!st.at_key("NotAction").error()) return false;
  if (st.at_key("Action").get(act)) return false;
  bool star = false;
  for (auto& a : strings_or_string(act)) star |= a == "*";
  if (!star) return false;
  simdjson::dom::object cond;
  if (st.at_key("Condition").get_object().get(cond)) return false;
  for (auto [op, body] : cond) {
    std::string o(op);
    if (o != "ArnLike" && o != "StringLike" && o != "ArnEquals" && o != "StringEquals") continue;
    simdjson::dom::object keys;
    if (body.get_object().get(keys)) continue;
    for (auto [k, vals] : keys)
      if (iequals(k, "aws:PrincipalArn"))
        for (auto& v : strings_or_string(vals))
          if (root_arn_pattern(v)) return true;
  }
  return false;
}

std::vector<Finding> run(const CheckInput& in) {
  const CheckMeta& m = R12_scp_deny_root.meta;
  if (!in.org) return {make_finding(m, in, FindingStatus::NotApplicable, "standalone account: SCPs need an Organization (see R13)")};
  if (in.account.role == "management")
    return {make_finding(m, in, FindingStatus::NotApplicable, "SCPs never restrict the management account; guard its root by hand (R02, R03, R05)")};
  const FileSet& files = in.org->files;
  if (auto roots = files.json("organizations.ListRoots.json")) {
    bool enabled = false;
    if (auto rs = get_array(*roots, "Roots"))
      for (auto r : *rs)
        if (auto pts = get_array(r, "PolicyTypes"))
          for (auto pt : *pts)
            if (get_string(pt, "Type").value_or("") == "SERVICE_CONTROL_POLICY" &&
                get_string(pt, "Status").value_or("") == "ENABLED")
              enabled = true;
    if (!enabled) {
      Finding f = make_finding(m, in, FindingStatus::Fail, "SERVICE_CONTROL_POLICY is not ENABLED on the Organization root");
      add_evidence(f, "file", "organizations.ListRoots.json");
      return {f};
    }
  }
  const std::string list_file = "organizations.ListPolicies.SERVICE_CONTROL_POLICY.json";
  auto list = files.json(list_file);
  if (!list) return {unknown_finding(m, in, list.error())};
  const OrgAccount* me = in.org->find(in.account.id);
  std::string problem;
  std::size_t denying = 0;
  simdjson::dom::parser content_parser;
  for (auto p : get_elements(*list, "Policies")) {
    std::string id = get_string(p, "Id").value_or("");
    std::string name = get_string(p, "Name").value_or(id);
    std::string dfile = "organizations.DescribePolicy." + id + ".json";
    auto d = files.json(dfile);
    if (!d) {
      if (problem.empty()) problem = d.error().where + ": " + d.error().what;
      continue;
    }
    std::string_view content;
    if (d->at_key("Policy").at_key("Content").get_string().get(content)) continue;
    simdjson::dom::element doc;
    if (content_parser.parse(std::string(content)).get(doc)) {
      if (problem.empty()) problem = dfile + ": Policy.Content is not valid JSON";
      continue;
    }
    simdjson::dom::element stmts;
    if (doc.at_key("Statement").get(stmts)) continue;
    bool found = false;
    simdjson::dom::array arr;
    if (!stmts.get_array().get(arr)) {
      for (auto s : arr) found |= denies_root(s);
    } else {
      found = denies_root(stmts);
    }
    if (!found) continue;
    ++denying;
    std::string tfile = "organizations.ListTargetsForPolicy." + id + ".json";
    auto t = files.json(tfile);
    if (!t) {
      if (problem.empty()) problem = "policy " + name + " denies root but " + t.error().where + ": " + t.error().what;
      continue;
    }
    for (auto target : get_elements(*t, "Targets")) {
      std::string type = get_string(target, "Type").value_or("");
      std::string tid = get_string(target, "TargetId").value_or("");
      bool covers = type == "ROOT" || (type == "ACCOUNT" && tid == in.account.id);
      if (type == "ORGANIZATIONAL_UNIT" && me)
        for (auto& path : me->paths) covers |= path.find("/" + tid + "/") != std::string::npos;
      if (covers) {
        Finding f = make_finding(m, in, FindingStatus::Pass,
                                 "SCP " + name + " (" + id + ") denies Action \"*\" to arn:*:iam::*:root and is attached to " +
                                     type + " " + tid);
        f.resource = get_string(p, "Arn").value_or(id);
        add_evidence(f, "file", dfile);
        return {f};
      }
    }
    if (!me || me->paths.empty())
      if (problem.empty()) problem = "policy " + name + " denies root but the account's OU path is not in ListAccounts";
  }
  if (!problem.empty()) {
    Finding f = make_finding(m, in, FindingStatus::Unknown, problem);
    return {f};
  }
  Finding f = make_finding(m, in, FindingStatus::Fail,
                           denying ? std::to_string(denying) + " SCP(s) deny root, none attached above this account"
                                   : "no SCP denies Action \"*\" with a condition on aws:PrincipalArn arn:*:iam::*:root");
  add_evidence(f, "file", list_file);
  return {f};
}

}  // namespace
}  // namespace rg::posture::checks
