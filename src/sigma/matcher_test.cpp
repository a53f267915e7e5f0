// The compiled matcher: every modifier, condition form, case rule, wildcard, null, array
// and number behaviour, each on events that must and must not match.
#include <gtest/gtest.h>

#include "sigma/testing.h"

namespace rg::sigma {
namespace {

using testing::Matcher;

TEST(Matcher, PlainValueIsCaseInsensitiveEquality) {
  Matcher m("    sel:\n        eventName: ConsoleLogin\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"eventName":"ConsoleLogin"})"));
  EXPECT_TRUE(m(R"({"eventName":"consolelogin"})"));
  EXPECT_FALSE(m(R"({"eventName":"ConsoleLogin2"})"));
  EXPECT_FALSE(m(R"({"eventName":"XConsoleLogin"})"));
  EXPECT_FALSE(m(R"({"other":"ConsoleLogin"})"));
}

TEST(Matcher, CasedModifier) {
  Matcher m("    sel:\n        userIdentity.type|cased: Root\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"userIdentity":{"type":"Root"}})"));
  EXPECT_FALSE(m(R"({"userIdentity":{"type":"root"}})"));
  Matcher c("    sel:\n        userAgent|contains|cased: Boto\n    condition: sel\n");
  EXPECT_TRUE(c(R"({"userAgent":"aws Boto3/1.2"})"));
  EXPECT_FALSE(c(R"({"userAgent":"aws boto3/1.2"})"));
}

TEST(Matcher, ContainsStartsWithEndsWith) {
  Matcher c("    sel:\n        userAgent|contains: Boto3\n    condition: sel\n");
  EXPECT_TRUE(c(R"({"userAgent":"aws-cli BOTO3/1.2"})"));
  EXPECT_FALSE(c(R"({"userAgent":"aws-cli/2"})"));
  Matcher s("    sel:\n        userIdentity.accessKeyId|startswith: AKIA\n    condition: sel\n");
  EXPECT_TRUE(s(R"({"userIdentity":{"accessKeyId":"akiaEXAMPLE"}})"));
  EXPECT_FALSE(s(R"({"userIdentity":{"accessKeyId":"ASIAAKIA"}})"));
  Matcher e("    sel:\n        eventSource|endswith: .amazonaws.com\n    condition: sel\n");
  EXPECT_TRUE(e(R"({"eventSource":"iam.amazonaws.com"})"));
  EXPECT_FALSE(e(R"({"eventSource":"iam.amazonaws.com.evil"})"));
}

TEST(Matcher, WildcardsAndEscapes) {
  Matcher m("    sel:\n        eventName: 'Delete*Trail?'\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"eventName":"DeleteTrails"})"));
  EXPECT_TRUE(m(R"({"eventName":"DeleteOldTrailX"})"));
  EXPECT_FALSE(m(R"({"eventName":"DeleteTrail"})"));  // '?' needs one character
  Matcher star("    sel:\n        a: 'x\\*y'\n    condition: sel\n");
  EXPECT_TRUE(star(R"({"a":"x*y"})"));
  EXPECT_FALSE(star(R"({"a":"xzzy"})"));
  Matcher q("    sel:\n        a: 'what\\?'\n    condition: sel\n");
  EXPECT_TRUE(q(R"({"a":"what?"})"));
  EXPECT_FALSE(q(R"({"a":"whats"})"));
  Matcher bs("    sel:\n        a: 'c:\\\\dir\\*'\n    condition: sel\n");  // c:\\dir\* -> literal c:\dir*
  EXPECT_TRUE(bs(R"({"a":"c:\\dir*"})"));
  Matcher lone("    sel:\n        a: 'c:\\temp'\n    condition: sel\n");  // lone backslash stays literal
  EXPECT_TRUE(lone(R"({"a":"c:\\temp"})"));
  Matcher glob("    sel:\n        a|contains: 'b*d'\n    condition: sel\n");
  EXPECT_TRUE(glob(R"({"a":"xxBxxDxx"})"));
  EXPECT_FALSE(glob(R"({"a":"xxDxxBxx"})"));
  Matcher any("    sel:\n        a: '*'\n    condition: sel\n");
  EXPECT_TRUE(any(R"({"a":""})"));
  EXPECT_FALSE(any(R"({"b":""})"));
}

