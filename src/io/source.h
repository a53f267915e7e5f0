// io::Source: one input the scan engine reads (a file, stdin, or anything that can open a
// Reader: S3 objects and `watch` add their own kinds by supplying an opener).
//
// expand() turns the paths a user typed into Sources: files as given, directories walked
// recursively in sorted order (stable output), "-" for stdin. A path that cannot be walked
// (missing, symlink loop, unreadable directory) costs one error line in Diagnostics and the
// walk goes on. Files are opened lazily, by the worker that scans them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/diagnostics.h"
#include "core/result.h"
#include "io/env.h"
#include "io/trail_layout.h"

namespace rg::io {

struct Source {
  std::string name;             // how findings and errors name it: a path, "-", "s3://bucket/key"
  std::uint64_t size_hint = 0;  // bytes on disk if known (0 = unknown); big ones are scheduled first
  // Opens the raw bytes (compressed or not: the engine detects gzip by its magic bytes).
  // Called once, from a worker thread.
  std::function<Result<std::unique_ptr<Reader>>()> open;
};

// A Source for one file (no existence check: opening reports errors). Its size hint is
// `size` when the caller has it already (from a stat), else asked of the file system.
Source file_source(const std::filesystem::path& path, std::string name, Env& env,
                   std::optional<std::uint64_t> size = std::nullopt);
// A Source for standard input, named "-".
Source stdin_source(Env& env);

// Expands user paths (see above). Order: the paths in the order given; inside a directory,
// entries sorted by name (byte order), depth first. With `prune` (when it narrows anything),
// directories of a trail's key layout that it rules out (io/trail_layout.h) are not walked:
// a copy of a trail bucket is searched for a week as fast as the week alone. Paths given are
// walked whatever they are.
//
// Hidden entries (a name starting with '.') met in a walk are not read: CloudTrail never writes
// one, and what does (.DS_Store, .git, rsync's and editors' temporary files while they are
// written) is not a log. One note tells the first of them and how many there were, unless
// `quiet_hidden` (watch, which walks the same folder over and over). A hidden file or folder
// named as a path is read.
std::vector<Source> expand(const std::vector<std::string>& paths, Env& env, Diagnostics& diag,
                           const TrailFilter* prune = nullptr, bool quiet_hidden = false);

// Sources as they come, pulled by the scan engine a batch at a time, so that no list of every
// input need be held: a walk of a million files costs the memory of a batch, not of a million.
class SourceStream {
 public:
  virtual ~SourceStream() = default;
  // Moves up to `max` more sources to the end of `out`, waiting for them if they are still to
  // come; returns how many. Fewer than `max` means the stream has ended.
  virtual std::size_t next(std::vector<Source>& out, std::size_t max) = 0;
};

// Calls f(source) on each source of `s` as it comes, taken `batch` at a time (so that a
// long listing or walk is never held whole). f returns false to stop; so does this then.
template <class F>
bool for_each_source(SourceStream& s, F&& f, std::size_t batch = 1024) {
  std::vector<Source> taken;
  for (bool more = true; more;) {
    taken.clear();
    more = s.next(taken, batch) == batch;
    for (Source& src : taken)
      if (!f(src)) return false;
  }
  return true;
}

// Sources listed already (an S3 listing, the files a caller names).
class ListStream final : public SourceStream {
 public:
  explicit ListStream(std::vector<Source> sources) : sources_(std::move(sources)) {}
  std::size_t next(std::vector<Source>& out, std::size_t max) override;

 private:
  std::vector<Source> sources_;
  std::size_t at_ = 0;
};

// One stream after another.
class ChainStream final : public SourceStream {
 public:
  void add(std::unique_ptr<SourceStream> s) { parts_.push_back(std::move(s)); }
  std::size_t next(std::vector<Source>& out, std::size_t max) override;

 private:
  std::vector<std::unique_ptr<SourceStream>> parts_;
  std::size_t at_ = 0;
};

// Sources made on a thread of its own from construction on (a directory walk, an S3 listing:
// mostly waiting on system calls or the network, done while the rules load and the scan
// goes), handed out in the order they are made; at most `capacity` wait to be taken, so
// memory stays bounded however many there are. The lines the making reports are held until
// release() or the first next(), and from then on reach `diag` as they come: the lines of
// work done meanwhile (the rules') come first. Without a thread to be had, everything is made
// at construction. Destroying a stream not taken to its end stops the making (`emit` returns
// false) and waits for it.
class BackgroundStream : public SourceStream {
 public:
  using Emit = std::function<bool(Source&&)>;  // false: stop
  using Maker = std::function<void(Diagnostics& diag, const Emit& emit)>;
  // `name` names the making in the one line an exception out of it costs.
  BackgroundStream(std::string name, Maker make, Diagnostics& diag, std::size_t capacity = 4096);
  ~BackgroundStream() override;
  BackgroundStream(const BackgroundStream&) = delete;
  BackgroundStream& operator=(const BackgroundStream&) = delete;

  void release();
  std::size_t next(std::vector<Source>& out, std::size_t max) override;

 private:
  struct State;
  std::unique_ptr<State> st_;
  std::thread thread_;
};

// expand() as a BackgroundStream: the same sources in the same order, and the same lines.
class Walk final : public BackgroundStream {
 public:
  Walk(std::vector<std::string> paths, Env& env, Diagnostics& diag, const TrailFilter* prune = nullptr,
       std::size_t capacity = 4096, bool quiet_hidden = false);
};

}  // namespace rg::io
