// SQS, as a `watch` worker uses it: receive S3 object notifications from a queue, keep a
// message invisible while its objects are scanned, delete it once their findings are stored.
// Requests use SQS's JSON protocol, signed like every other call (client.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/client.h"
#include "core/result.h"

namespace rg::aws {

struct SqsMessage {
  std::string id;
  std::string receipt;       // ReceiptHandle (needed to delete or extend)
  std::string body;
  int receive_count = 0;     // ApproximateReceiveCount
};

class SqsQueue {
 public:
  // url: https://sqs.REGION.amazonaws.com/ACCOUNT/NAME (or the queue URL an endpoint gives).
  SqsQueue(std::shared_ptr<Client> client, std::string url);
  const std::string& url() const { return url_; }
  const std::string& region() const { return region_; }
  const std::shared_ptr<Client>& client() const { return client_; }

  // Up to `max` messages, waiting up to wait_s for the first (long polling); each stays
  // invisible to other workers for visibility_s.
  Result<std::vector<SqsMessage>> receive(int max, int wait_s, int visibility_s);
  Status remove(const SqsMessage& m);
  Status extend(const SqsMessage& m, int visibility_s);

 private:
  Result<Json> call(const std::string& op, Json body);
  std::shared_ptr<Client> client_;
  std::string url_;
  std::string region_;
};

// "sqs://https://sqs.us-east-1.amazonaws.com/111122223333/trail-objects" -> the queue URL.
Result<std::string> parse_sqs_spec(std::string_view spec);

// One object an S3 notification names.
struct NotifiedObject {
  std::string bucket;
  std::string key;     // decoded (S3 notifications URL-encode keys, spaces as '+')
  std::uint64_t size = 0;
};

// The objects created that a message names: an S3 event notification, as S3 sends it to SQS
// or wrapped in an SNS notification, or an EventBridge "Object Created" event. An s3:TestEvent
// and removal events name none. Anything else is an Error saying what it is not.
Result<std::vector<NotifiedObject>> parse_s3_notification(std::string_view body);

}  // namespace rg::aws
