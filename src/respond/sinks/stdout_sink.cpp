// stdout: one human line per alert (render.h), flushed at once.
#include <cerrno>
#include <cstring>

#include "respond/render.h"
#include "respond/sinks/kinds.h"

namespace rg::respond {
namespace {

class StdoutSink final : public Sink {
 public:
  explicit StdoutSink(std::FILE* out) : out_(out ? out : stdout) {}
  std::string name() const override { return "stdout"; }
  Delivery deliver(const Alert& a) override {
    std::string line = alert_line(a) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() || std::fflush(out_) != 0)
      return {Outcome::Retry, std::strerror(errno)};
    return {Outcome::Accepted, ""};
  }

 private:
  std::FILE* out_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_stdout_sink(const std::string&, const SinkOptions& o) {
  return std::unique_ptr<Sink>(std::make_unique<StdoutSink>(o.out));
}

}  // namespace rg::respond
