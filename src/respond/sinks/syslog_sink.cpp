// syslog:udp://HOST:PORT and syslog:tcp://HOST:PORT: RFC 5424 messages, facility authpriv,
// severity from the finding, structured data [rootguard@32473 ...] with the alert key,
// account, rule, case and event; TCP frames each message with octet counting (RFC 6587
// 3.4.1) and keeps the connection for the next alert. UDP messages are cut at 2048 bytes.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/strings.h"
#include "core/time.h"
#include "respond/render.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {

std::string syslog_message(const Alert& a, const std::string& hostname, std::int64_t now_ms, int pid);

namespace {

int syslog_severity(Severity s) {
  switch (s) {
    case Severity::Critical: return 2;
    case Severity::High: return 3;
    case Severity::Medium: return 4;
    case Severity::Low: return 5;
    case Severity::Info: return 6;
  }
  return 4;
}

std::string sd_escape(std::string_view v) {
  std::string o;
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') o += '\\';
    o += c;
  }
  return o;
}

std::string header_token(std::string_view v) {
  std::string o;
  for (char c : v)
    if (c > 32 && c < 127) o += c;
  return o.empty() ? "-" : o;
}

class SyslogSink final : public Sink {
 public:
  SyslogSink(std::string spec, bool tcp, std::string host, std::string port, SinkOptions o)
      : spec_(std::move(spec)), tcp_(tcp), host_(std::move(host)), port_(std::move(port)), o_(std::move(o)) {}
  ~SyslogSink() override { close_fd(); }
  std::string name() const override { return "syslog:" + spec_; }

  Delivery deliver(const Alert& a) override {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    std::string msg = syslog_message(a, o_.hostname, now.count(), static_cast<int>(getpid()));
    if (!tcp_) msg = std::string(utf8_prefix(msg, 2048));
    if (fd_ < 0) {
      if (std::string err = connect_fd(); !err.empty()) return {Outcome::Retry, err};
    }
    std::string frame = tcp_ ? std::to_string(msg.size()) + " " + msg : msg;
    if (std::string err = send_all(frame); !err.empty()) {
      close_fd();
      return {Outcome::Retry, err};
    }
    return {Outcome::Accepted, ""};
  }

 private:
  std::string connect_fd() {
    addrinfo hints{};
    hints.ai_socktype = tcp_ ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo* res = nullptr;
    int g = getaddrinfo(host_.c_str(), port_.c_str(), &hints, &res);
    if (g != 0) return host_ + ": " + gai_strerror(g);
    std::string err = "cannot connect";
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
      int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
      if (fd < 0) continue;
      int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
      if (rc != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        rc = poll(&p, 1, static_cast<int>(o_.timeout_ms)) == 1 ? 0 : -1;
        int soerr = rc == 0 ? 0 : ETIMEDOUT;
        socklen_t len = sizeof soerr;
        if (rc == 0) getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        if (soerr != 0) {
          errno = soerr;
          rc = -1;
        }
      }
      if (rc == 0) {
        fd_ = fd;
        freeaddrinfo(res);
        return {};
      }
      err = host_ + ":" + port_ + ": " + std::strerror(errno);
      ::close(fd);
    }
    freeaddrinfo(res);
    return err;
  }
  std::string send_all(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        if (poll(&p, 1, static_cast<int>(o_.timeout_ms)) == 1) continue;
        return host_ + ":" + port_ + ": send timed out";
      }
      return host_ + ":" + port_ + ": " + std::strerror(errno);
    }
    return {};
  }
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::string spec_;
  bool tcp_;
  std::string host_, port_;
  SinkOptions o_;
  int fd_ = -1;
};

}  // namespace

std::string syslog_message(const Alert& a, const std::string& hostname, std::int64_t now_ms, int pid) {
  const Finding& f = a.finding;
  int pri = 10 * 8 + syslog_severity(f.severity);
  std::string ts = format_iso8601(now_ms);
  std::string m = "<" + std::to_string(pri) + ">1 " + ts + " " + header_token(hostname) + " rootguard " +
                  std::to_string(pid) + " " + header_token(f.id) + " [rootguard@32473";
  auto param = [&](const char* k, std::string_view v) {
    if (!v.empty()) m += std::string(" ") + k + "=\"" + sd_escape(v) + "\"";
  };
  param("key", a.key);
  param("rule", f.id);
  param("severity", to_string(f.severity));
  param("account", f.account);
  param("case", a.case_id > 0 ? std::to_string(a.case_id) : "");
  param("eventID", f.event.event_id);
  param("eventTime", f.event.event_time);
  param("sourceIP", f.event.source_ip);
  param("mfa", f.event.mfa);
  m += "] " + alert_line(a);
  return m;
}

Result<std::unique_ptr<Sink>> make_syslog_sink(const std::string& rest, const SinkOptions& o) {
  bool tcp;
  if (rest.rfind("udp://", 0) == 0) tcp = false;
  else if (rest.rfind("tcp://", 0) == 0) tcp = true;
  else return make_error(ErrorKind::Invalid, "syslog:" + rest, "syslog needs udp://HOST:PORT or tcp://HOST:PORT");
  std::string hp = rest.substr(6);
  if (!hp.empty() && hp.back() == '/') hp.pop_back();
  std::string host, port;
  if (!hp.empty() && hp[0] == '[') {  // [v6]:port
    size_t close = hp.find(']');
    if (close == std::string::npos) return make_error(ErrorKind::Invalid, "syslog:" + rest, "bad IPv6 address");
    host = hp.substr(1, close - 1);
    if (close + 1 < hp.size() && hp[close + 1] == ':') port = hp.substr(close + 2);
  } else {
    size_t colon = hp.rfind(':');
    host = hp.substr(0, colon);
    if (colon != std::string::npos) port = hp.substr(colon + 1);
  }
  if (port.empty()) port = "514";
  if (host.empty()) return make_error(ErrorKind::Invalid, "syslog:" + rest, "syslog needs a host");
  return std::unique_ptr<Sink>(std::make_unique<SyslogSink>(rest, tcp, host, port, o));
}

}  // namespace rg::respond
