// SPDX-License-Identifier: Apache-2.0
#include "syndicd/html_extract/links.hpp"

#include <algorithm>

#include "syndicd/common/url.hpp"
#include "syndicd/html_extract/dom.hpp"

namespace syndicd::html {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool tracking_param(std::string_view name) {
  const std::string n = lower(name);
  if (n.rfind("utm_", 0) == 0) return true;
  static constexpr std::string_view kNames[] = {"fbclid", "gclid",  "dclid",  "msclkid",
                                                "yclid",  "mc_cid", "mc_eid", "_ga",
                                                "igshid", "zarsrc", "gidzl"};
  return std::find(std::begin(kNames), std::end(kNames), n) != std::end(kNames);
}

// The URL the link element points at: its own href, a link inside it (the
// selector matched a heading), or the link around it.
std::optional<std::string> href_of(const xmlNode* n) {
  if (!is_element(n)) {
    if (n != nullptr && n->type == XML_ATTRIBUTE_NODE) return raw_text(n);
    if (n != nullptr && n->type == XML_TEXT_NODE) return raw_text(n);
    return std::nullopt;
  }
  if (has_attr(n, "href")) return attr(n, "href");
  for (const xmlNode* d = n->children; d != nullptr; d = next_in_order(d, n))
    if (is_tag(d, "a") && has_attr(d, "href")) return attr(d, "href");
  for (const xmlNode* p = parent_element(n); p != nullptr; p = parent_element(p))
    if (is_tag(p, "a") && has_attr(p, "href")) return attr(p, "href");
  return std::nullopt;
}

bool followable(std::string_view ref) {
  const std::string r = lower(collapse_ascii_space(ref));
  return !r.empty() && r[0] != '#' && r.rfind("javascript:", 0) != 0 &&
         r.rfind("mailto:", 0) != 0 && r.rfind("tel:", 0) != 0 && r.rfind("data:", 0) != 0;
}

}  // namespace

std::string canonical_url(std::string_view url) {
  std::string u(url);
  if (const size_t hash = u.find('#'); hash != std::string::npos) u.erase(hash);
  // Lower-case scheme and host (they are case-insensitive; paths are not).
  if (const size_t colon = u.find("://"); colon != std::string::npos) {
    const size_t host_end = std::min(u.find_first_of("/?", colon + 3), u.size());
    for (size_t i = 0; i < host_end; ++i)
      if (u[i] >= 'A' && u[i] <= 'Z') u[i] = static_cast<char>(u[i] - 'A' + 'a');
  }
  const size_t q = u.find('?');
  if (q == std::string::npos) return u;
  std::string kept;
  size_t i = q + 1;
  while (i <= u.size()) {
    size_t amp = u.find('&', i);
    if (amp == std::string::npos) amp = u.size();
    const std::string_view param = std::string_view(u).substr(i, amp - i);
    const std::string_view name = param.substr(0, param.find('='));
    if (!param.empty() && !tracking_param(name)) {
      kept += kept.empty() ? "?" : "&";
      kept += param;
    }
    i = amp + 1;
  }
  return u.substr(0, q) + kept;
}

bool LinkPolicy::allows(std::string_view url) const {
  const std::string scheme = common::url_scheme(url);
  if (scheme == "file") return common::url_scheme(list_url) == "file";
  if (scheme != "http" && scheme != "https") return false;
  const std::string host = common::url_host(url);
  if (host.empty()) return false;
  if (host == common::url_host(list_url)) return true;
  return std::find(allow_hosts.begin(), allow_hosts.end(), host) != allow_hosts.end();
}

ListPage read_list_page(std::string_view html, const std::string& url, const Selector& links,
                        const Selector* next) {
  const Document doc = Document::parse(html, url);
  charge_tree(doc.root());  // the page's size in nodes and depth, against its budget
  ListPage page;
  const Selection sel = links.select(doc.root());
  page.matched = sel.nodes.size() + (sel.value ? 1 : 0);
  auto add = [&](const std::string& ref) {
    if (!followable(ref)) return;
    page.links.push_back(canonical_url(doc.resolve(collapse_ascii_space(ref))));
  };
  for (const xmlNode* n : sel.nodes)
    if (auto ref = href_of(n)) add(*ref);
  if (sel.value) add(*sel.value);
  if (next != nullptr) {
    const Selection ns = next->select(doc.root());
    std::optional<std::string> ref;
    for (const xmlNode* n : ns.nodes)
      if ((ref = href_of(n)) && followable(*ref)) break;
    if (!ref && ns.value) ref = ns.value;
    if (ref && followable(*ref)) page.next = canonical_url(doc.resolve(collapse_ascii_space(*ref)));
  }
  return page;
}

}  // namespace syndicd::html
