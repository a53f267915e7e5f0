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

// expand() on a thread of its own while this one runs `meanwhile` (scan loads its rules):
// walking a tree of files is mostly waiting on system calls, and neither needs the other.
// The walk's lines reach `diag` after `meanwhile` returns, in their order, where a plain
// expand() called after `meanwhile` would have put them. Without a thread to be had, the
// same as `meanwhile` then expand().
std::vector<Source> expand_beside(const std::vector<std::string>& paths, Env& env, Diagnostics& diag,
                                  const std::function<void()>& meanwhile, const TrailFilter* prune = nullptr);

}  // namespace rg::io
