#include "posture/catalog.h"

namespace rg::posture {

namespace checks {
extern const Check R01_root_access_keys;
extern const Check R02_root_mfa;
extern const Check R03_root_hardware_mfa;
extern const Check R04_root_signing_certs;
extern const Check R05_root_recent_use;
extern const Check R06_root_usage_alarm;
extern const Check R07_cloudtrail_multi_region;
extern const Check R08_security_contact;
extern const Check R09_contact_details;
extern const Check R10_central_root_access;
extern const Check R11_member_root_credentials;
extern const Check R12_scp_deny_root;
extern const Check R13_org_all_features;
extern const Check R14_root_email_shared_mailbox;
extern const Check R15_root_email_unique;
extern const Check R16_security_phone;
extern const Check R17_two_person_separation;
extern const Check R18_root_password_policy;
}  // namespace checks

const std::vector<const Check*>& catalog() {
  static const std::vector<const Check*> all = {
      &checks::R01_root_access_keys,        &checks::R02_root_mfa,
      &checks::R03_root_hardware_mfa,       &checks::R04_root_signing_certs,
      &checks::R05_root_recent_use,         &checks::R06_root_usage_alarm,
      &checks::R07_cloudtrail_multi_region, &checks::R08_security_contact,
      &checks::R09_contact_details,         &checks::R10_central_root_access,
      &checks::R11_member_root_credentials, &checks::R12_scp_deny_root,
      &checks::R13_org_all_features,        &checks::R14_root_email_shared_mailbox,
      &checks::R15_root_email_unique,       &checks::R16_security_phone,
      &checks::R17_two_person_separation,   &checks::R18_root_password_policy,
  };
  return all;
}

const Check* find_check(std::string_view id) {
  for (const Check* c : catalog())
    if (id == c->meta.id) return c;
  return nullptr;
}

}  // namespace rg::posture
