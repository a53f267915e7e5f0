// A real S3 endpoint for tests (fauxqs), behind a logging pass-through so that tests can see
// which requests rootguard sent (pruning). Creates --bucket and uploads a generated CloudTrail
// tree: AWSLogs/o-test/<account>/CloudTrail/<region>/YYYY/MM/DD/<n>.json.gz for --accounts,
// --regions and --days (comma lists; days as YYYY-MM-DD), --per-day objects each.
// Object bodies are small gzip CloudTrail files. With --from DIR, every file under DIR is
// uploaded instead, keyed by its path relative to DIR. Prints "PORT <n>" (the pass-through)
// once everything is uploaded; logs "METHOD URL" lines to --log.
import http from "node:http";
import zlib from "node:zlib";
import { appendFileSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { startFauxqs } from "fauxqs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const bucket = args.bucket || "trail";
const accounts = (args.accounts || "111111111111").split(",");
const regions = (args.regions || "us-east-1").split(",");
const days = (args.days || "2026-11-01").split(",");
const perDay = Number(args["per-day"] || 1);

const s3 = await startFauxqs({ port: 0, logger: false });
s3.createBucket(bucket);
const target = new URL(s3.address);

const put = (key, body) => new Promise((resolve, reject) => {
  const req = http.request({ host: target.hostname, port: target.port, method: "PUT", path: `/${bucket}/${key}`,
    headers: { "content-length": body.length, "content-type": "application/octet-stream" } }, (res) => {
    res.resume();
    res.on("end", () => (res.statusCode < 300 ? resolve() : reject(new Error(`PUT ${key}: ${res.statusCode}`))));
  });
  req.on("error", reject);
  req.end(body);
});

const walk = (dir) => readdirSync(dir).sort().flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
if (args.from) {
  for (const file of walk(args.from)) await put(relative(args.from, file).split("\\").join("/"), readFileSync(file));
}

if (!args.from) for (const account of accounts)
  for (const region of regions)
    for (const day of days)
      for (let n = 0; n < perDay; n++) {
        const [y, m, d] = day.split("-");
        const key = `AWSLogs/o-test/${account}/CloudTrail/${region}/${y}/${m}/${d}/${account}_CloudTrail_${region}_${y}${m}${d}T0000Z_${n}.json.gz`;
        const record = { eventVersion: "1.08", eventTime: `${day}T00:0${n % 10}:00Z`, eventName: "ConsoleLogin",
          eventSource: "signin.amazonaws.com", awsRegion: region, recipientAccountId: account,
          userIdentity: { type: "Root", accountId: account, arn: `arn:aws:iam::${account}:root` } };
        await put(key, zlib.gzipSync(JSON.stringify({ Records: [record] })));
      }

// --cut-once N: the first GET of each object is cut off after N bytes of its body (the
// connection dropped mid-transfer), as flaky networks do.
const cutOnce = args["cut-once"] !== undefined ? Number(args["cut-once"]) : -1;
const cut = new Set();
// --max-keys N: listings answer N keys a page, as a big bucket's run to many pages.
const maxKeys = args["max-keys"];
const proxy = http.createServer((req, res) => {
  if (args.log) appendFileSync(args.log, `${req.method} ${req.url}\n`);
  if (maxKeys && req.method === "GET" && req.url.includes("list-type")) req.url += `&max-keys=${maxKeys}`;
  const isObjectGet = req.method === "GET" && !req.url.includes("list-type");
  const cutThis = cutOnce >= 0 && isObjectGet && !cut.has(req.url);
  if (cutThis) cut.add(req.url);
  const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (r) => {
      res.writeHead(r.statusCode, r.headers);
      if (!cutThis || r.statusCode !== 200) return r.pipe(res);
      const chunks = [];
      r.on("data", (c) => chunks.push(c));
      r.on("end", () => {
        res.write(Buffer.concat(chunks).subarray(0, cutOnce));
        setTimeout(() => res.socket.destroy(), 20);
      });
    });
  up.on("error", () => res.destroy());
  req.pipe(up);
});
proxy.listen(0, "127.0.0.1", () => process.stdout.write(`PORT ${proxy.address().port}\n`));
process.on("SIGTERM", async () => { proxy.close(); await s3.stop?.(); process.exit(0); });
