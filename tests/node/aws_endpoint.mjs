// A local stand-in for the AWS APIs rootguard calls (test code only).
//
// Serves the documented sample answers in the shared aws-responses folder, in each
// service's own protocol (query services get XML built from the CLI-shaped samples), for
// a simulated Organization of --accounts accounts. Every request must carry a valid SigV4
// signature, checked with AWS's own signer (@smithy/signature-v4) against the keys it
// knows (--key, and the ones its AssumeRole hands out); others get 403. Faults can be
// injected: --latency-ms, --throttle P, --error500 P, --drop P, --slow P --slow-ms N
// (probabilities, drawn from a seeded generator). Each request is logged as a JSON line to
// --log. Prints "PORT <n>" on its first line, then nothing else on stdout.
import http from "node:http";
import crypto from "node:crypto";
import { readFileSync, appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const DATA = args.data;
const ACCOUNTS = Number(args.accounts || 3);
const LATENCY = Number(args["latency-ms"] || 0);
const P_THROTTLE = Number(args.throttle || 0), P_500 = Number(args.error500 || 0), P_DROP = Number(args.drop || 0);
const P_SLOW = Number(args.slow || 0), SLOW_MS = Number(args["slow-ms"] || 0);
const LOG = args.log;
const MANAGEMENT = "111111111111";
const REPORT_CSV = args.report || "GetCredentialReport.c7n_root_mfa.csv";
const DENY_ACCOUNT = args["deny-account"] || "";  // AssumeRole into this account is refused

let seed = Number(args.seed || 42);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const faultStreak = new Map();  // request -> faults injected in a row

// access key id -> { secret, token, account }
const keys = new Map();
for (const k of (args.key || "AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").split(",")) {
  const [id, secret] = k.split(":");
  keys.set(id, { secret, token: "", account: MANAGEMENT });
}

const sample = (name) => {
  let j = JSON.parse(readFileSync(join(DATA, name), "utf8"));
  if (j && j.data && j.status_code) j = j.data;  // recorded (placebo) format
  delete j.ResponseMetadata;
  return j;
};

const memberIds = () => {
  const ids = [MANAGEMENT];
  for (let i = 1; i < ACCOUNTS; i++) ids.push(String(200000000000 + i));
  return ids;
};

// --- XML for query services -------------------------------------------------------------
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const MAPS = new Set(["SummaryMap", "Attributes"]);
function xml(name, v) {
  if (Array.isArray(v)) return `<${name}>${v.map((x) => xml("member", x)).join("")}</${name}>`;
  if (v && typeof v === "object") {
    if (MAPS.has(name))
      return `<${name}>${Object.entries(v).map(([k, x]) => `<entry><key>${esc(k)}</key><value>${esc(x)}</value></entry>`).join("")}</${name}>`;
    return `<${name}>${Object.entries(v).map(([k, x]) => xml(k, x)).join("")}</${name}>`;
  }
  return `<${name}>${esc(v)}</${name}>`;
}
const queryAnswer = (op, result) =>
  `<${op}Response xmlns="https://example.amazonaws.com/doc/">${xml(op + "Result", result)}` +
  `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></${op}Response>`;
const queryError = (status, code, message) => ({
  status, type: "text/xml",
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${esc(message)}</Message></Error><RequestId>x</RequestId></ErrorResponse>`,
});
const jsonAnswer = (obj) => ({ status: 200, type: "application/x-amz-json-1.1", body: JSON.stringify(obj) });
const jsonError = (status, code, message) => ({
  status, type: "application/x-amz-json-1.1", headers: { "x-amzn-ErrorType": code }, body: JSON.stringify({ __type: code, message }),
});

// --- per-account state ------------------------------------------------------------------
const generated = new Map();  // account -> GenerateCredentialReport calls

function iam(op, p, account) {
  switch (op) {
    case "GetAccountSummary": {
      const xmlText = readFileSync(join(DATA, "GetAccountSummary.xml"), "utf8");
      return { status: 200, type: "text/xml", body: xmlText };
    }
    case "GenerateCredentialReport": {
      const n = (generated.get(account) || 0) + 1;
      generated.set(account, n);
      return { status: 200, type: "text/xml", body: queryAnswer(op, { State: n === 1 ? "STARTED" : "COMPLETE",
        Description: n === 1 ? "No report exists. Starting a new report generation task" : "" }) };
    }
    case "GetCredentialReport": {
      const n = generated.get(account) || 0;
      if (n === 0) return queryError(410, "ReportNotPresent", "Credential report not present");
      if (n === 1) return queryError(410, "ReportInProgress", "Credential report is being generated");
      const csv = readFileSync(join(DATA, REPORT_CSV));
      return { status: 200, type: "text/xml", body: queryAnswer(op, { Content: csv.toString("base64"), ReportFormat: "text/csv",
        GeneratedTime: new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, "Z") }) };
    }
    case "ListVirtualMFADevices": {
      const all = sample("ListVirtualMFADevices.cli.json").VirtualMFADevices;
      const start = Number(p.get("Marker") || 0);  // one device per page: pagination is exercised
      const page = { VirtualMFADevices: all.slice(start, start + 1), IsTruncated: start + 1 < all.length };
      if (page.IsTruncated) page.Marker = String(start + 1);
      return { status: 200, type: "text/xml", body: queryAnswer(op, page) };
    }
    case "ListOrganizationsFeatures":
      if (account !== MANAGEMENT) return queryError(400, "AccountNotManagementOrDelegatedAdministratorException", "not the management account");
      return { status: 200, type: "text/xml", body: queryAnswer(op, sample("ListOrganizationsFeatures.cli.json")) };
  }
  return null;
}

function sts(op, p, account) {
  switch (op) {
    case "GetCallerIdentity":
      return { status: 200, type: "text/xml", body: queryAnswer(op, { UserId: "AIDAEXAMPLE", Account: account,
        Arn: `arn:aws:iam::${account}:user/auditor` }) };
    case "AssumeRole": {
      const arn = p.get("RoleArn") || "";
      const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(arn);
      if (!m) return queryError(400, "ValidationError", "bad RoleArn");
      if (m[1] === DENY_ACCOUNT) return queryError(403, "AccessDenied", `not authorized to perform sts:AssumeRole on ${arn}`);
      const id = "ASIA" + crypto.randomBytes(8).toString("hex").toUpperCase();
      const secret = crypto.randomBytes(30).toString("base64");
      const token = crypto.randomBytes(60).toString("base64");
      keys.set(id, { secret, token, account: m[1] });
      return { status: 200, type: "text/xml", body: queryAnswer(op, { Credentials: { AccessKeyId: id, SecretAccessKey: secret,
        SessionToken: token, Expiration: new Date(Date.now() + 3600 * 1000).toISOString() },
        AssumedRoleUser: { Arn: `arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${p.get("RoleSessionName")}`, AssumedRoleId: "AROAEXAMPLE" } }) };
    }
  }
  return null;
}

function sns(op, p) {
  if (op === "ListSubscriptionsByTopic") return { status: 200, type: "text/xml", body: queryAnswer(op, sample("ListSubscriptionsByTopic.cli.json")) };
  if (op === "GetTopicAttributes") return { status: 200, type: "text/xml", body: queryAnswer(op, sample("GetTopicAttributes.c7n.json")) };
  return null;
}

function cloudwatch(op) {
  if (op === "DescribeAlarms") return { status: 200, type: "text/xml", body: queryAnswer(op, sample("DescribeAlarms.cli.json")) };
  return null;
}

function json11(target, body, account) {
  const [prefix, op] = target.split(".");
  if (prefix === "CloudTrail_20131101") {
    if (op === "DescribeTrails") return jsonAnswer(sample("DescribeTrails.cli.json"));
    if (op === "GetTrailStatus") return jsonAnswer(sample("GetTrailStatus.cli.json"));
    if (op === "GetEventSelectors") return jsonAnswer(sample("GetEventSelectors.cli.json"));
  }
  if (prefix === "Logs_20140328" && op === "DescribeMetricFilters") return jsonAnswer(sample("DescribeMetricFilters.c7n.json"));
  if (prefix === "AWSOrganizationsV20161128") {
    if (account !== MANAGEMENT) return jsonError(400, "AccessDeniedException", "You don't have permissions to access this resource.");
    if (op === "DescribeOrganization") return jsonAnswer(sample("DescribeOrganization.cli.json"));
    if (op === "ListRoots") return jsonAnswer(sample("ListRoots.cli.json"));
    if (op === "ListPolicies") return jsonAnswer(sample("ListPolicies.cli.json"));
    if (op === "DescribePolicy") return jsonAnswer(sample("DescribePolicy.cli.json"));
    if (op === "ListTargetsForPolicy") return jsonAnswer(sample("ListTargetsForPolicy.cli.json"));
    if (op === "ListAccounts") {
      const ids = memberIds();
      const start = Number(body.NextToken || 0), size = 20;
      const accounts = ids.slice(start, start + size).map((id) => ({
        Id: id, Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-exampleorgid/${id}`, Email: `root+${id}@example.com`,
        Name: id === MANAGEMENT ? "Management" : `Member ${id}`, Status: "ACTIVE", State: "ACTIVE",
        JoinedMethod: id === MANAGEMENT ? "CREATED" : "INVITED", JoinedTimestamp: 1481830215.45 }));
      const out = { Accounts: accounts };
      if (start + size < ids.length) out.NextToken = String(start + size);
      return jsonAnswer(out);
    }
  }
  return null;
}

