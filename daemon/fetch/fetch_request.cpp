// SPDX-License-Identifier: Apache-2.0
// One request's own side of the fetcher: the URL check that finds its host
// key, the curl easy handle set up for it (options, headers, conditional
// validators; handles pooled for reuse), and the curl callbacks that run
// per transfer: body and header collection with their caps, and the refusal
// of private addresses at connect time and on reused connections.
#include "fetch/fetcher_impl.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "fetch/address.hpp"

namespace syndicd::fetch {

namespace {

bool forbidden_ip_string(const char* ip) {
  if (ip == nullptr || *ip == '\0') return false;
  sockaddr_in v4{};
  if (inet_pton(AF_INET, ip, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return is_forbidden_address(reinterpret_cast<sockaddr*>(&v4), sizeof v4);
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, ip, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return is_forbidden_address(reinterpret_cast<sockaddr*>(&v6), sizeof v6);
  }
  return false;
}

}  // namespace

// Checks the scheme and finds the host key (the host name) without a
// full parse: curl parses the URL once, when the transfer starts, and a
// URL it finds malformed then fails with Error::bad_url.
Error Fetcher::Impl::prepare(Transfer& t, std::string& why) {
  const std::string_view url = trim(t.req.url);
  std::string& out = t.curl_url;
  out.reserve(url.size() + 8);
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      why = "bad URL: control character";
      return Error::bad_url;
    }
    if (c == ' ') {
      out += "%20";
    } else {
      out += c;
    }
  }
  const std::size_t colon = out.find(':');
  auto scheme_char = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
  };
  bool scheme_ok = colon != std::string::npos && colon > 0;
  for (std::size_t i = 0; scheme_ok && i < colon; ++i) scheme_ok = scheme_char(out[i], i == 0);
  if (!scheme_ok) {
    why = "bad URL: no scheme";
    return Error::bad_url;
  }
  const std::string scheme = lower_ascii(std::string_view(out).substr(0, colon));
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    why = "scheme \"" + scheme + "\" is not allowed (http and https only)";
    return Error::forbidden_scheme;
  }
  if (out.compare(colon, 3, "://") != 0) {
    why = "bad URL: expected \"" + scheme + "://\"";
    return Error::bad_url;
  }
  const std::size_t start = colon + 3;
  const std::size_t end = std::min(out.find_first_of("/?#", start), out.size());
  std::string_view authority = std::string_view(out).substr(start, end - start);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      why = "bad URL: unterminated IPv6 address";
      return Error::bad_url;
    }
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        why = "bad URL: junk after IPv6 address";
        return Error::bad_url;
      }
      port = authority.substr(close + 2);
    }
  } else if (const std::size_t pc = authority.rfind(':'); pc != std::string_view::npos) {
    host = authority.substr(0, pc);
    port = authority.substr(pc + 1);
  }
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    why = "bad URL: bad port";
    return Error::bad_url;
  }
  if (scheme == "file") {
    t.file = true;
    t.host_key = "file://";
    if (!t.settings->allow_file) {
      why = "file:// URLs are not allowed for this source";
      return Error::forbidden_scheme;
    }
    return Error::none;
  }
  if (host.empty()) {
    why = "bad URL: no host";
    return Error::bad_url;
  }
  if (!port.empty()) {
    if (const unsigned long n = std::stoul(std::string(port)); n == 0 || n > 65535) {
      why = "bad URL: bad port";
      return Error::bad_url;
    }
  }
  // Politeness is per host name, not per origin: http:// and https://, or
  // two ports, of one host are one server to be polite to. (curl still
  // reuses connections per origin.)
  t.host_key = lower_ascii(host);
  return Error::none;
}

// Easy handles are reused (curl_easy_reset() keeps their buffers), which
// spares an allocation of curl's per-handle state for every fetch.
void Fetcher::Impl::recycle(CURL* e) {
  if (easy_pool_.size() < std::max<std::size_t>(settings_->max_connections, 8)) {
    easy_pool_.push_back(e);
  } else {
    curl_easy_cleanup(e);
  }
}

