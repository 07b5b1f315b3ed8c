// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/url.hpp"

#include <algorithm>
#include <optional>

namespace syndicd::common {
namespace {

struct Parts {
  std::string_view scheme;  // empty: none
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return is_lower(c) || (c >= 'A' && c <= 'Z');
}

size_t scheme_length(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return i;
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

// Whether remove_dot_segments() leaves `path` as it is: no "." or ".."
// segment anywhere.
bool without_dot_segments(std::string_view path) {
  for (size_t i = path.find('.'); i != std::string_view::npos; i = path.find('.', i + 1)) {
    if (i != 0 && path[i - 1] != '/') continue;
    size_t end = i + 1;
    if (end < path.size() && path[end] == '.') ++end;
    if (end == path.size() || path[end] == '/') return false;
  }
  return true;
}

Parts split(std::string_view s) {
  Parts p;
  if (const size_t h = s.find('#'); h != std::string_view::npos) {
    p.fragment = s.substr(h + 1);
    s = s.substr(0, h);
  }
  if (const size_t q = s.find('?'); q != std::string_view::npos) {
    p.query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  if (const size_t sl = scheme_length(s); sl > 0) {
    p.scheme = s.substr(0, sl);
    s = s.substr(sl + 1);
  }
  if (s.size() >= 2 && s[0] == '/' && s[1] == '/') {
    s.remove_prefix(2);
    const size_t slash = s.find('/');
    p.authority = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash);
  }
  p.path = s;
  return p;
}

// RFC 3986 §5.2.4.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      if (in == "/..")
        in = "/";
      else
        in.remove_prefix(3);
      const size_t last = out.rfind('/');
      out.erase(last == std::string::npos ? 0 : last);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t start = in[0] == '/' ? 1 : 0;
      const size_t next = in.find('/', start);
      const size_t len = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, len));
      in.remove_prefix(len);
    }
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string compose(std::string_view scheme, const std::optional<std::string_view>& authority,
                    std::string_view path, const std::optional<std::string_view>& query,
                    const std::optional<std::string_view>& fragment) {
  std::string out;
  if (!scheme.empty()) {
    out += lower(scheme);
    out += ':';
  }
  if (authority) {
    out += "//";
    out += *authority;
  }
  out += path;
  if (query) {
    out += '?';
    out += *query;
  }
  if (fragment) {
    out += '#';
    out += *fragment;
  }
  return out;
}

}  // namespace

std::string resolve_url(std::string_view base_in, std::string_view ref_in) {
  const std::string_view ref_s = trim(ref_in);
  const std::string_view base_s = trim(base_in);
  const Parts r = split(ref_s);
  if (!r.scheme.empty()) {
    // Nearly every link in a feed is already absolute and normal: composing
    // it again would give back the same text.
    if (std::all_of(r.scheme.begin(), r.scheme.end(),
                    [](char c) { return !is_alpha(c) || is_lower(c); }) &&
        without_dot_segments(r.path))
      return std::string(ref_s);
    return compose(r.scheme, r.authority, remove_dot_segments(r.path), r.query, r.fragment);
  }
  if (base_s.empty()) return std::string(ref_s);
  const Parts b = split(base_s);
  if (r.authority)
    return compose(b.scheme, r.authority, remove_dot_segments(r.path), r.query, r.fragment);
  if (r.path.empty()) {
    return compose(b.scheme, b.authority, b.path, r.query ? r.query : b.query, r.fragment);
  }
  std::string path;
  if (r.path[0] == '/') {
    path = remove_dot_segments(r.path);
  } else {
    std::string merged;
    if (b.authority && b.path.empty()) {
      merged = "/";
      merged += r.path;
    } else {
      const size_t last = b.path.rfind('/');
      if (last != std::string_view::npos) merged.append(b.path.substr(0, last + 1));
      merged += r.path;
    }
    path = remove_dot_segments(merged);
  }
  return compose(b.scheme, b.authority, path, r.query, r.fragment);
}

std::string url_scheme(std::string_view url) {
  url = trim(url);
  const size_t sl = scheme_length(url);
  return sl ? lower(url.substr(0, sl)) : std::string{};
}

std::string url_host(std::string_view url) {
  const Parts p = split(trim(url));
  if (!p.authority) return {};
  std::string_view a = *p.authority;
  if (const size_t at = a.rfind('@'); at != std::string_view::npos) a.remove_prefix(at + 1);
  if (!a.empty() && a[0] == '[') {
    const size_t close = a.find(']');
    return lower(close == std::string_view::npos ? a : a.substr(0, close + 1));
  }
  if (const size_t colon = a.find(':'); colon != std::string_view::npos) a = a.substr(0, colon);
  return lower(a);
}

bool is_http_url(std::string_view url) {
  const std::string scheme = url_scheme(url);
  return (scheme == "http" || scheme == "https") && !url_host(url).empty();
}

}  // namespace syndicd::common