function account(path, body) {
  if (path === "/getContactInformation") return { status: 200, type: "application/json", body: JSON.stringify(sample("GetContactInformation.prowler_mock.json")) };
  if (path === "/getAlternateContact") {
    if (body.AlternateContactType === "SECURITY")
      return { status: 200, type: "application/json", body: JSON.stringify(sample("GetAlternateContact.prowler_mock.json")) };
    return { status: 404, type: "application/json", headers: { "x-amzn-ErrorType": "ResourceNotFoundException" },
      body: JSON.stringify({ message: "No contact of the inputted alternate contact type found." }) };
  }
  return null;
}

// --- signature check --------------------------------------------------------------------
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
async function verify(req, body) {
  const auth = req.headers.authorization;
  if (!auth) return { error: "MissingAuthenticationToken" };
  const m = AUTH.exec(auth);
  if (!m) return { error: "IncompleteSignature" };
  const [, akid, , region, service, signedHeaders, signature] = m;
  const key = keys.get(akid);
  if (!key) return { error: "InvalidClientTokenId" };
  if (key.token && req.headers["x-amz-security-token"] !== key.token) return { error: "InvalidToken" };
  const url = new URL(req.url, "http://localhost");
  const query = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? [].concat(query[k], v) : v;
  const headers = {};
  for (const h of signedHeaders.split(";")) headers[h] = req.headers[h] ?? "";
  const d = req.headers["x-amz-date"] || "";
  const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
  const signer = new SignatureV4({ credentials: { accessKeyId: akid, secretAccessKey: key.secret }, region, service,
    sha256: Sha256, uriEscapePath: service !== "s3", applyChecksum: false });
  const signed = await signer.sign({ method: req.method, protocol: "http:", hostname: headers.host || "localhost",
    path: url.pathname, query, headers, body }, { signingDate: date });
  const expected = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization)[1];
  if (expected !== signature) {
    if (process.env.RG_ENDPOINT_DEBUG) process.stderr.write(JSON.stringify({ headers, query, path: url.pathname, body, signedHeaders }) + "\n");
    return { error: "SignatureDoesNotMatch" };
  }
  return { service, region, account: key.account, akid };
}