TEST(Matcher, ListsAreOrAllMakesThemAnd) {
  Matcher m("    sel:\n        eventName:\n            - StopLogging\n            - DeleteTrail\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"eventName":"DeleteTrail"})"));
  EXPECT_FALSE(m(R"({"eventName":"StartLogging"})"));
  Matcher a("    sel:\n        ua|contains|all:\n            - aws\n            - python\n    condition: sel\n");
  EXPECT_TRUE(a(R"({"ua":"python aws-sdk"})"));
  EXPECT_FALSE(a(R"({"ua":"aws-cli"})"));
}

TEST(Matcher, MapsAreAndListOfMapsIsOr) {
  Matcher m("    sel:\n        a: 1\n        b: x\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"a":1,"b":"x"})"));
  EXPECT_FALSE(m(R"({"a":1,"b":"y"})"));
  Matcher l("    sel:\n        - a: 1\n        - b: x\n    condition: sel\n");
  EXPECT_TRUE(l(R"({"a":2,"b":"x"})"));
  EXPECT_TRUE(l(R"({"a":1})"));
  EXPECT_FALSE(l(R"({"a":2,"b":"y"})"));
}

TEST(Matcher, NumbersMatchNumbersAndNumericStrings) {
  Matcher m("    sel:\n        n: 5\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"n":5})"));
  EXPECT_TRUE(m(R"({"n":"5"})"));
  EXPECT_TRUE(m(R"({"n":5.0})"));
  EXPECT_FALSE(m(R"({"n":50})"));
  EXPECT_FALSE(m(R"({"n":"5x"})"));
  EXPECT_FALSE(m(R"({"n":true})"));
  Matcher s("    sel:\n        n: '5'\n    condition: sel\n");  // a quoted rule string matches integer text
  EXPECT_TRUE(s(R"({"n":5})"));
  EXPECT_TRUE(s(R"({"n":"5"})"));
}

TEST(Matcher, Booleans) {
  Matcher m("    sel:\n        readOnly: false\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"readOnly":false})"));
  EXPECT_TRUE(m(R"({"readOnly":"False"})"));
  EXPECT_FALSE(m(R"({"readOnly":true})"));
  EXPECT_FALSE(m(R"({"readOnly":0})"));
  EXPECT_FALSE(m(R"({})"));
}

TEST(Matcher, NullMeansAbsentOrJsonNull) {
  Matcher m("    sel:\n        requestParameters.userName: null\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"requestParameters":null})"));
  EXPECT_TRUE(m(R"({"requestParameters":{}})"));
  EXPECT_TRUE(m(R"({"requestParameters":{"userName":null}})"));
  EXPECT_TRUE(m(R"({})"));
  EXPECT_FALSE(m(R"({"requestParameters":{"userName":"bob"}})"));
  EXPECT_FALSE(m(R"({"requestParameters":{"userName":""}})"));
  Matcher empty("    sel:\n        a: ''\n    condition: sel\n");
  EXPECT_TRUE(empty(R"({"a":""})"));
  EXPECT_FALSE(empty(R"({})"));
}

TEST(Matcher, Exists) {
  Matcher yes("    sel:\n        userIdentity.invokedBy|exists: true\n    condition: sel\n");
  EXPECT_TRUE(yes(R"({"userIdentity":{"invokedBy":"signin.amazonaws.com"}})"));
  EXPECT_TRUE(yes(R"({"userIdentity":{"invokedBy":""}})"));
  EXPECT_TRUE(yes(R"({"userIdentity":{"invokedBy":null}})"));  // presence only, as Sigma says
  EXPECT_FALSE(yes(R"({"userIdentity":{}})"));
  Matcher no("    sel:\n        errorCode|exists: false\n    condition: sel\n");
  EXPECT_TRUE(no(R"({"eventName":"x"})"));
  EXPECT_FALSE(no(R"({"errorCode":"AccessDenied"})"));
}

