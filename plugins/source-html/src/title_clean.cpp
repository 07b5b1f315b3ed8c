// SPDX-License-Identifier: Apache-2.0
// The headline out of a page title that wraps it: "Tiêu đề - Báo Thái
// Nguyên", "Cổng TTĐT tỉnh | Tiêu đề", "Tiêu đề – Chuyên mục – Site".
// What says which part is the headline: a heading of the page showing that
// part, the site's own name (og:site_name, the JSON-LD publisher, the host
// name), and failing both Readability's rules for <title>.
#include <algorithm>
#include <string>
#include <vector>

#include "extract_parts.hpp"
#include "syndicd/common/text.hpp"
#include "syndicd/common/utf8.hpp"

namespace syndicd::html::detail {
namespace {

struct Separator {
  size_t pos, len;  // the separator with its spaces
};

// " | ", " - ", " – ", " — ", " :: ", " » ", " / ", " \ ", " > ", " · ", " • ":
// only with a space on each side ("COVID-19", "24/7" are words).
std::vector<Separator> separators(std::string_view t) {
  static constexpr std::string_view kMarks[] = {
      "|",  "-", "\xE2\x80\x93", "\xE2\x80\x94", "::", "\xC2\xBB", "/",
      "\\", ">", "\xC2\xB7",     "\xE2\x80\xA2"};
  std::vector<Separator> out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] != ' ') continue;
    for (std::string_view m : kMarks)
      if (t.substr(i + 1, m.size()) == m && i + 1 + m.size() < t.size() &&
          t[i + 1 + m.size()] == ' ') {
        out.push_back({i, m.size() + 2});
        i += m.size();
        break;
      }
  }
  return out;
}

bool hierarchical(std::string_view t) {
  for (const Separator& s : separators(t)) {
    const std::string_view m = t.substr(s.pos + 1, s.len - 2);
    if (m == "/" || m == "\\" || m == ">" || m == "\xC2\xBB") return true;
  }
  return false;
}

size_t words(std::string_view t) {
  size_t n = 0;
  bool in = false;
  for (char c : t) {
    const bool space = c == ' ' || c == '\t' || c == '\n';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

// Letters and digits only, without diacritics: "Báo Thái Nguyên" and the
// host label "baothainguyen" compare equal.
std::string squash(std::string_view t) {
  std::string s = common::make_slug(t, 200);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

std::string trim(std::string_view t) {
  return collapse_ascii_space(t);
}

}  // namespace

TitleContext title_context(const Document& doc, const LinkedData& ld, const std::string& url) {
  TitleContext ctx;
  for (const std::string& s :
       {ld.meta.get({"og:site_name"}), ld.meta.get({"application-name"}), ld.site_name})
    if (std::string q = squash(s); q.size() >= 3) ctx.sites.push_back(std::move(q));
  // The host's labels that can name the site: "baothainguyen" of
  // baothainguyen.vn, not "www", "com" or "gov".
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const std::string host = lower(url.substr(start, url.find_first_of("/:?#", start) - start));
  size_t i = 0;
  while (i < host.size()) {
    size_t j = host.find('.', i);
    if (j == std::string::npos) j = host.size();
    const std::string label = host.substr(i, j - i);
    if (label.size() >= 5 && label != "www" && label != "gov" && label != "news")
      ctx.sites.push_back(label);
    i = j + 1;
  }
  xmlNode* root = doc.root();
  for (xmlNode* n = root; n != nullptr; n = next_in_order(n, root))
    if ((is_tag(n, "h1") || is_tag(n, "h2")) && !inside_unlikely(n)) {
      std::string text = common::nfc(clean_text(n));
      if (text.empty()) continue;
      if (is_tag(n, "h1") && ++ctx.h1_count == 1) ctx.h1 = text;
      ctx.headings.push_back(std::move(text));
      ctx.heading_nodes.push_back(n);
    }
  return ctx;
}

bool site_like(std::string_view part, const TitleContext& ctx) {
  const std::string q = squash(part);
  if (q.size() < 3 || text_length(part) > 80) return false;
  for (const std::string& s : ctx.sites) {
    if (q == s) return true;
    // "Báo Thái Nguyên điện tử" for the site "Báo Thái Nguyên", "Thái
    // Nguyên" for the host "baothainguyen": one holds the other, both long
    // enough not to be a common word.
    // A part much longer than the name it holds is a headline about the
    // place ("Thái Nguyên đón 2 triệu khách" on thainguyen.gov.vn).
    if (std::min(q.size(), s.size()) >= 5 &&
        ((q.find(s) != std::string::npos && q.size() <= s.size() + 12) ||
         s.find(q) != std::string::npos))
      return true;
  }
  return false;
}

std::string trim_site_name(const std::string& title, const TitleContext& ctx) {
  std::string t = trim(common::nfc(title));
  auto heading = [&](const std::string& part) {
    return std::find(ctx.headings.begin(), ctx.headings.end(), part) != ctx.headings.end();
  };
  for (int round = 0; round < 4; ++round) {
    const std::vector<Separator> seps = separators(t);
    if (seps.empty()) break;
    // A heading that shows a part: the headline, whatever the rest is.
    for (const Separator& s : seps) {
      const std::string left = t.substr(0, s.pos), right = t.substr(s.pos + s.len);
      if (heading(left) && !site_like(left, ctx)) return left;
      if (heading(right) && !site_like(right, ctx)) return right;
    }
    const Separator last = seps.back(), first = seps.front();
    const std::string before_last = t.substr(0, last.pos), tail = t.substr(last.pos + last.len);
    const std::string head = t.substr(0, first.pos), after_first = t.substr(first.pos + first.len);
    if (site_like(tail, ctx) && text_length(tail) < text_length(before_last))
      t = before_last;
    else if (site_like(head, ctx) && text_length(head) < text_length(after_first))
      t = after_first;
    else
      break;
  }
  return t;
}

// Readability's _getArticleTitle, after the rules above had their say.
std::string clean_document_title(const std::string& title, const TitleContext& ctx) {
  const std::string orig = trim(common::nfc(title));
  if (std::string t = trim_site_name(orig, ctx); t != orig) return t;
  std::string cur = orig;
  const std::vector<Separator> seps = separators(orig);
  const bool hier = hierarchical(orig);
  const size_t colon = orig.find(": ");
  if (!seps.empty()) {
    // The last part is the site's: cut it; too little left, so the first
    // part was the site's.
    cur = orig.substr(0, seps.back().pos);
    if (words(cur) < 3) cur = orig.substr(seps.front().pos + seps.front().len);
  } else if (colon != std::string::npos) {
    if (std::find(ctx.headings.begin(), ctx.headings.end(), orig) == ctx.headings.end()) {
      cur = orig.substr(orig.rfind(':') + 1);
      if (words(cur) < 3)
        cur = orig.substr(orig.find(':') + 1);
      else if (words(orig.substr(0, orig.find(':'))) > 5)
        cur = orig;
    }
  } else if ((text_length(orig) > 150 || text_length(orig) < 15) && ctx.h1_count == 1) {
    cur = ctx.h1;
  }
  cur = trim(cur);
  // Too few words left: the cut was wrong, unless it only removed one
  // level of a hierarchy ("Site » Section » Title").
  size_t orig_words = 0;
  if (hier) {
    std::string bare = orig;
    for (auto it = seps.rbegin(); it != seps.rend(); ++it) bare.replace(it->pos, it->len, " ");
    orig_words = words(bare);
  }
  if (words(cur) <= 4 && (!hier || words(cur) + 1 != orig_words)) cur = orig;
  return cur;
}

}  // namespace syndicd::html::detail
