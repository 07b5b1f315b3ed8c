// SPDX-License-Identifier: Apache-2.0
#include "parse/prescan.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <utility>

#include "parse/scan.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace syndicd::rss::detail {
namespace {

// XML's five named references and what they stand for.
constexpr std::pair<std::string_view, char> kXmlReferences[] = {
    {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};

// Index of the first of the bytes a, b, c in t[i, t.size()), or npos.
// Sixteen bytes at a time: start tags are mostly attribute text.
size_t find_first_of3(std::string_view t, size_t i, char a, char b, char c) {
  const size_t n = t.size();
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                     _mm_cmpeq_epi8(v, vc));
    if (const int m = _mm_movemask_epi8(hit); m != 0)
      return i + static_cast<size_t>(std::countr_zero(static_cast<unsigned>(m)));
  }
#endif
  for (; i < n; ++i)
    if (t[i] == a || t[i] == b || t[i] == c) return i;
  return std::string_view::npos;
}

// Index of the '>' that ends the tag whose name starts at `i`, past quoted
// attribute values (which may hold '>', and '<' for tinyxml2); npos if
// none. Each quoted value is an attribute: `values` counts them.
size_t tag_end(std::string_view t, size_t i, size_t& values) {
  while (true) {
    i = find_first_of3(t, i, '>', '"', '\'');
    if (i == std::string_view::npos || t[i] == '>') return i;
    i = t.find(t[i], i + 1);
    if (i == std::string_view::npos) return i;
    ++values;
    ++i;
  }
}

}  // namespace

bool take_out_long_text(std::string_view t, TakenOut& out, MarkupCounts& counts) {
  constexpr size_t kWorthIt = 64;
  counts = {};
  const bool taking = t.size() >= kTakeOutFrom;
  constexpr std::string_view kOpen = "<![CDATA[";
  out.xml.clear();
  out.decoded.clear();
  out.sections.clear();
  struct Section {
    bool decoded;
    size_t begin, size;
  };
  std::vector<Section> sections;
  size_t copied = 0;  // t[0, copied) is in out.xml
  auto take = [&](size_t begin, size_t end) {
    if (out.xml.empty()) out.xml.reserve(t.size() / 2);
    out.xml.append(t.substr(copied, begin - copied));
    out.xml += '\x01';
    out.xml += std::to_string(sections.size());
    copied = end;
  };
  // A text run [begin, end) inside the root element.
  auto text_run = [&](size_t begin, size_t end) {
    const std::string_view run = t.substr(begin, end - begin);
    if (run.size() < kWorthIt || run.find('\r') != std::string_view::npos) return;
    if (run.find_first_not_of(" \t\n") == std::string_view::npos) return;  // not a node
    size_t amp = run.find('&');
    if (amp == std::string_view::npos) {
      take(begin, end);
      sections.push_back({false, begin, run.size()});
      return;
    }
    const size_t at = out.decoded.size();
    size_t from = 0;
    for (; amp != std::string_view::npos; amp = run.find('&', from)) {
      out.decoded.append(run.substr(from, amp - from));
      const std::string_view ref = run.substr(amp);
      const auto known = std::find_if(std::begin(kXmlReferences), std::end(kXmlReferences),
                                      [&](const auto& r) { return ref.starts_with(r.first); });
      if (known == std::end(kXmlReferences)) {  // a numeric reference: left to tinyxml2
        out.decoded.resize(at);
        return;
      }
      out.decoded += known->second;
      from = amp + known->first.size();
    }
    out.decoded.append(run.substr(from));
    take(begin, end);
    sections.push_back({true, at, out.decoded.size() - at});
  };
  auto not_plain = [&] {
    counts.plain = false;
    return false;
  };
  size_t depth = 0;
  size_t i = 0;
  while (true) {
    const size_t lt = t.find('<', i);
    if (taking && depth > 0) text_run(i, lt == std::string_view::npos ? t.size() : lt);
    if (lt == std::string_view::npos) break;
    i = lt;
    const char next = i + 1 < t.size() ? t[i + 1] : '\0';
    size_t end;  // index just past the construct at i
    if (next == '/' || (next != '!' && next != '?')) {
      // A start or end tag: to its '>', past quoted attribute values (which
      // may hold '<' and "<![CDATA[" as text).
      const bool closing = next == '/';
      const size_t name = i + (closing ? 2 : 1);
      if (name >= t.size() ||
          !(std::isalpha(static_cast<unsigned char>(t[name])) || t[name] == '_' || t[name] == ':' ||
            static_cast<unsigned char>(t[name]) >= 0x80))
        return not_plain();
      size_t attributes = 0;
      const size_t j = tag_end(t, name, attributes);
      if (j == std::string_view::npos) return not_plain();
      if (closing) {
        if (depth == 0) return not_plain();
        --depth;
      } else {
        ++counts.nodes;
        counts.max_attributes = std::max(counts.max_attributes, attributes);
        if (t[j - 1] != '/') counts.depth = std::max(counts.depth, ++depth);
      }
      end = j + 1;
    } else if (t.compare(i, kOpen.size(), kOpen) == 0) {
      const size_t begin = i + kOpen.size();
      const size_t close = t.find("]]>", begin);
      if (close == std::string_view::npos) return not_plain();
      ++counts.nodes;
      const size_t size = close - begin;
      if (taking && size >= kWorthIt &&
          t.substr(begin, size).find('\r') == std::string_view::npos) {
        take(begin, close);
        sections.push_back({false, begin, size});
      }
      end = close + 3;
    } else if (t.compare(i, 4, "<!--") == 0) {
      end = t.find("-->", i + 4);
      if (end == std::string_view::npos) return not_plain();
      ++counts.nodes;
      end += 3;
    } else if (next == '?') {
      end = t.find("?>", i + 2);
      if (end == std::string_view::npos) return not_plain();
      ++counts.nodes;
      end += 2;
    } else {  // <!DOCTYPE ...>
      end = t.find('>', i);
      if (end == std::string_view::npos || t.substr(i, end - i).find('[') != std::string_view::npos)
        return not_plain();
      ++end;
    }
    i = end;
  }
  if (sections.empty()) return false;
  out.xml.append(t.substr(copied));
  for (const auto& sec : sections)
    out.sections.push_back(sec.decoded ? std::string_view(out.decoded).substr(sec.begin, sec.size)
                                       : t.substr(sec.begin, sec.size));
  return true;
}

}  // namespace syndicd::rss::detail
