// s3: CloudTrail logs in S3 as scan sources, listed with ListObjectsV2 and pruned by
// CloudTrail's key layout before anything else is listed:
//   <prefix>AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<file>.json.gz
// Each level is listed with Delimiter=/ and only the accounts, regions and days that pass the
// filter are descended into; the objects of a kept day are listed in full. Each object
// becomes an io::Source whose opener starts streaming it (GetObject, retried like every call,
// body handed over through a bounded queue) when a scan worker picks it up, so as many objects
// are in flight as the scan has workers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/client.h"
#include "core/diagnostics.h"
#include "io/source.h"
#include "io/trail_layout.h"

namespace rg::aws {

struct S3Location {
  std::string bucket;
  std::string prefix;  // may be empty
};
// "s3://bucket/prefix" -> {bucket, prefix}.
Result<S3Location> parse_s3_url(std::string_view url);

using TrailFilter = io::TrailFilter;  // io/trail_layout.h: which days, accounts and regions are listed

struct S3Object {
  std::string key;
  std::uint64_t size = 0;
};

struct S3Listing {
  std::vector<S3Object> objects;
  int list_calls = 0;
};

// Each object the filter keeps, in key order, handed to `emit` as it is listed (false: stop;
// then each_trail_object returns false); `calls` (optional) counts the ListObjectsV2 calls. A
// listing that fails costs one error line (the rest goes on). What is held is a page of the
// listing per level of the layout, however many objects there are.
bool each_trail_object(Client& client, const S3Location& where, const TrailFilter& filter, Diagnostics& diag,
                       const std::function<bool(S3Object&&)>& emit, int* calls = nullptr);
// The same, gathered.
S3Listing list_trail_objects(Client& client, const S3Location& where, const TrailFilter& filter, Diagnostics& diag);

// The scan Source of an object ("s3://bucket/key"); it holds the client.
io::Source s3_source(std::shared_ptr<Client> client, const std::string& bucket, const S3Object& object);
std::vector<io::Source> s3_sources(std::shared_ptr<Client> client, const std::string& bucket,
                                   const std::vector<S3Object>& objects);
// The sources of each_trail_object, listed on a thread of their own as the scan takes them
// (io::BackgroundStream): a bucket of millions of objects is never listed whole in memory.
std::unique_ptr<io::BackgroundStream> s3_stream(std::shared_ptr<Client> client, const S3Location& where,
                                                const TrailFilter& filter, Diagnostics& diag);

// The URL of an object or of the bucket (path style when an endpoint is configured,
// virtual-hosted style on AWS), key encoded as S3 signs it.
std::string s3_url(const Client& client, const std::string& bucket, const std::string& key);

}  // namespace rg::aws