TEST(Matcher, ArraysOnThePathAnyElementMatches) {
  Matcher m("    sel:\n        requestParameters.eventSelectors.includeManagementEvents: false\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"requestParameters":{"eventSelectors":[{"includeManagementEvents":true},{"includeManagementEvents":false}]}})"));
  EXPECT_FALSE(m(R"({"requestParameters":{"eventSelectors":[{"includeManagementEvents":true}]}})"));
  Matcher leaf("    sel:\n        resources.ARN|contains: trail/org\n    condition: sel\n");
  EXPECT_TRUE(leaf(R"({"resources":[{"ARN":"x"},{"ARN":"arn:aws:cloudtrail:::trail/org-trail"}]})"));
  Matcher values("    sel:\n        alarmNames: RootAlarm\n    condition: sel\n");
  EXPECT_TRUE(values(R"({"alarmNames":["a","rootalarm"]})"));
  EXPECT_FALSE(values(R"({"alarmNames":["a","b"]})"));
}

TEST(Matcher, Regex) {
  Matcher m("    sel:\n        userAgent|re: '^aws-cli/2\\.[0-9]+'\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"userAgent":"aws-cli/2.15.0 Python"})"));
  EXPECT_FALSE(m(R"({"userAgent":"AWS-CLI/2.15.0"})"));  // re is case-sensitive
  EXPECT_FALSE(m(R"({"userAgent":"x aws-cli/2.15.0"})"));
  Matcher i("    sel:\n        userAgent|re|i: '^aws-cli/'\n    condition: sel\n");
  EXPECT_TRUE(i(R"({"userAgent":"AWS-CLI/2.15.0"})"));
  Matcher dot("    sel:\n        a|re: 'x.y'\n    condition: sel\n");
  EXPECT_FALSE(dot(R"({"a":"x\ny"})"));
  Matcher s("    sel:\n        a|re|s: 'x.y[.]z'\n    condition: sel\n");
  EXPECT_TRUE(s(R"({"a":"x\ny.z"})"));
  EXPECT_FALSE(s(R"({"a":"x\nyqz"})"));
  Matcher n("    sel:\n        code|re: '^4[0-9]{2}$'\n    condition: sel\n");
  EXPECT_TRUE(n(R"({"code":403})"));
  EXPECT_FALSE(n(R"({"code":503})"));
  // `m`: ^ and $ at each line.
  Matcher ml("    sel:\n        a|re|m: '^b$'\n    condition: sel\n");
  EXPECT_TRUE(ml(R"({"a":"a\nb\nc"})"));
  Matcher one("    sel:\n        a|re: '^b$'\n    condition: sel\n");
  EXPECT_FALSE(one(R"({"a":"a\nb\nc"})"));
  // SigmaHQ's IMDS rule's pattern, and classes, alternation and \d.
  Matcher imds("    sel:\n        userIdentity.arn|re: '.+:assumed-role/aws:.+'\n    condition: sel\n");
  EXPECT_TRUE(imds(R"({"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-0abc"}})"));
  EXPECT_FALSE(imds(R"({"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/admin/alice"}})"));
  Matcher alt("    sel:\n        a|re: '^(Get|List)[A-Z][a-z]+\\d?$'\n    condition: sel\n");
  EXPECT_TRUE(alt(R"({"a":"ListBuckets"})"));
  EXPECT_TRUE(alt(R"({"a":"GetObject2"})"));
  EXPECT_FALSE(alt(R"({"a":"PutObject"})"));
  // A pattern a backtracking engine takes exponential time on, against a long value: RE2
  // answers in time linear in the value, so a crafted log line cannot stall the scan.
  Matcher evil("    sel:\n        userAgent|re: '^(a+)+$'\n    condition: sel\n");
  EXPECT_FALSE(evil(R"({"userAgent":")" + std::string(8000, 'a') + R"(b"})"));
  EXPECT_TRUE(evil(R"({"userAgent":")" + std::string(8000, 'a') + R"("})"));
  // What RE2 cannot do (a backreference, a lookahead) is refused with the rule's position.
  for (const char* bad : {"        a|re: '(x)\\1'\n", "        a|re: 'x(?=y)'\n"}) {
    Result<CompiledRule> r = testing::compile_text(testing::rule_yaml("    sel:\n" + std::string(bad) + "    condition: sel\n"));
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().what.find("bad regex"), std::string::npos) << r.error().str();
    EXPECT_NE(r.error().where.find("t.yml:9:"), std::string::npos) << r.error().str();
  }
}

