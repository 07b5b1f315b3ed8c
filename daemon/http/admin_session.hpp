// SPDX-License-Identifier: Apache-2.0
// Who may press the status page's buttons (approve, reject): a person who
// proved they hold `daemon.http.admin_token`, either on each request
// (`Authorization: Bearer <token>`, for scripts) or once, on /admin/login,
// which opens a session kept in a cookie (for a browser).
//
// A cookie is sent by the browser whatever page asks, so a session alone
// never suffices for a change (cross-site request forgery): every form
// carries the session's own CSRF token, and a request whose Origin (or,
// without one, Referer) names another site is refused. The cookie is
// HttpOnly and SameSite=Strict as well. Tokens are compared in constant
// time; sessions live in memory (a restart logs everyone out) and expire;
// failed logins are throttled. Nothing here ever logs a token.
#pragma once

#include <syndicd/common/form.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace syndicd::http {

/// `a == b`, in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

/// `bytes` random bytes from the kernel (getrandom), as lowercase hex.
/// Throws std::runtime_error when the kernel has none to give.
std::string random_hex(size_t bytes);

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), if sent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

/// A posted form's fields (common/form.hpp).
using common::parse_form;

/// The origin ("scheme://host[:port]", lowercase) of an absolute URL;
/// empty when it is none ("null", a path, garbage).
std::string origin_of(std::string_view url);

class AdminSessions {
 public:
  using Clock = std::chrono::steady_clock;

  struct Session {
    std::string id;    ///< the cookie's value
    std::string csrf;  ///< what each form must carry back
    Clock::time_point expires;
    /// One line the next page shows ("Approved 12."), then forgets.
    std::string flash;
  };

  /// Lifetime of a session, and how many may be open (the oldest goes).
  static constexpr std::chrono::hours kLifetime{12};
  static constexpr size_t kMaxSessions = 64;
  /// Failed logins allowed in a window before logins are refused for it.
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::seconds kFailureWindow{60};

  /// `token` empty: nobody is an admin (no buttons, no logins).
  explicit AdminSessions(std::string token = {});

  /// Replace the token (reload); a changed token ends every session.
  void set_token(std::string token);
  bool enabled() const { return !token_.empty(); }

  /// Whether `candidate` is the token.
  bool token_matches(std::string_view candidate) const;

  enum class Login { ok, wrong, throttled };
  /// A login attempt: on `ok`, `session` is set to the new session.
  Login login(std::string_view candidate, Clock::time_point now, const Session** session);

  /// The live session the Cookie header names, if any.
  Session* find(std::string_view cookie_header, Clock::time_point now);
  void end(const Session& session);

  /// The cookie's name, and Set-Cookie values opening and ending a session
  /// (`secure`: the page is reached over https, through a proxy).
  static constexpr std::string_view kCookie = "syndicd_admin";
  static std::string set_cookie(const Session& session, bool secure);
  static std::string clear_cookie(bool secure);

 private:
  void expire(Clock::time_point now);

  std::string token_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::vector<Clock::time_point> failures_;
};

}  // namespace syndicd::http
