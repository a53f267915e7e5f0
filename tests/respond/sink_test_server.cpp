#include "respond/sink_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace rg::test {

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
// Reads until `until` appears in buf (or the peer closes / stop). Returns false on close.
bool read_until(int fd, std::string& buf, const std::string& until, const std::atomic<bool>& stop) {
  char tmp[4096];
  while (buf.find(until) == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, 100);
    if (stop) return false;
    if (r <= 0) continue;
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
  return true;
}
void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}
}  // namespace

SinkTestServer::SinkTestServer(Mode mode) : mode_(mode) {
  listen_socket();
  thread_ = std::thread([this] { loop(); });
}

SinkTestServer::~SinkTestServer() {
  stop_ = true;
  thread_.join();
  for (auto& t : conns_) t.join();
  int fd = listen_fd_.exchange(-1);
  if (fd >= 0) ::close(fd);
}

std::string SinkTestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void SinkTestServer::listen_socket() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port_));
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 64) != 0) {
    ::close(fd);
    throw std::runtime_error("loopback server: bind/listen failed");
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  listen_fd_ = fd;
}

void SinkTestServer::set_down(bool down) {
  down_ = down;
  while ((listen_fd_ >= 0) == down) usleep(1000);  // the loop thread applies it
}

void SinkTestServer::loop() {
  while (!stop_) {
    if (down_ && listen_fd_ >= 0) {
      ::close(listen_fd_.exchange(-1));
    } else if (!down_ && listen_fd_ < 0) {
      try {
        listen_socket();
      } catch (const std::exception&) {
        usleep(10000);
      }
    }
    int lfd = listen_fd_;
    if (lfd < 0) {
      usleep(5000);
      continue;
    }
    pollfd p{lfd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    conns_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void SinkTestServer::serve(int fd) {
  switch (mode_) {
    case Mode::Http: serve_http(fd); break;
    case Mode::Smtp: serve_smtp(fd); break;
    case Mode::RawTcp: serve_raw(fd); break;
  }
}

void SinkTestServer::serve_http(int fd) {
  std::string buf;
  while (!stop_) {
    if (!read_until(fd, buf, "\r\n\r\n", stop_)) return;
    size_t hend = buf.find("\r\n\r\n");
    Request r;
    std::string head = buf.substr(0, hend);
    size_t pos = head.find("\r\n");
    r.line = head.substr(0, pos);
    while (pos != std::string::npos) {
      size_t next = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v[0] == ' ') v.erase(0, 1);
        r.headers[lower(line.substr(0, colon))] = v;
      }
      pos = next;
    }
    size_t len = r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    buf.erase(0, hend + 4);
    char tmp[4096];
    while (buf.size() < len && !stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      ssize_t n = ::read(fd, tmp, sizeof tmp);
      if (n <= 0) return;
      buf.append(tmp, static_cast<size_t>(n));
    }
    r.body = buf.substr(0, len);
    buf.erase(0, len);
    if (hang_) {
      while (!stop_ && hang_) usleep(10000);
      return;
    }
    int st = status_;
    r.status = st;
    record(r);
    std::string body;
    {
      std::lock_guard<std::mutex> l(mu_);
      body = body_;
    }
    write_all(fd, "HTTP/1.1 " + std::to_string(st) + " X\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body);
    return;
  }
}

void SinkTestServer::serve_smtp(int fd) {
  write_all(fd, "220 loopback ESMTP\r\n");
  Request r;
  std::string buf;
  while (!stop_) {
    if (!read_until(fd, buf, "\r\n", stop_)) return;
    size_t e = buf.find("\r\n");
    std::string line = buf.substr(0, e);
    buf.erase(0, e + 2);
    std::string cmd = lower(line.substr(0, 4));
    if (cmd == "ehlo" || cmd == "helo") write_all(fd, "250 loopback\r\n");
    else if (cmd == "mail") {
      r.headers["mail from"] = line.substr(10);
      write_all(fd, "250 ok\r\n");
    } else if (cmd == "rcpt") {
      if (status_ == 550) {
        write_all(fd, "550 no such user\r\n");
        continue;
      }
      r.headers["rcpt to"] += line.substr(8);
      write_all(fd, "250 ok\r\n");
    } else if (cmd == "data") {
      write_all(fd, "354 go ahead\r\n");
      if (!read_until(fd, buf, "\r\n.\r\n", stop_)) return;
      size_t end = buf.find("\r\n.\r\n");
      r.body = buf.substr(0, end + 2);
      buf.erase(0, end + 5);
      r.status = 250;
      record(r);
      r = Request{};
      write_all(fd, "250 queued\r\n");
    } else if (cmd == "quit") {
      write_all(fd, "221 bye\r\n");
      return;
    } else if (cmd == "rset" || cmd == "noop") write_all(fd, "250 ok\r\n");
    else write_all(fd, "502 not here\r\n");
  }
}

void SinkTestServer::serve_raw(int fd) {
  char tmp[4096];
  while (!stop_) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) return;
    std::lock_guard<std::mutex> l(mu_);
    if (requests_.empty()) requests_.emplace_back();
    requests_.back().body.append(tmp, static_cast<size_t>(n));
  }
}

void SinkTestServer::record(Request r) {
  std::lock_guard<std::mutex> l(mu_);
  requests_.push_back(std::move(r));
}

std::vector<SinkTestServer::Request> SinkTestServer::requests() const {
  std::lock_guard<std::mutex> l(mu_);
  return requests_;
}

std::vector<SinkTestServer::Request> SinkTestServer::accepted() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<Request> out;
  for (const auto& r : requests_)
    if ((r.status >= 200 && r.status < 300) || r.status == 250) out.push_back(r);
  return out;
}

std::size_t SinkTestServer::count() const {
  std::lock_guard<std::mutex> l(mu_);
  return requests_.size();
}

UdpReceiver::UdpReceiver() {
  fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

UdpReceiver::~UdpReceiver() { ::close(fd_); }

std::string UdpReceiver::receive(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return {};
  char buf[65536];
  ssize_t n = recv(fd_, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace rg::test
