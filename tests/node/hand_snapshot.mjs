// Builds, by hand, the snapshot a user would make with the AWS CLI from the same documented
// sample responses that aws_endpoint.mjs serves: for each file name given (the ones `collect`
// wrote), the CLI's JSON for that call, taken straight from the sample, with none of
// rootguard's protocol code in between. Used to check that `collect` + `audit` grades the same
// as a hand-built snapshot.
//   node hand_snapshot.mjs --data DIR --out DIR --account ID --generated-time T NAME...
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const argv = process.argv.slice(2);
const opt = {};
const names = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith("--")) opt[argv[i].slice(2)] = argv[++i];
  else names.push(argv[i]);
}
const sample = (name) => {
  let j = JSON.parse(readFileSync(join(opt.data, name), "utf8"));
  if (j && j.data && j.status_code) j = j.data;  // recorded (placebo) format
  delete j.ResponseMetadata;
  return j;
};
const notFound = { Error: { Code: "ResourceNotFoundException", Message: "No contact of the inputted alternate contact type found." } };

function content(name) {
  const base = name.split("/").pop();
  const [service, op, param] = base.replace(/\.json$/, "").split(".");
  const key = `${service}.${op}`;
  switch (key) {
    case "iam.GetAccountSummary": {
      // What `aws iam get-account-summary --output json` prints for the XML sample.
      const xml = readFileSync(join(opt.data, "GetAccountSummary.xml"), "utf8");
      const map = {};
      for (const m of xml.matchAll(/<key>(\w+)<\/key>\s*<value>(\d+)<\/value>/g)) map[m[1]] = Number(m[2]);
      return { SummaryMap: map };
    }
    case "iam.GetCredentialReport":
      return { Content: readFileSync(join(opt.data, "GetCredentialReport.c7n_root_mfa.csv")).toString("base64"),
               ReportFormat: "text/csv", GeneratedTime: opt["generated-time"] };
    case "iam.ListVirtualMFADevices": return { VirtualMFADevices: sample("ListVirtualMFADevices.cli.json").VirtualMFADevices };
    case "iam.ListOrganizationsFeatures": return sample("ListOrganizationsFeatures.cli.json");
    case "sts.GetCallerIdentity": return { UserId: "AIDAEXAMPLE", Account: opt.account, Arn: `arn:aws:iam::${opt.account}:user/auditor` };
    case "account.GetContactInformation": return sample("GetContactInformation.prowler_mock.json");
    case "account.GetAlternateContact": return param === "SECURITY" ? sample("GetAlternateContact.prowler_mock.json") : notFound;
    case "cloudtrail.DescribeTrails": return sample("DescribeTrails.cli.json");
    case "cloudtrail.GetTrailStatus": return sample("GetTrailStatus.cli.json");
    case "cloudtrail.GetEventSelectors": return sample("GetEventSelectors.cli.json");
    case "logs.DescribeMetricFilters": return sample("DescribeMetricFilters.c7n.json");
    case "cloudwatch.DescribeAlarms": return sample("DescribeAlarms.cli.json");
    case "sns.ListSubscriptionsByTopic": return sample("ListSubscriptionsByTopic.cli.json");
  }
  return undefined;
}

let written = 0;
for (const name of names) {
  const c = content(name);
  if (c === undefined) continue;  // collect's own record, or a call this sample set lacks
  const path = join(opt.out, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(c, null, 4) + "\n");
  written++;
}
process.stdout.write(`WROTE ${written}\n`);
