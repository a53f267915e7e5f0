// Prints the message counts of the test queue and its dead-letter queue as one JSON line:
// {"visible":n,"invisible":n,"dlq":n}.  usage: node sqs_status.mjs ENDPOINT
const [endpoint] = process.argv.slice(2);
const host = new URL(endpoint);
const url = (name) => `http://sqs.us-east-1.localhost:${host.port}/000000000000/${name}`;
const attrs = async (name) => {
  const r = await fetch(endpoint + "/", { method: "POST", headers: { "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "AmazonSQS.GetQueueAttributes", authorization: "AWS4-HMAC-SHA256 Credential=test/20261120/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0" },
    body: JSON.stringify({ QueueUrl: url(name), AttributeNames: ["All"] }) });
  return (await r.json()).Attributes;
};
const q = await attrs("trail-objects");
const d = await attrs("trail-objects-dlq");
console.log(JSON.stringify({ visible: Number(q.ApproximateNumberOfMessages), invisible: Number(q.ApproximateNumberOfMessagesNotVisible),
  dlq: Number(d.ApproximateNumberOfMessages) + Number(d.ApproximateNumberOfMessagesNotVisible) }));
