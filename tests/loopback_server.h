// A tiny HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) for tests of HTTP clients:
// it records every request and answers with what the handler returns, one connection at a
// time, "Connection: close". It stops when the object dies.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rg::test {

struct HttpCapture {
  std::string method, target, path, query;  // target = path[?query]
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(const std::string& name) const;  // case-insensitive, "" when absent
};

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop = false;  // close the connection without answering
};

class LoopbackServer {
 public:
  using Handler = std::function<HttpReply(const HttpCapture&)>;
  explicit LoopbackServer(Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<HttpCapture> requests() const;

 private:
  void loop();
  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<HttpCapture> requests_;
  std::thread thread_;
};

}  // namespace rg::test