CURL* Fetcher::Impl::make_easy(Transfer& t) {
  CURL* e = nullptr;
  if (!easy_pool_.empty()) {
    e = easy_pool_.back();
    easy_pool_.pop_back();
    curl_easy_reset(e);
  } else {
    e = curl_easy_init();
  }
  if (e == nullptr) return nullptr;
  const Settings& s = *t.settings;
  curl_easy_setopt(e, CURLOPT_URL, t.curl_url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, t.file ? "file" : "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, t.file ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(s.max_redirects));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl decodes
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(e, CURLOPT_USERAGENT, s.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_PROXY, s.proxy.c_str());
  const milliseconds timeout = t.req.timeout.value_or(s.timeout);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.connect_timeout.count()));
  if (s.low_speed_limit > 0 && s.low_speed_time.count() > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, s.low_speed_limit);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(s.low_speed_time.count()));
  }
  // Early refusal when Content-Length already says too much; the write
  // callback enforces the cap on decompressed bytes in every case.
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.max_body));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  // Connections outlive transfers: the close callback gets the Impl.
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close);
  curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &Impl::on_prereq);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);

  const std::string& m = t.req.method;
  if (m == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (!m.empty() && m != "GET") {
    if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (m == "POST" || m == "PUT" || m == "PATCH" || !t.req.body.empty()) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.req.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.req.body.data());
    }
  } else if (!t.req.body.empty()) {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.req.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.req.body.data());
  }

  auto has_header = [&t](std::string_view name) {
    return std::any_of(t.req.headers.begin(), t.req.headers.end(),
                       [&](const auto& h) { return lower_ascii(h.first) == name; });
  };
  auto add = [&t](const std::string& line) {
    curl_slist* next = curl_slist_append(t.header_list, line.c_str());
    if (next) t.header_list = next;
  };
  for (const auto& [name, value] : t.req.headers) {
    add(value.empty() ? name + ";" : name + ": " + value);
  }
  const bool sends_body = (m == "POST" || m == "PUT" || m == "PATCH" || !t.req.body.empty());
  if (sends_body && !has_header("expect")) add("Expect:");  // no 100-continue round trip
  if ((t.req.flags & kConditional) != 0 && !t.file) {
    if (std::optional<Validators> v = validators_for(t.req).get(t.req.url)) {
      if (!v->etag.empty() && !has_header("if-none-match")) {
        add("If-None-Match: " + v->etag);
        t.sent_conditional = true;
      }
      if (!v->last_modified.empty() && !has_header("if-modified-since")) {
        add("If-Modified-Since: " + v->last_modified);
        t.sent_conditional = true;
      }
    }
  }
  if (t.header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
  return e;
}

size_t Fetcher::Impl::on_write(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  Impl& self = *t->impl;
  self.buffered_ += n;
  self.stats_.peak_buffered = std::max(self.stats_.peak_buffered, self.buffered_);
  return n;
}

size_t Fetcher::Impl::on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->headers_too_large = true;
    return 0;
  }
  std::string_view line(data, n);
  if (line.substr(0, 5) == "HTTP/") {
    t->headers.clear();  // a new answer (after a redirect or a 1xx)
    return n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  t->headers.emplace_back(lower_ascii(trim(line.substr(0, colon))),
                          std::string(trim(line.substr(colon + 1))));
  return n;
}

curl_socket_t Fetcher::Impl::on_open(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
  const Settings& s = *t->settings;
  if (!s.allow_private && s.proxy.empty() &&
      is_forbidden_address(&address->addr, address->addrlen)) {
    t->forbidden = true;
    t->forbidden_ip = address_to_string(&address->addr, address->addrlen);
    return CURL_SOCKET_BAD;
  }
  const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  // A number curl reuses may still carry state from an internal descriptor
  // that curl closed without telling us: start afresh.
  t->impl->forget_socket(fd);
  t->impl->watch(fd, true);
  return fd;
}

int Fetcher::Impl::on_close(void* user, curl_socket_t fd) {
  static_cast<Impl*>(user)->forget_socket(fd);
  return ::close(fd);
}

// Runs for new and reused connections alike, before the request is sent.
int Fetcher::Impl::on_prereq(void* user, char* primary_ip, char*, int, int) {
  auto* t = static_cast<Transfer*>(user);
  const Settings& s = *t->settings;
  if (!s.allow_private && s.proxy.empty() && !t->file && forbidden_ip_string(primary_ip)) {
    t->forbidden = true;
    t->forbidden_ip = primary_ip;
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

}  // namespace syndicd::fetch