TEST(Matcher, Cidr) {
  Matcher m("    sel:\n        sourceIPAddress|cidr:\n            - 10.0.0.0/8\n            - '2001:db8::/32'\n    condition: sel\n");
  EXPECT_TRUE(m(R"({"sourceIPAddress":"10.1.2.3"})"));
  EXPECT_TRUE(m(R"({"sourceIPAddress":"2001:db8:1::5"})"));
  EXPECT_FALSE(m(R"({"sourceIPAddress":"11.1.2.3"})"));
  EXPECT_FALSE(m(R"({"sourceIPAddress":"signin.amazonaws.com"})"));
  EXPECT_FALSE(m(R"({"sourceIPAddress":"2001:db9::1"})"));
  Matcher odd("    sel:\n        ip|cidr: 192.168.1.128/25\n    condition: sel\n");
  EXPECT_TRUE(odd(R"({"ip":"192.168.1.200"})"));
  EXPECT_FALSE(odd(R"({"ip":"192.168.1.100"})"));
}

TEST(Matcher, Comparisons) {
  Matcher gt("    sel:\n        d|gt: 7\n    condition: sel\n");
  EXPECT_TRUE(gt(R"({"d":8})"));
  EXPECT_TRUE(gt(R"({"d":"7.5"})"));
  EXPECT_FALSE(gt(R"({"d":7})"));
  EXPECT_FALSE(gt(R"({"d":"x"})"));
  Matcher gte("    sel:\n        d|gte: 7\n    condition: sel\n");
  EXPECT_TRUE(gte(R"({"d":7})"));
  Matcher lt("    sel:\n        d|lt: 7\n    condition: sel\n");
  EXPECT_TRUE(lt(R"({"d":-1})"));
  EXPECT_FALSE(lt(R"({"d":7})"));
  Matcher lte("    sel:\n        d|lte: 7\n    condition: sel\n");
  EXPECT_TRUE(lte(R"({"d":7})"));
  EXPECT_FALSE(lte(R"({"d":7.01})"));
}

// `fieldref`: a field against another field of the same event, as text; case ignored unless
// cased; any pair where a path reaches several values; absent or structured: no match.
TEST(Matcher, FieldReferences) {
  Matcher eq("    sel:\n        userIdentity.accountId|fieldref: recipientAccountId\n    condition: sel\n");
  EXPECT_TRUE(eq(R"({"userIdentity":{"accountId":"111122223333"},"recipientAccountId":"111122223333"})"));
  EXPECT_FALSE(eq(R"({"userIdentity":{"accountId":"111122223333"},"recipientAccountId":"444455556666"})"));
  EXPECT_FALSE(eq(R"({"userIdentity":{"accountId":"111122223333"}})")) << "absent reference";
  EXPECT_FALSE(eq(R"({"recipientAccountId":"111122223333"})")) << "absent field";
  EXPECT_FALSE(eq(R"({"userIdentity":{"accountId":""}})"));
  EXPECT_TRUE(eq(R"({"userIdentity":{"accountId":111122223333},"recipientAccountId":"111122223333"})"))
      << "an integer compares as its text";
  EXPECT_FALSE(eq(R"({"userIdentity":{"accountId":{"x":1}},"recipientAccountId":{"x":1}})"));
  EXPECT_TRUE(eq(R"({"userIdentity":[{"accountId":"1"},{"accountId":"2"}],"recipientAccountId":"2"})"));

  Matcher ci("    sel:\n        a|fieldref: b\n    condition: sel\n");
  EXPECT_TRUE(ci(R"({"a":"Alice","b":"aLICE"})"));
  EXPECT_FALSE(ci(R"({"a":"Alice","b":"Alic"})"));
  Matcher cased("    sel:\n        a|cased|fieldref: b\n    condition: sel\n");
  EXPECT_FALSE(cased(R"({"a":"Alice","b":"aLICE"})"));
  EXPECT_TRUE(cased(R"({"a":"Alice","b":"Alice"})"));

  Matcher ends("    sel:\n        userIdentity.arn|endswith|fieldref: userIdentity.userName\n    condition: sel\n");
  EXPECT_TRUE(ends(R"({"userIdentity":{"arn":"arn:aws:iam::1:user/Anaya","userName":"anaya"}})"));
  EXPECT_FALSE(ends(R"({"userIdentity":{"arn":"arn:aws:iam::1:user/anaya2","userName":"anaya"}})"));
  EXPECT_FALSE(ends(R"({"userIdentity":{"arn":"aya","userName":"anaya"}})")) << "longer than the field";
  Matcher starts("    sel:\n        a|startswith|fieldref: b\n    condition: sel\n");
  EXPECT_TRUE(starts(R"({"a":"AROAEXAMPLE:session","b":"aroaexample"})"));
  EXPECT_FALSE(starts(R"({"a":"x:AROAEXAMPLE","b":"AROAEXAMPLE"})"));
  Matcher has("    sel:\n        a|contains|fieldref: b\n    condition: sel\n");
  EXPECT_TRUE(has(R"({"a":"arn:aws:iam::111122223333:root","b":"111122223333"})"));
  EXPECT_FALSE(has(R"({"a":"arn:aws:iam::111122223333:root","b":"444455556666"})"));
  EXPECT_TRUE(has(R"({"a":"anything","b":""})")) << "the empty text is in every text";

  // What does not combine is refused with the rule's position.
  for (const char* bad : {"        a|fieldref|re: b\n", "        a|fieldref|cidr: b\n", "        a|fieldref: null\n",
                          "        a|fieldref|gt: 5\n", "        a|fieldref: 'b..c'\n"}) {
    Result<CompiledRule> r = testing::compile_text(testing::rule_yaml("    sel:\n" + std::string(bad) + "    condition: sel\n"));
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().where.find("t.yml:"), std::string::npos) << r.error().str();
    }
  }
}

