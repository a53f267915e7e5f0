// A real SQS queue and S3 bucket for tests (fauxqs), set up as the standard CloudTrail fan-out:
// objects in bucket "trail", an S3 ObjectCreated notification for each on queue
// "trail-objects" (redrive to "trail-objects-dlq" after --max-receives, default 3). fauxqs does
// not send bucket notifications itself, so this script publishes, for each uploaded object,
// the message S3 would (the shape AWS documents), alternately raw and wrapped in an SNS
// notification, and with --dup twice. Also an s3:TestEvent, and --poison N unreadable bodies.
// Uploads every file under --from DIR (key = its relative path). Prints "PORT <n>".
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { startFauxqs } from "fauxqs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const server = await startFauxqs({ port: 0, logger: false });
server.createBucket("trail");
const dlq = server.createQueue("trail-objects-dlq");
const q = server.createQueue("trail-objects", {
  attributes: { VisibilityTimeout: "30",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: String(args["max-receives"] || 3) }) } });

const sqs = async (op, body) => {
  const r = await fetch(server.address + "/", { method: "POST", headers: { "content-type": "application/x-amz-json-1.0",
    "x-amz-target": `AmazonSQS.${op}`, authorization: "AWS4-HMAC-SHA256 Credential=test/20261120/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0" },
    body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${op}: ${r.status} ${await r.text()}`);
  return r.json();
};
const send = (body) => sqs("SendMessage", { QueueUrl: q.queueUrl, MessageBody: body });

const walk = (dir) => readdirSync(dir).sort().flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
let n = 0;
await send(JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Time: "2026-11-20T10:00:00.000Z", Bucket: "trail" }));
for (const file of args.from ? walk(args.from) : []) {
  const key = relative(args.from, file).split("\\").join("/");
  const body = readFileSync(file);
  const put = await fetch(`${server.address}/trail/${key}`, { method: "PUT", body });
  if (put.status >= 300) throw new Error(`PUT ${key}: ${put.status}`);
  const event = { Records: [{ eventVersion: "2.1", eventSource: "aws:s3", awsRegion: "us-east-1",
    eventTime: "2026-11-20T10:00:00.000Z", eventName: "ObjectCreated:Put",
    s3: { s3SchemaVersion: "1.0", configurationId: "trail-objects",
      bucket: { name: "trail", arn: "arn:aws:s3:::trail" },
      object: { key: encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+"), size: body.length } } }] };
  const raw = JSON.stringify(event);
  const wrapped = JSON.stringify({ Type: "Notification", MessageId: `m${n}`, TopicArn: "arn:aws:sns:us-east-1:000000000000:trail",
    Subject: "Amazon S3 Notification", Message: raw, Timestamp: "2026-11-20T10:00:00.000Z" });
  for (let k = 0; k < (args.dup ? 2 : 1); k++) await send(n % 2 ? wrapped : raw);
  n++;
}
for (let i = 0; i < Number(args.poison || 0); i++) await send(`not a notification ${i}`);
console.log(`PORT ${server.port}`);
process.on("SIGTERM", async () => { await server.stop(); process.exit(0); });
