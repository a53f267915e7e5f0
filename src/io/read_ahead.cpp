#include "io/read_ahead.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <system_error>

namespace rg::io {

ReadAhead::ReadAhead(Reader& src, std::string name, std::size_t chunk, std::size_t depth)
    : src_(src), name_(std::move(name)), chunk_(std::max<std::size_t>(chunk, 1)), chunks_(std::max<std::size_t>(depth, 2)) {
  for (Chunk& c : chunks_) {
    c.data.reset(new char[chunk_]);
    free_.push_back(&c);
  }
  try {
    thread_ = std::thread([this] { fill(); });
  } catch (const std::system_error&) {
    direct_ = true;  // no thread to be had: read in turn, as without a ReadAhead
  }
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReadAhead::fill() {
  for (;;) {
    Chunk* c = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !free_.empty(); });
      if (stop_) return;
      c = free_.front();
      free_.pop_front();
    }
    c->size = 0;
    bool end = false;
    std::optional<Error> err;
    while (c->size < chunk_) {
      Result<std::size_t> r = std::size_t{0};
      try {
        r = src_.read(c->data.get() + c->size, chunk_ - c->size);
      } catch (const std::exception& e) {  // a thread must not throw: it becomes the stream's error
        r = make_error(ErrorKind::Io, name_, std::string("read failed: ") + e.what());
      }
      if (!r) {
        err = r.error();
        end = true;
        break;
      }
      if (*r == 0) {
        end = true;
        break;
      }
      c->size += *r;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (c->size > 0) full_.push_back(c);
      else free_.push_back(c);
      if (end) {
        ended_ = true;
        error_ = std::move(err);
      }
    }
    cv_.notify_all();
    if (end) return;
  }
}

Result<std::size_t> ReadAhead::read(char* buf, std::size_t n) {
  if (direct_) return src_.read(buf, n);
  if (n == 0) return std::size_t{0};
  for (;;) {
    if (cur_ && pos_ < cur_->size) {
      const std::size_t k = std::min(n, cur_->size - pos_);
      std::memcpy(buf, cur_->data.get() + pos_, k);
      pos_ += k;
      return k;
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (cur_) {  // drained: back to the thread
      free_.push_back(cur_);
      cur_ = nullptr;
      cv_.notify_all();
    }
    cv_.wait(lock, [&] { return !full_.empty() || ended_; });
    if (!full_.empty()) {
      cur_ = full_.front();
      full_.pop_front();
      pos_ = 0;
      continue;
    }
    if (error_) {  // once, after every byte before it; then the stream has ended
      Error e = std::move(*error_);
      error_.reset();
      return e;
    }
    return std::size_t{0};
  }
}

}  // namespace rg::io