// `neq`: the field has a value and it is none of those listed (a list is none of them, not
// any); absent or null does not match; strings ignore case unless cased, numbers compare as
// numbers; with fieldref, the other field must have a value too.
TEST(Matcher, NotEqual) {
  Matcher one("    sel:\n        awsRegion|neq: us-east-1\n    condition: sel\n");
  EXPECT_TRUE(one(R"({"awsRegion":"eu-west-1"})"));
  EXPECT_FALSE(one(R"({"awsRegion":"us-east-1"})"));
  EXPECT_FALSE(one(R"({"awsRegion":"US-EAST-1"})")) << "without regard to case";
  EXPECT_FALSE(one(R"({"other":"eu-west-1"})")) << "absent";
  EXPECT_FALSE(one(R"({"awsRegion":null})")) << "null";
  EXPECT_TRUE(one(R"({"awsRegion":""})")) << "the empty string is a value";
  Matcher none("    sel:\n        awsRegion|neq:\n            - us-east-1\n            - us-west-2\n    condition: sel\n");
  EXPECT_TRUE(none(R"({"awsRegion":"eu-west-1"})"));
  EXPECT_FALSE(none(R"({"awsRegion":"us-west-2"})"));
  EXPECT_FALSE(none(R"({"awsRegion":"us-east-1"})"));
  Matcher cased("    sel:\n        userIdentity.type|cased|neq: Root\n    condition: sel\n");
  EXPECT_TRUE(cased(R"({"userIdentity":{"type":"root"}})"));
  EXPECT_FALSE(cased(R"({"userIdentity":{"type":"Root"}})"));
  Matcher num("    sel:\n        d|neq: 7\n    condition: sel\n");
  EXPECT_TRUE(num(R"({"d":8})"));
  EXPECT_FALSE(num(R"({"d":7})"));
  EXPECT_FALSE(num(R"({"d":"7.0"})")) << "a numeric string of equal value";
  EXPECT_TRUE(num(R"({"d":"seven"})"));
  Matcher arr("    sel:\n        a|neq: x\n    condition: sel\n");
  EXPECT_TRUE(arr(R"({"a":["y","z"]})"));
  EXPECT_FALSE(arr(R"({"a":["y","x"]})")) << "one value reached equals";
  Matcher ref("    sel:\n        userIdentity.accountId|fieldref|neq: recipientAccountId\n    condition: sel\n");
  EXPECT_TRUE(ref(R"({"userIdentity":{"accountId":"111122223333"},"recipientAccountId":"444455556666"})"));
  EXPECT_FALSE(ref(R"({"userIdentity":{"accountId":"111122223333"},"recipientAccountId":"111122223333"})"));
  EXPECT_FALSE(ref(R"({"userIdentity":{"accountId":"111122223333"}})")) << "absent reference";
  EXPECT_FALSE(ref(R"({"recipientAccountId":"111122223333"})")) << "absent field";

  // What does not combine is refused with the rule's position.
  for (const char* bad : {"        a|neq|contains: b\n", "        a|neq|re: b\n", "        a|neq|gt: 5\n",
                          "        a|neq: null\n", "        a|neq|all:\n            - b\n            - c\n",
                          "        a|neq|exists: true\n", "        a|neq|cidr: 10.0.0.0/8\n"}) {
    Result<CompiledRule> r = testing::compile_text(testing::rule_yaml("    sel:\n" + std::string(bad) + "    condition: sel\n"));
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().where.find("t.yml:"), std::string::npos) << r.error().str();
    }
  }
}

