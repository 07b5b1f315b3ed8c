// SPDX-License-Identifier: Apache-2.0
#include "http/router.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <syndicd/common/feed_files.hpp>

#include <cerrno>
#include <cstring>

#include "http/conditional.hpp"
#include "http/content_coding.hpp"
#include "http/status_page.hpp"
#include "log/log.hpp"

namespace syndicd::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view kText = "text/plain; charset=utf-8";

Reply not_found(std::string message = "not found\n") {
  return text_reply(bhttp::status::not_found, std::move(message));
}

// Larger feeds go out as they are: compressing runs on the loop, and past
// a few MiB (far beyond max_items of articles) it would hold up every other
// client for too long, even once per version.
constexpr uint64_t kMaxCodedBytes = 4 * 1024 * 1024;

// The whole open file: `size` bytes from its start.
std::optional<std::string> read_all(int fd, uint64_t size) {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;  // an error, or the file shrank under us
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace

Reply html_reply(std::string body) {
  Reply reply = text_reply(bhttp::status::ok, std::move(body));
  reply.content_type = "text/html; charset=utf-8";
  // No script, no framing (clickjacking the buttons), forms only to us.
  reply.headers = {{"Cache-Control", "no-store"},
                   {"Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                    "frame-ancestors 'none'; base-uri 'none'"},
                   {"X-Frame-Options", "DENY"},
                   {"Referrer-Policy", "same-origin"}};
  return reply;
}

Reply text_reply(bhttp::status status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.content_type = kText;
  reply.body = std::move(body);
  return reply;
}

// Sink names are config names ([A-Za-z0-9._-], not starting with '.'); the
// same rule here means a URL can only ever name a configured feed.
bool valid_feed_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  // ASCII by hand: std::isalnum follows the locale.
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return false;
  return true;
}

Router::Router(StatusSource status, std::function<std::string()> own_metrics,
               uint64_t max_feed_bytes)
    : status_(std::move(status)),
      own_metrics_(std::move(own_metrics)),
      max_feed_bytes_(max_feed_bytes) {}

const std::string* Router::coded_body(const std::filesystem::path& file, std::string_view etag,
                                      std::string_view coding, int fd, uint64_t size) const {
  const std::string key = file.string() + '\n' + std::string(coding);
  if (const auto it = coded_.find(key); it != coded_.end() && it->second.identity_etag == etag)
    return &it->second.body;
  const auto plain = read_all(fd, size);
  if (!plain) return nullptr;
  try {
    CodedBody made{std::string(etag), coding == "br" ? brotli(*plain) : gzip(*plain)};
    // One entry per file and coding: a new version replaces the old one.
    auto& slot = coded_[key];
    slot = std::move(made);
    return &slot.body;
  } catch (const std::exception& e) {
    log::warning("http: cannot compress a feed; sending it as it is",
                 {{"file", file.string()}, {"coding", std::string(coding)}, {"error", e.what()}});
    return nullptr;
  }
}

void Router::set_feeds(std::vector<Feed> feeds) {
  std::map<std::string, std::filesystem::path, std::less<>> next;
  for (auto& feed : feeds) {
    if (!valid_feed_name(feed.name)) {
      log::warning("http: feed not served: its name cannot be a URL path segment",
                   {{"feed", feed.name}});
      continue;
    }
    if (!next.emplace(feed.name, std::move(feed.file)).second)
      log::warning("http: feed named twice; serving the first", {{"feed", feed.name}});
  }
  feeds_ = std::move(next);
  coded_.clear();
}

void Router::set_admin(const AdminOptions& admin) {
  admin_ = admin;
  sessions_.set_token(admin.token);
}

void Router::release() {
  status_ = {};
  own_metrics_ = {};
}

Reply Router::respond(const Request& request, std::string_view form) const {
  std::string_view target(request.target().data(), request.target().size());
  target = target.substr(0, target.find('?'));  // queries are ignored, not an error
  if (target.starts_with(kFormPathPrefix)) return admin(request, target, form);
  const auto method = request.method();
  if (method != bhttp::verb::get && method != bhttp::verb::head) {
    // A refused method may come with a body the parser has not read.
    Reply reply = text_reply(bhttp::status::method_not_allowed, "only GET and HEAD\n");
    reply.headers.emplace_back("Allow", "GET, HEAD");
    reply.close = true;
    return reply;
  }
  auto no_store = [](Reply reply) {
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
  };
  if (target == "/") return status_page(request);
  if (target == "/livez") return no_store(text_reply(bhttp::status::ok, "ok\n"));
  if (target == "/readyz") {
    const bool ready = !status_.ready || status_.ready();
    return no_store(text_reply(ready ? bhttp::status::ok : bhttp::status::service_unavailable,
                               ready ? "ready\n" : "not ready\n"));
  }
  if (target == "/healthz") {
    const Health health = current_health();
    Reply reply = no_store(text_reply(
        health.ok() ? bhttp::status::ok : bhttp::status::service_unavailable, health_json(health)));
    reply.content_type = "application/json";
    return reply;
  }
  if (target == "/metrics") {
    std::string body = status_.metrics_text ? status_.metrics_text() : "";
    if (!body.empty() && body.back() != '\n') body += '\n';
    if (own_metrics_) body += own_metrics_();
    Reply reply = no_store(text_reply(bhttp::status::ok, std::move(body)));
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return reply;
  }
  if (target == "/api/status") {
    if (!status_.status_json) return not_found();
    Reply reply = no_store(text_reply(bhttp::status::ok, status_.status_json()));
    reply.content_type = "application/json";
    return reply;
  }
  constexpr std::string_view prefix = common::kFeedsPath;
  if (target.starts_with(prefix))
    for (const auto& format : common::kFeedFormats) {
      const std::string_view suffix = format.url_suffix;
      if (target.size() <= prefix.size() + suffix.size() || !target.ends_with(suffix)) continue;
      // Never decoded: "%2e%2e" or "a%2Fb" contain '%' and are simply not names.
      const auto name = target.substr(prefix.size(), target.size() - prefix.size() - suffix.size());
      if (!valid_feed_name(name)) return not_found();
      return feed(request, name, format);
    }
  return not_found();
}

Health Router::current_health() const {
  if (status_.ready && !status_.ready())
    return Health{{{"daemon", "syndicd", "not ready: the engine is starting or stopping"}}};
  return status_.health ? status_.health() : Health{};
}

Reply Router::status_page(const Request& request) const {
  std::vector<FeedRow> rows;
  for (const auto& [name, file] : feeds_) {
    FeedRow row;
    row.name = name;
    // stat() of a few local files on the loop: cheap, and this page is
    // for a person, not a scraper.
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      row.size = static_cast<uint64_t>(st.st_size);
      row.modified = st.st_mtim.tv_sec;
    }
    rows.push_back(std::move(row));
  }
  AdminControls controls;
  if (sessions_.enabled() && status_.review) {
    const auto cookie = request[bhttp::field::cookie];
    if (auto* session = sessions_.find(std::string_view(cookie.data(), cookie.size()),
                                       AdminSessions::Clock::now())) {
      controls.mode = AdminControls::Mode::session;
      controls.csrf = session->csrf;
      controls.flash = std::exchange(session->flash, {});
    } else {
      controls.mode = AdminControls::Mode::login;
    }
  }
  return html_reply(http::status_page(rows, current_health(), status_.operator_view, controls));
}