// --- server -----------------------------------------------------------------------------
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (entry) => { if (LOG) appendFileSync(LOG, JSON.stringify(entry) + "\n"); };

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks).toString("utf8");
  const isJson = (req.headers["content-type"] || "").includes("json");
  const v = await verify(req, body);
  const form = new URLSearchParams(isJson ? "" : body);
  const target = req.headers["x-amz-target"] || "";
  const op = form.get("Action") || target.split(".")[1] || new URL(req.url, "http://x").pathname;
  const entry = { op, service: v.service, region: v.region, account: v.account, path: req.url };
  if (v.error) {
    log({ ...entry, status: 403, error: v.error });
    const e = isJson ? jsonError(403, v.error, "signature check failed") : queryError(403, v.error, "signature check failed");
    res.writeHead(e.status, { "content-type": e.type, ...(e.headers || {}) });
    return res.end(e.body);
  }
  if (LATENCY) await sleep(LATENCY);
  // Faults are transient, as AWS's are: the same request is never faulted more than three
  // times in a row (the client makes up to six attempts), so every call finally succeeds.
  const key = `${v.account} ${req.method} ${req.url} ${body}`;
  const streak = faultStreak.get(key) || 0;
  const r = streak >= 3 ? 1 : rand();
  faultStreak.set(key, r < P_DROP + P_500 + P_THROTTLE ? streak + 1 : 0);
  if (r < P_DROP) { log({ ...entry, status: 0, fault: "drop" }); return req.socket.destroy(); }
  if (r < P_DROP + P_500) {
    log({ ...entry, status: 500, fault: "500" });
    const e = isJson ? jsonError(500, "InternalFailure", "injected") : queryError(500, "InternalFailure", "injected");
    res.writeHead(500, { "content-type": e.type }); return res.end(e.body);
  }
  if (r < P_DROP + P_500 + P_THROTTLE) {
    log({ ...entry, status: 400, fault: "throttle" });
    const e = isJson ? jsonError(400, "ThrottlingException", "Rate exceeded") : queryError(400, "Throttling", "Rate exceeded");
    res.writeHead(400, { "content-type": e.type, ...(e.headers || {}) }); return res.end(e.body);
  }
  if (rand() < P_SLOW) await sleep(SLOW_MS);
  let a = null;
  const parsed = isJson && body ? JSON.parse(body) : {};
  if (v.service === "iam") a = iam(op, form, v.account);
  else if (v.service === "sts") a = sts(op, form, v.account);
  else if (v.service === "sns") a = sns(op, form);
  else if (v.service === "monitoring") a = cloudwatch(op);
  else if (v.service === "account") a = account(new URL(req.url, "http://x").pathname, parsed);
  else if (target) a = json11(target, parsed, v.account);
  if (!a) a = isJson ? jsonError(400, "UnknownOperationException", op) : queryError(400, "InvalidAction", op);
  log({ ...entry, status: a.status });
  res.writeHead(a.status, { "content-type": a.type, ...(a.headers || {}) });
  res.end(a.body);
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