TEST(Matcher, KeywordsSearchEveryValue) {
  Matcher m("    keywords:\n        - evil-tool\n        - 'bad*actor'\n    condition: keywords\n");
  EXPECT_TRUE(m(R"({"userAgent":"x EVIL-TOOL/1.0"})"));
  EXPECT_TRUE(m(R"({"a":{"b":["q","a BAD good ACTOR"]}})"));
  EXPECT_FALSE(m(R"({"evil-tool":"key names are not searched"})"));
  EXPECT_FALSE(m(R"({"a":"good"})"));
  Matcher all("    keywords:\n        '|all':\n            - evil\n            - tool\n    condition: keywords\n");
  EXPECT_TRUE(all(R"({"a":"tool","b":["EVIL"]})"));
  EXPECT_FALSE(all(R"({"a":"tool"})"));
}

TEST(Matcher, ConditionForms) {
  const std::string det =
      "    sel_a:\n        a: 1\n    sel_b:\n        b: 1\n    filter_c:\n        c: 1\n    _aux:\n        d: 1\n";
  Matcher one(det + "    condition: 1 of sel_*\n");
  EXPECT_TRUE(one(R"({"b":1})"));
  EXPECT_FALSE(one(R"({"c":1})"));
  Matcher all(det + "    condition: all of sel_*\n");
  EXPECT_TRUE(all(R"({"a":1,"b":1})"));
  EXPECT_FALSE(all(R"({"a":1})"));
  Matcher them(det + "    condition: 1 of them\n");
  EXPECT_TRUE(them(R"({"c":1})"));
  EXPECT_FALSE(them(R"({"d":1})"));  // names starting with '_' are not part of 'them'
  Matcher allthem(det + "    condition: all of them\n");
  EXPECT_TRUE(allthem(R"({"a":1,"b":1,"c":1})"));
  EXPECT_FALSE(allthem(R"({"a":1,"b":1})"));
  Matcher mixed(det + "    condition: (sel_a or sel_b) and not filter_c\n");
  EXPECT_TRUE(mixed(R"({"a":1})"));
  EXPECT_FALSE(mixed(R"({"a":1,"c":1})"));
  Matcher list(det + "    condition:\n        - sel_a\n        - filter_c\n");
  EXPECT_TRUE(list(R"({"c":1})"));
  EXPECT_FALSE(list(R"({"b":1})"));
}

TEST(Matcher, SeverityForFailuresAndLevels) {
  Result<CompiledRule> r = testing::compile_text(testing::rule_yaml(
      "    sel:\n        eventName: [StopLogging, UpdateTrail]\n    _update:\n        eventName: UpdateTrail\n"
      "    condition: sel\n",
      "rootguard:\n    severity_when_failed: low\n    levels:\n        - {when: _update, level: medium}\n"));
  ASSERT_TRUE(r) << r.error().str();
  simdjson::dom::parser p;
  auto sev = [&](const char* json) {
    simdjson::padded_string s{std::string(json)};
    return r->severity_for(p.parse(s).value());
  };
  EXPECT_EQ(sev(R"({"eventName":"StopLogging"})"), Severity::High);
  EXPECT_EQ(sev(R"({"eventName":"UpdateTrail"})"), Severity::Medium);
  EXPECT_EQ(sev(R"({"eventName":"StopLogging","errorCode":"AccessDenied"})"), Severity::Low);
  EXPECT_EQ(sev(R"({"eventName":"StopLogging","errorCode":null})"), Severity::High);
  EXPECT_EQ(sev(R"({"eventName":"PasswordUpdated","responseElements":{"PasswordUpdated":"Failure"}})"), Severity::Low);
  EXPECT_EQ(sev(R"({"eventName":"PasswordUpdated","responseElements":{"PasswordUpdated":"Success"}})"), Severity::High);
}

}  // namespace
}  // namespace rg::sigma