Reply Router::feed(const Request& request, std::string_view name,
                   const common::FeedFormat& format) const {
  const auto it = feeds_.find(name);
  if (it == feeds_.end()) return not_found("no feed named " + std::string(name) + "\n");
  const std::filesystem::path file = common::feed_file(it->second, format);
  // Blocking open/fstat on the loop, on purpose: the feed is a small local
  // file the daemon wrote itself, normally in the page cache, and file_body
  // reads it 4 KiB at a time while sending, so no response holds a whole
  // file in memory. O_NONBLOCK: a FIFO at the path must not hang the loop
  // in open().
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR)
      return not_found("feed " + std::string(name) + " has not been written yet (no " +
                       std::string(name) + std::string(format.url_suffix) + ": is " +
                       std::string(format.name) + " in the sink's formats?)\n");
    log::warning(
        "http: cannot open a feed file",
        {{"feed", std::string(name)}, {"file", file.string()}, {"error", std::strerror(error)}});
    return text_reply(bhttp::status::internal_server_error,
                      "feed " + std::string(name) + " cannot be read\n");
  }
  // Opened before stat'ed: the validators describe exactly the bytes sent,
  // even when the sink renames a new version over the path meanwhile.
  boost::beast::file body_file;
  body_file.native_handle(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return not_found("feed " + std::string(name) + " is not a file\n");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_feed_bytes_) {
    log::warning("http: feed file too large to serve",
                 {{"feed", std::string(name)},
                  {"file", file.string()},
                  {"bytes", std::to_string(size)},
                  {"limit", std::to_string(max_feed_bytes_)}});
    return text_reply(bhttp::status::internal_server_error,
                      "feed " + std::string(name) + " is too large\n");
  }
  const int64_t mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                           static_cast<int64_t>(st.st_mtim.tv_nsec);
  const std::string identity_etag = entity_tag(size, mtime_ns, static_cast<uint64_t>(st.st_ino));
  // A compressed body when the client takes one: its own strong tag, as its
  // bytes differ, and Vary so caches keep the codings apart.
  const auto accept = request[bhttp::field::accept_encoding];
  const std::string_view coding =
      size <= kMaxCodedBytes ? choose_coding(std::string_view(accept.data(), accept.size())) : "";
  const std::string* coded =
      coding.empty() ? nullptr : coded_body(file, identity_etag, coding, fd, size);
  const std::string etag = coded ? coded_entity_tag(identity_etag, coding) : identity_etag;

  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
  bool not_modified = false;
  bool has_none_match = false;
  for (auto [i, end] = request.equal_range(bhttp::field::if_none_match); i != end; ++i) {
    has_none_match = true;
    const auto value = i->value();
    if (none_match(std::string_view(value.data(), value.size()), etag)) not_modified = true;
  }
  if (!has_none_match) {
    const auto since = request[bhttp::field::if_modified_since];
    if (!since.empty())
      if (auto time = parse_http_date(std::string_view(since.data(), since.size())))
        not_modified = not_modified_since(st.st_mtim.tv_sec, *time);
  }

  Reply reply;
  reply.headers = {{"ETag", etag},
                   {"Last-Modified", http_date(st.st_mtim.tv_sec)},
                   // Caches may keep it but must ask again; the ETag makes asking cheap.
                   {"Cache-Control", "no-cache"},
                   {"Vary", "Accept-Encoding"}};
  if (not_modified) {
    reply.status = bhttp::status::not_modified;
    reply.empty = true;
    return reply;
  }
  reply.content_type = format.content_type;
  if (coded) {
    reply.headers.emplace_back("Content-Encoding", std::string(coding));
    reply.body = *coded;
    return reply;
  }
  reply.file = std::move(body_file);
  reply.file_size = size;
  return reply;
}

}  // namespace syndicd::http
