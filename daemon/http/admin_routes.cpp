// SPDX-License-Identifier: Apache-2.0
// The admin routes of the router (router.hpp): logging in and out, and the
// status page's approve / reject buttons. Who may use them, and how a
// forged request is told from a person's, is in admin_session.hpp.
#include <syndicd/common/sanitize.hpp>

#include <charconv>

#include "http/router.hpp"
#include "log/log.hpp"

namespace syndicd::http {

namespace bhttp = boost::beast::http;

namespace {

std::string_view header(const Request& request, bhttp::field field) {
  const auto value = request[field];
  return {value.data(), value.size()};
}

// Back to the page, which shows what happened (Post/Redirect/Get: a
// reload of the page does not post the form again).
Reply see_page(std::string set_cookie = {}) {
  Reply reply = text_reply(bhttp::status::see_other, "see /\n");
  reply.headers = {{"Location", "/"}, {"Cache-Control", "no-store"}};
  if (!set_cookie.empty()) reply.headers.emplace_back("Set-Cookie", std::move(set_cookie));
  return reply;
}

Reply refused(bhttp::status status, std::string why) {
  Reply reply = text_reply(status, std::move(why) + "\n");
  reply.headers = {{"Cache-Control", "no-store"}};
  return reply;
}

std::string login_page(std::string_view message) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>syndicd: log in</title>\n"
      "<style>body{font-family:sans-serif;margin:2em}</style>\n</head>\n<body>\n"
      "<h1>syndicd</h1>\n";
  if (!message.empty())
    out += "<p id=\"login-error\"><strong>" + common::escape_html(std::string(message)) +
           "</strong></p>\n";
  out +=
      "<p>Log in with the daemon's admin token (<code>daemon.http.admin_token</code>) to "
      "approve or reject the deliveries waiting for review.</p>\n"
      "<form method=\"post\" action=\"/admin/login\">\n"
      "<label>Admin token <input type=\"password\" name=\"token\" "
      "autocomplete=\"current-password\" "
      "required autofocus></label>\n<button type=\"submit\">Log in</button>\n</form>\n"
      "<p><a href=\"/\">Back to the status page</a></p>\n</body>\n</html>\n";
  return out;
}

// The first value of `name` in a form.
std::string field(const std::vector<std::pair<std::string, std::string>>& form,
                  std::string_view name) {
  for (const auto& [k, v] : form)
    if (k == name) return v;
  return {};
}

}  // namespace

bool Router::same_origin(const Request& request) const {
  std::string_view claimed = header(request, bhttp::field::origin);
  if (claimed.empty()) {
    // Older browsers leave Origin out of some POSTs; their Referer says the
    // same (the page's Referrer-Policy keeps it for our own pages). Neither:
    // not a browser's form, and the CSRF token still has to match.
    const std::string_view referer = header(request, bhttp::field::referer);
    if (referer.empty()) return true;
    return !origin_of(referer).empty() && same_origin_as(request, origin_of(referer));
  }
  return same_origin_as(request, origin_of(claimed));  // "null" has no origin: refused
}

bool Router::same_origin_as(const Request& request, const std::string& origin) const {
  if (origin.empty()) return false;
  if (!admin_.public_url.empty() && origin == origin_of(admin_.public_url)) return true;
  // Reached directly: the Host the browser asked for. A forged Host does
  // not help a forger: the browser sends the Host of the page it loaded.
  const std::string host = origin_of("http://" + std::string(header(request, bhttp::field::host)));
  if (host.empty()) return false;
  return origin == host || origin == "https://" + host.substr(7);
}

