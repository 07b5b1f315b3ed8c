// SPDX-License-Identifier: Apache-2.0
// One atomic file write for every plugin (there were two copies, one using
// strerror() from worker threads).
#include "syndicd/common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace syndicd::common {
namespace {

// strerror() is not thread-safe and this runs on the hosts' worker pools.
std::string errno_text(int err) {
  char buf[256];
  return ::strerror_r(err, buf, sizeof buf);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view data,
                           std::string_view kind) {
  const auto fail = [&](const std::string& step, int err) {
    std::string what = "cannot write ";
    if (!kind.empty()) what.append(kind).append(" ");
    throw FileWriteError(what + path.string() + ": " + step + ": " + errno_text(err));
  };
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("creating directory " + dir.string(), ec.value());

  std::string tmp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  Fd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (fd.get() < 0) fail("creating " + tmp, errno);
  // From here on a failure must not leave the temp file behind.
  struct Cleanup {
    const std::string& name;
    bool armed = true;
    ~Cleanup() {
      if (armed) ::unlink(name.c_str());
    }
  } cleanup{tmp};

  for (size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("writing " + tmp, errno);
    }
    done += static_cast<size_t>(n);
  }
  // mkstemp makes 0600; web servers and reviewers' tools run as other users.
  if (::fchmod(fd.get(), 0644) != 0) fail("chmod " + tmp, errno);
  if (::fsync(fd.get()) != 0) fail("fsync " + tmp, errno);
  if (::close(fd.release()) != 0) fail("closing " + tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("renaming " + tmp, errno);
  cleanup.armed = false;

  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0) fail("opening directory " + dir.string(), errno);
  // Some file systems cannot fsync a directory (EINVAL); the rename is then
  // as durable as they make it.
  if (::fsync(dfd.get()) != 0 && errno != EINVAL) fail("fsync " + dir.string(), errno);
}

}  // namespace syndicd::common
