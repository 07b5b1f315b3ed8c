// SPDX-License-Identifier: Apache-2.0
#include "http/admin_session.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace syndicd::http {

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  // volatile: the compiler may not stop at the first difference.
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = diff | static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::getrandom(raw.data() + done, bytes - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("no random bytes from the kernel");
    done += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = std::min(header.find(';'), header.size());
    const std::string_view pair = trim(header.substr(0, end));
    header.remove_prefix(std::min(end + 1, header.size()));
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::string origin_of(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "";
  const size_t host_end = url.find_first_of("/?#", scheme_end + 3);
  std::string out(url.substr(0, std::min(host_end, url.size())));
  if (out.size() == scheme_end + 3) return "";  // no host
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  for (unsigned char c : out)
    if (c <= ' ' || c >= 0x7f) return "";
  return out;
}

AdminSessions::AdminSessions(std::string token) : token_(std::move(token)) {}

void AdminSessions::set_token(std::string token) {
  if (constant_time_equal(token, token_)) return;
  token_ = std::move(token);
  sessions_.clear();
  failures_.clear();
}

bool AdminSessions::token_matches(std::string_view candidate) const {
  return enabled() && constant_time_equal(candidate, token_);
}

AdminSessions::Login AdminSessions::login(std::string_view candidate, Clock::time_point now,
                                          const Session** session) {
  std::erase_if(failures_, [&](Clock::time_point t) { return now - t >= kFailureWindow; });
  // Throttled before the comparison: a guesser learns nothing more.
  if (failures_.size() >= static_cast<size_t>(kMaxFailures)) return Login::throttled;
  if (!token_matches(candidate)) {
    failures_.push_back(now);
    return Login::wrong;
  }
  expire(now);
  while (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires < b.second.expires;
    });
    sessions_.erase(oldest);
  }
  Session s{random_hex(32), random_hex(32), now + kLifetime, {}};
  const std::string id = s.id;
  *session = &sessions_.emplace(id, std::move(s)).first->second;
  return Login::ok;
}

AdminSessions::Session* AdminSessions::find(std::string_view cookie_header, Clock::time_point now) {
  if (!enabled()) return nullptr;
  expire(now);
  const auto id = cookie_value(cookie_header, kCookie);
  if (!id) return nullptr;
  // A map lookup compares the id in time that depends on its content; the
  // final comparison does not, and 256 bits cannot be guessed by timing
  // their prefixes anyway.
  const auto it = sessions_.find(*id);
  if (it == sessions_.end() || !constant_time_equal(it->first, *id)) return nullptr;
  return &it->second;
}

void AdminSessions::end(const Session& session) {
  sessions_.erase(session.id);
}

void AdminSessions::expire(Clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.expires <= now; });
}

std::string AdminSessions::set_cookie(const Session& session, bool secure) {
  return std::string(kCookie) + "=" + session.id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(std::chrono::seconds(kLifetime).count()) + (secure ? "; Secure" : "");
}

std::string AdminSessions::clear_cookie(bool secure) {
  return std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
         (secure ? "; Secure" : "");
}

}  // namespace syndicd::http