Reply Router::admin(const Request& request, std::string_view path, std::string_view form) const {
  if (!sessions_.enabled() || !status_.review)
    return refused(bhttp::status::not_found,
                   "not found (the admin pages need daemon.http.admin_token)");
  const auto method = request.method();
  const bool secure = admin_.public_url.starts_with("https://");
  const auto now = AdminSessions::Clock::now();
  if (path == "/admin/login" && (method == bhttp::verb::get || method == bhttp::verb::head))
    return html_reply(login_page(""));
  if (method != bhttp::verb::post) {
    Reply reply = refused(bhttp::status::method_not_allowed, "only POST");
    reply.headers.emplace_back("Allow", path == "/admin/login" ? "GET, HEAD, POST" : "POST");
    reply.close = true;
    return reply;
  }
  const auto fields = parse_form(form);

  // A script: the token itself on each request, never a cookie, so no
  // forged request can carry it and no CSRF token is needed.
  const std::string_view authorization = header(request, bhttp::field::authorization);
  if (!authorization.empty()) {
    constexpr std::string_view bearer = "Bearer ";
    if (!authorization.starts_with(bearer) ||
        !sessions_.token_matches(authorization.substr(bearer.size()))) {
      log::warning("http: admin request with a wrong token refused",
                   {{"target", std::string(path)}});
      return refused(bhttp::status::forbidden, "forbidden: wrong admin token");
    }
    if (path == "/admin/review/approve" || path == "/admin/review/reject")
      return review_action(path.ends_with("approve"), form, nullptr);
    return refused(bhttp::status::not_found, "not found");
  }

  if (!same_origin(request)) {
    log::warning("http: cross-site admin request refused",
                 {{"target", std::string(path)},
                  {"origin", std::string(header(request, bhttp::field::origin))}});
    return refused(bhttp::status::forbidden, "forbidden: the request comes from another site");
  }
  if (path == "/admin/login") {
    const AdminSessions::Session* session = nullptr;
    switch (sessions_.login(field(fields, "token"), now, &session)) {
      case AdminSessions::Login::ok:
        log::info("http: admin logged in");
        return see_page(AdminSessions::set_cookie(*session, secure));
      case AdminSessions::Login::wrong: {
        log::warning("http: admin login with a wrong token refused");
        Reply reply = html_reply(login_page("Wrong admin token."));
        reply.status = bhttp::status::forbidden;
        return reply;
      }
      case AdminSessions::Login::throttled: {
        Reply reply = html_reply(login_page("Too many wrong tokens: try again in a minute."));
        reply.status = bhttp::status::too_many_requests;
        reply.headers.emplace_back("Retry-After", "60");
        return reply;
      }
    }
  }
  AdminSessions::Session* session = sessions_.find(header(request, bhttp::field::cookie), now);
  if (session == nullptr)
    return refused(bhttp::status::forbidden, "forbidden: not logged in (or the session expired)");
  if (!constant_time_equal(field(fields, "csrf"), session->csrf)) {
    log::warning("http: admin request without its form's token refused",
                 {{"target", std::string(path)}});
    return refused(bhttp::status::forbidden, "forbidden: the form is stale; reload the page");
  }
  if (path == "/admin/logout") {
    sessions_.end(*session);
    return see_page(AdminSessions::clear_cookie(secure));
  }
  if (path == "/admin/review/approve" || path == "/admin/review/reject")
    return review_action(path.ends_with("approve"), form, session);
  return refused(bhttp::status::not_found, "not found");
}

Reply Router::review_action(bool approve, std::string_view form,
                            AdminSessions::Session* session) const {
  std::vector<int64_t> ids;
  for (const auto& [k, v] : parse_form(form)) {
    if (k != "id") continue;
    int64_t id = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
    if (ec != std::errc{} || end != v.data() + v.size() || id <= 0)
      return refused(bhttp::status::bad_request, "bad request: not a delivery id: " + v);
    ids.push_back(id);
  }
  if (ids.empty()) return refused(bhttp::status::bad_request, "bad request: no id");
  const std::string done = status_.review(approve, ids);
  log::info(approve ? "http: admin approved deliveries" : "http: admin rejected deliveries",
            {{"result", done}});
  if (session == nullptr) return text_reply(bhttp::status::ok, done);
  session->flash = done;
  return see_page();
}

}  // namespace syndicd::http
