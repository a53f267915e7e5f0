// SinkTestServer: a small TCP server on 127.0.0.1 (port chosen by the kernel) for sink and
// outbox tests. It speaks just enough HTTP, SMTP or raw TCP (syslog) to record what a sink
// sent, can answer with a chosen HTTP status, can hang (accept, never answer), and can be
// taken down (connections refused) and brought back on the same port.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rg::test {

class SinkTestServer {
 public:
  enum class Mode { Http, Smtp, RawTcp };
  struct Request {
    std::string line;                            // HTTP request line: "POST /hook HTTP/1.1"
    std::map<std::string, std::string> headers;  // lower-case names (HTTP); "mail from"/"rcpt to" (SMTP)
    std::string body;                            // HTTP body, SMTP DATA, or raw bytes
    int status = 0;                              // HTTP status answered
  };

  explicit SinkTestServer(Mode mode = Mode::Http);
  ~SinkTestServer();
  SinkTestServer(const SinkTestServer&) = delete;
  SinkTestServer& operator=(const SinkTestServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;

  void set_status(int status) { status_ = status; }       // HTTP answer (default 200); SMTP: 550 refuses RCPT
  void set_body(const std::string& body) {
    std::lock_guard<std::mutex> l(mu_);
    body_ = body;
  }
  void set_hang(bool hang) { hang_ = hang; }               // accept and read, never answer
  void set_down(bool down);                                // refuse connections / accept again
  std::vector<Request> requests() const;       // every request, answered or not
  std::vector<Request> accepted() const;       // those answered 2xx (HTTP) / every mail (SMTP)
  std::size_t count() const;                   // requests().size()

 private:
  void listen_socket();
  void loop();
  void serve(int fd);
  void serve_http(int fd);
  void serve_smtp(int fd);
  void serve_raw(int fd);
  void record(Request r);

  Mode mode_;
  int port_ = 0;
  std::atomic<int> listen_fd_{-1};
  std::atomic<int> status_{200};
  std::atomic<bool> hang_{false};
  std::atomic<bool> stop_{false};
  std::atomic<bool> down_{false};
  mutable std::mutex mu_;
  std::vector<Request> requests_;
  std::string body_ = "ok";
  std::vector<std::thread> conns_;
  std::thread thread_;
};

// A UDP socket on 127.0.0.1 that keeps what it receives.
class UdpReceiver {
 public:
  UdpReceiver();
  ~UdpReceiver();
  int port() const { return port_; }
  // Waits up to timeout_ms for a datagram; "" if none came.
  std::string receive(int timeout_ms);

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace rg::test
