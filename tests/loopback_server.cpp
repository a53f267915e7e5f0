#include "loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <strings.h>

namespace rg::test {

std::string HttpCapture::header(const std::string& name) const {
  for (const auto& [n, v] : headers)
    if (strcasecmp(n.c_str(), name.c_str()) == 0) return v;
  return {};
}

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  ::listen(fd_, 64);
  thread_ = std::thread([this] { loop(); });
}

LoopbackServer::~LoopbackServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
}

std::vector<HttpCapture> LoopbackServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

namespace {
bool read_request(int c, HttpCapture& cap) {
  std::string buf;
  char tmp[8192];
  size_t header_end = std::string::npos;
  while (header_end == std::string::npos) {
    pollfd p{c, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
    header_end = buf.find("\r\n\r\n");
  }
  std::string head = buf.substr(0, header_end);
  size_t pos = head.find("\r\n");
  std::string line = head.substr(0, pos);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  cap.method = line.substr(0, sp1);
  cap.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = cap.target.find('?');
  cap.path = cap.target.substr(0, q);
  cap.query = q == std::string::npos ? "" : cap.target.substr(q + 1);
  size_t content_length = 0;
  while (pos != std::string::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string l = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    pos = next;
    size_t colon = l.find(':');
    if (colon == std::string::npos) continue;
    std::string v = l.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    cap.headers.emplace_back(l.substr(0, colon), v);
    if (strcasecmp(l.substr(0, colon).c_str(), "content-length") == 0) content_length = std::stoul(v);
  }
  cap.body = buf.substr(header_end + 4);
  while (cap.body.size() < content_length) {
    pollfd p{c, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    cap.body.append(tmp, static_cast<size_t>(n));
  }
  return true;
}
}  // namespace

void LoopbackServer::loop() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int c = ::accept(fd_, nullptr, nullptr);
    if (c < 0) continue;
    HttpCapture cap;
    if (read_request(c, cap)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(cap);
      }
      HttpReply r = handler_(cap);
      if (!r.drop) {
        std::string out = "HTTP/1.1 " + std::to_string(r.status) + " X\r\nConnection: close\r\nContent-Length: " +
                          std::to_string(r.body.size()) + "\r\n";
        for (const auto& [n, v] : r.headers) out += n + ": " + v + "\r\n";
        out += "\r\n" + r.body;
        size_t off = 0;
        while (off < out.size()) {
          ssize_t n = ::send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
          if (n <= 0) break;
          off += static_cast<size_t>(n);
        }
      }
    }
    ::close(c);
  }
}

}  // namespace rg::test
