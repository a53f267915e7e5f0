// Signs the requests described in a JSON file with AWS's own JavaScript signer
// (@smithy/signature-v4) and prints one Authorization header per line, in order.
// Input: [{method, host, path, query: {k: v}, headers: {k: v}, body, region, service,
//          date (ISO-8601), accessKeyId, secretAccessKey, sessionToken?, s3?}]
import { readFileSync } from "node:fs";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

const requests = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = [];
for (const r of requests) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, sessionToken: r.sessionToken || undefined },
    region: r.region,
    service: r.service,
    sha256: Sha256,
    uriEscapePath: !r.s3,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: r.method, protocol: "https:", hostname: r.host, path: r.path, query: r.query,
      headers: { host: r.host, ...r.headers }, body: r.body },
    { signingDate: new Date(r.date) });
  out.push(signed.headers.authorization);
}
process.stdout.write(out.join("\n") + "\n");
