#include "feed_parser.hpp"

#include <tinyxml2.h>

#include <syndicd/common/dates.hpp>
#include <syndicd/common/entities.hpp>
#include <syndicd/common/hash.hpp>
#include <syndicd/common/html.hpp>
#include <syndicd/common/sanitize.hpp>
#include <syndicd/common/url.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <optional>
#include <utility>
#include <vector>

#include "xml_repair.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace syndicd::rss {
namespace {

using common::escape_html;
using common::sanitize_html;
using tinyxml2::XMLElement;
using tinyxml2::XMLNode;

// Namespaces are compared as small numbers: the ones this reader asks for
// have fixed ids, and any other URI a document declares gets one for the
// parse. URIs compare without a trailing '/': feeds write both forms of the
// MRSS and RSS 1.0 URIs.
struct Ns {
  int id = 0;  // 0: no namespace
  friend bool operator==(Ns, Ns) = default;
};

constexpr std::string_view kKnownNs[] = {
    "",
    "http://www.w3.org/2005/Atom",
    "http://purl.org/atom/ns#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/rss/1.0",
    "http://my.netscape.com/rdf/simple/0.9",
    "http://purl.org/rss/1.0/modules/content",
    "http://purl.org/dc/elements/1.1",
    "http://search.yahoo.com/mrss",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.w3.org/1999/xhtml",
    "http://www.youtube.com/xml/schemas/2015",
};
constexpr Ns kNsAtom10{1};
constexpr Ns kNsAtom03{2};
constexpr Ns kNsRdf{3};
constexpr Ns kNsRss10{4};
constexpr Ns kNsRss090{5};
constexpr Ns kNsContent{6};
constexpr Ns kNsDc{7};
constexpr Ns kNsMedia{8};
constexpr Ns kNsXml{9};
constexpr Ns kNsXhtml{10};
constexpr Ns kNsYoutube{11};
constexpr int kFirstOtherNs = 16;

std::string_view canonical_ns(std::string_view ns) {
  if (!ns.empty() && ns.back() == '/') ns.remove_suffix(1);
  return ns;
}

// A local name as the child index compares it: its first eight bytes and
// its length in two integers (nearly every feed element name is that
// short), the full name only when those agree on a longer one.
struct LocalName {
  std::uint64_t head = 0;
  std::size_t size = 0;
  std::string_view name;
  explicit LocalName(std::string_view n) : size(n.size()), name(n) {
    std::memcpy(&head, n.data(), std::min<std::size_t>(n.size(), 8));
  }
  // A literal: the copy has a size known when compiling, so is one load.
  template <std::size_t N>
  LocalName(const char (&n)[N]) : size(N - 1), name(n, N - 1) {  // NOLINT: implicit
    std::memcpy(&head, n, std::min<std::size_t>(N - 1, 8));
  }
  bool operator==(const LocalName& o) const {
    return head == o.head && size == o.size && (size <= 8 || name == o.name);
  }
};

// The element children of an element with their namespace and local name
// resolved once: an item is asked for some twenty children by name. A few
// are kept (an item and the author, group or media element inside it being
// read); the parse in progress clears them when it ends, as the elements go
// with it.
struct ChildIndex {
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Entry {
    LocalName local;
    Ns ns;
    const XMLElement* element;
    uint32_t next = kNone;  // the next entry with the same name
  };
  const XMLElement* parent = nullptr;
  std::vector<Entry> entries;  // in document order
  // Open addressing by name: the first and last entry of each name, so a
  // lookup is a probe or two however many children there are.
  std::vector<uint32_t> heads, tails;

  static size_t hash(Ns ns, const LocalName& l) {
    const std::uint64_t h =
        (l.head ^ (std::uint64_t{l.size} << 56) ^ static_cast<std::uint64_t>(ns.id)) *
        0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 40);
  }
  void hash_entries() {
    size_t slots = 16;
    while (slots < 2 * entries.size()) slots *= 2;
    heads.assign(slots, kNone);
    tails.resize(slots);
    for (uint32_t i = 0; i < entries.size(); ++i) {
      const Entry& e = entries[i];
      size_t h = hash(e.ns, e.local) & (slots - 1);
      while (heads[h] != kNone &&
             !(entries[heads[h]].ns == e.ns && entries[heads[h]].local == e.local))
        h = (h + 1) & (slots - 1);
      if (heads[h] == kNone)
        heads[h] = i;
      else
        entries[tails[h]].next = i;
      tails[h] = i;
    }
  }
  const Entry* first(Ns ns, const LocalName& l) const {
    const size_t mask = heads.size() - 1;
    for (size_t h = hash(ns, l) & mask; heads[h] != kNone; h = (h + 1) & mask) {
      const Entry& e = entries[heads[h]];
      if (e.ns == ns && e.local == l) return &e;
    }
    return nullptr;
  }
};

// The tables of the parse in progress on this thread, reached through a
// plain pointer (a thread_local with a destructor is reached through a
// call on every use). parse_feed owns them and clears them when it ends.
struct ParseTables {
  std::vector<std::string_view> other_ns;  // URIs other than the known ones
  std::array<ChildIndex, 4> child_index;
  size_t child_index_next = 0;
  ChildIndex* last = nullptr;  // the one asked for last (lookups come in runs)
};
thread_local ParseTables* t_tables = nullptr;

Ns intern_ns(std::string_view uri) {
  uri = canonical_ns(uri);
  for (size_t i = 0; i < std::size(kKnownNs); ++i)
    if (kKnownNs[i] == uri) return Ns{static_cast<int>(i)};
  auto& other = t_tables->other_ns;
  for (size_t i = 0; i < other.size(); ++i)
    if (other[i] == uri) return Ns{kFirstOtherNs + static_cast<int>(i)};
  other.push_back(uri);  // points into the document, which outlives the parse
  return Ns{kFirstOtherNs + static_cast<int>(other.size() - 1)};
}

// Prefixes feeds use without declaring them; a reader that gave up on them
// would lose the author or the body of many real feeds.
Ns conventional_ns(std::string_view prefix) {
  if (prefix == "content") return kNsContent;
  if (prefix == "dc") return kNsDc;
  if (prefix == "media") return kNsMedia;
  if (prefix == "atom") return kNsAtom10;
  if (prefix == "rdf") return kNsRdf;
  if (prefix == "yt") return kNsYoutube;
  return {};
}

std::string_view prefix_of(std::string_view qname) {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}
std::string_view local_of(std::string_view qname) {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

const XMLElement* parent_element(const XMLElement* e) {
  const XMLNode* p = e->Parent();
  return p ? p->ToElement() : nullptr;
}

// The namespace declarations of a document that makes them all on its root
// element, as nearly every feed does: a prefix then resolves by a look at
// this short list instead of a walk up the tree at every element.
class RootNamespaces {
 public:
  // `text` is what the document was parsed from. On the way, notes whether
  // any xml:base or xml:lang attribute could be in it (all three names
  // start "xml", looked for in one pass; names cannot hide behind
  // references, so an attribute is written as such in the text).
  RootNamespaces(const XMLElement* root, std::string_view text, bool* xml_base, bool* xml_lang) {
    const size_t start = root_start_tag_end(text);
    bool declared_below = start == std::string_view::npos;
    *xml_base = *xml_lang = false;
    for (size_t i = text.find("xml"); i != std::string_view::npos; i = text.find("xml", i + 3)) {
      const std::string_view after = text.substr(i + 3);
      if (after.starts_with("ns") && i >= start)
        declared_below = true;  // a declaration below the root
      else if (after.starts_with(":base"))
        *xml_base = true;
      else if (after.starts_with(":lang"))
        *xml_lang = true;
    }
    if (declared_below) return;
    for (const auto* a = root->FirstAttribute(); a; a = a->Next()) {
      const std::string_view name = a->Name();
      if (name == "xmlns")
        decls_.emplace_back(std::string_view{}, intern_ns(a->Value()));
      else if (name.starts_with("xmlns:"))
        decls_.emplace_back(name.substr(6), intern_ns(a->Value()));
    }
    usable_ = true;
  }
  bool usable() const { return usable_; }
  // The namespace of `prefix`; nullopt when it is not declared.
  std::optional<Ns> find(std::string_view prefix) const {
    for (const auto& [p, ns] : decls_)
      if (p == prefix) return ns;
    return std::nullopt;
  }

 private:
  // Index just past the root element's start tag.
  static size_t root_start_tag_end(std::string_view t) {
    for (size_t i = t.find('<'); i != std::string_view::npos; i = t.find('<', i + 1)) {
      if (t.compare(i, 4, "<!--") == 0) {
        i = t.find("-->", i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (i + 1 >= t.size() || t[i + 1] == '?' || t[i + 1] == '!') continue;
      char quote = 0;
      for (size_t j = i + 1; j < t.size(); ++j) {
        if (quote) {
          if (t[j] == quote) quote = 0;
        } else if (t[j] == '"' || t[j] == '\'') {
          quote = t[j];
        } else if (t[j] == '>') {
          return j + 1;
        }
      }
      return std::string_view::npos;
    }
    return std::string_view::npos;
  }

  std::vector<std::pair<std::string_view, Ns>> decls_;
  bool usable_ = false;
};

// The parse in progress on this thread (parse_feed is reentrant across
// threads; the free functions below read its namespaces through this).
thread_local const RootNamespaces* t_root_namespaces = nullptr;

struct ParseScope {
  explicit ParseScope(const RootNamespaces& ns) {
    if (ns.usable()) t_root_namespaces = &ns;
  }
  ~ParseScope();
  ParseScope(const ParseScope&) = delete;
  ParseScope& operator=(const ParseScope&) = delete;
};

// tinyxml2 keeps xmlns attributes as plain attributes: resolve a prefix by
// walking up to the nearest declaration, which gives XML's scoping rules.
Ns resolve_prefix(const XMLElement* e, std::string_view prefix) {
  if (prefix.size() == 3 && prefix == "xml") return kNsXml;
  if (t_root_namespaces) {
    if (auto ns = t_root_namespaces->find(prefix)) return *ns;
    return prefix.empty() ? Ns{} : conventional_ns(prefix);
  }
  const std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (const XMLElement* n = e; n; n = parent_element(n))
    if (const char* v = n->Attribute(attr.c_str())) return intern_ns(v);
  return prefix.empty() ? Ns{} : conventional_ns(prefix);
}

Ns ns_of(const XMLElement* e) {
  return resolve_prefix(e, prefix_of(e->Name()));
}

// child_index() when `e` is not the element asked about last: kept out of
// line so the common case stays a compare and a return.
[[gnu::noinline]] const ChildIndex& find_or_build_child_index(const XMLElement* e) {
  ParseTables& tables = *t_tables;
  for (auto& ix : tables.child_index)
    if (ix.parent == e) {
      tables.last = &ix;
      return ix;
    }
  ChildIndex& ix = tables.child_index[tables.child_index_next];
  tables.last = &ix;
  tables.child_index_next = (tables.child_index_next + 1) % tables.child_index.size();
  ix.parent = e;
  ix.entries.clear();
  // A child is in its parent's scope unless it declares the prefix itself:
  // each prefix is resolved once at the parent, not by a walk up the tree
  // from every child.
  std::vector<std::pair<std::string_view, Ns>> parent_scope;
  auto at_parent = [&](std::string_view prefix) {
    for (const auto& [p, ns] : parent_scope)
      if (p == prefix) return ns;
    const Ns ns = resolve_prefix(e, prefix);
    parent_scope.emplace_back(prefix, ns);
    return ns;
  };
  for (const XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) {
    const std::string_view name = c->Name();
    const size_t colon = name.find(':');
    const std::string_view prefix =
        colon == std::string_view::npos ? std::string_view{} : name.substr(0, colon);
    const std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
    std::optional<Ns> ns;
    if (!t_root_namespaces)  // declarations below the root: this child may make one
      for (const auto* a = c->FirstAttribute(); a && !ns; a = a->Next()) {
        const std::string_view an = a->Name();
        if (prefix.empty() ? an == "xmlns"
                           : an.size() == 6 + prefix.size() && an.starts_with("xmlns:") &&
                                 an.substr(6) == prefix)
          ns = intern_ns(a->Value());
      }
    ix.entries.push_back({LocalName(local), ns ? *ns : at_parent(prefix), c});
  }
  ix.hash_entries();
  return ix;
}

inline const ChildIndex& child_index(const XMLElement* e) {
  const ChildIndex* last = t_tables->last;
  if (last && last->parent == e) [[likely]]
    return *last;
  return find_or_build_child_index(e);
}

ParseScope::~ParseScope() {
  t_root_namespaces = nullptr;
}

const XMLElement* child(const XMLElement* e, Ns ns, const LocalName& local) {
  if (!e) return nullptr;
  const ChildIndex::Entry* c = child_index(e).first(ns, local);
  return c ? c->element : nullptr;
}

// The children found by name: a few, kept inline (an item has one or two
// categories, authors or links; the items of a channel go to the heap).
class Elements {
 public:
  void push_back(const XMLElement* e) {
    if (size_ < inline_.size())
      inline_[size_] = e;
    else
      more_.push_back(e);
    ++size_;
  }
  size_t size() const { return size_; }
  const XMLElement* operator[](size_t i) const {
    return i < inline_.size() ? inline_[i] : more_[i - inline_.size()];
  }
  class iterator {
   public:
    iterator(const Elements* l, size_t i) : list_(l), i_(i) {}
    const XMLElement* operator*() const { return (*list_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    const Elements* list_;
    size_t i_;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size_}; }

 private:
  std::array<const XMLElement*, 6> inline_{};
  std::vector<const XMLElement*> more_;
  size_t size_ = 0;
};

Elements children(const XMLElement* e, Ns ns, const LocalName& local) {
  Elements out;
  if (!e) return out;
  const ChildIndex& ix = child_index(e);
  for (const ChildIndex::Entry* c = ix.first(ns, local); c;
       c = c->next == ChildIndex::kNone ? nullptr : &ix.entries[c->next])
    out.push_back(c->element);
  return out;
}

// An attribute by namespace and local name; unprefixed attributes are in no
// namespace, whatever the element's default namespace.
const char* attr(const XMLElement* e, Ns ns, std::string_view local) {
  if (!e) return nullptr;
  if (ns == Ns{}) {  // unprefixed: the name is the local name, nothing to resolve
    for (const auto* a = e->FirstAttribute(); a; a = a->Next())
      if (a->Name() == local) return a->Value();
    return nullptr;
  }
  for (const auto* a = e->FirstAttribute(); a; a = a->Next()) {
    const std::string_view name = a->Name();
    if (local_of(name) != local) continue;
    const std::string_view prefix = prefix_of(name);
    if (prefix == "xmlns" || name == "xmlns") continue;
    const Ns ans = prefix.empty() ? Ns{} : resolve_prefix(e, prefix);
    if (ans == ns) return a->Value();
  }
  return nullptr;
}
std::string_view attr_view(const XMLElement* e, std::string_view local) {
  const char* v = attr(e, {}, local);
  return v ? std::string_view(v) : std::string_view{};
}
std::string attr_str(const XMLElement* e, std::string_view local) {
  return std::string(attr_view(e, local));
}

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
// attribute values (which may hold '>', and '<' for tinyxml2); npos if none.
size_t tag_end(std::string_view t, size_t i) {
  while (true) {
    i = find_first_of3(t, i, '>', '"', '\'');
    if (i == std::string_view::npos || t[i] == '>') return i;
    i = t.find(t[i], i + 1);
    if (i == std::string_view::npos) return i;
    ++i;
  }
}

// t.find("<![CDATA[", i), by way of the rare '[' rather than every '<'.
size_t find_cdata_open(std::string_view t, size_t i) {
  constexpr std::string_view kOpen = "<![CDATA[";
  for (size_t k = t.find('[', i + 2); k != std::string_view::npos; k = t.find('[', k + 1))
    if (k >= i + 2 && t.compare(k - 2, kOpen.size(), kOpen) == 0) return k - 2;
  return std::string_view::npos;
}

// Long runs of character data (the bodies of a feed: CDATA sections, or
// HTML escaped as text) are kept out of what tinyxml2 reads: each one's
// content is replaced by a marker, "\x01" and its number, and read from the
// original text instead. tinyxml2 would otherwise walk every byte of a body
// twice (to find its end, then to decode it on first read) only to hand
// back the same bytes. The document's structure, and so whether it is
// well-formed, is unchanged: only the content of character data goes.
struct TakenOut {
  std::string xml;                         // what tinyxml2 parses
  std::string decoded;                     // text runs with references decoded
  std::vector<std::string_view> sections;  // into the original text or `decoded`
};

// Fills `out` with the text tinyxml2 should parse instead of `t`, or returns
// false when nothing is worth taking out or the markup is anything but
// plain (a DOCTYPE with an internal subset, a stray '<'): then `t` is
// parsed as it is. What stays with tinyxml2, to keep its exact reading:
// runs with a CR (line ends are normalised) and text runs with a numeric
// reference. `t` has no control characters and no '&' that does not start
// an XML reference (both checked before), so a text run's references are
// XML's five named ones, and no content can start with the marker's \x01.
//
// Documents below kTakeOutFrom bytes are parsed as they are: looking for
// long runs costs more there than it saves (measured on the fixtures with
// bench/source_bench).
constexpr size_t kTakeOutFrom = 4096;

// XML's five named references and what they stand for.
constexpr std::pair<std::string_view, char> kXmlReferences[] = {
    {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};

bool take_out_long_text(std::string_view t, TakenOut& out) {
  constexpr size_t kWorthIt = 64;
  if (t.size() < kTakeOutFrom) return false;
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
  int depth = 0;
  size_t i = 0;
  while (true) {
    const size_t lt = t.find('<', i);
    if (depth > 0) text_run(i, lt == std::string_view::npos ? t.size() : lt);
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
        return false;
      const size_t j = tag_end(t, name);
      if (j == std::string_view::npos) return false;
      if (closing)
        --depth;
      else if (t[j - 1] != '/')
        ++depth;
      end = j + 1;
    } else if (t.compare(i, kOpen.size(), kOpen) == 0) {
      const size_t begin = i + kOpen.size();
      const size_t close = t.find("]]>", begin);
      if (close == std::string_view::npos) return false;
      const size_t size = close - begin;
      if (size >= kWorthIt && t.substr(begin, size).find('\r') == std::string_view::npos) {
        take(begin, close);
        sections.push_back({false, begin, size});
      }
      end = close + 3;
    } else if (t.compare(i, 4, "<!--") == 0) {
      end = t.find("-->", i + 4);
      if (end == std::string_view::npos) return false;
      end += 3;
    } else if (next == '?') {
      end = t.find("?>", i + 2);
      if (end == std::string_view::npos) return false;
      end += 2;
    } else {  // <!DOCTYPE ...>
      end = t.find('>', i);
      if (end == std::string_view::npos || t.substr(i, end - i).find('[') != std::string_view::npos)
        return false;
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

// The runs taken out of the document being read on this thread.
thread_local const TakenOut* t_taken_out = nullptr;

// The value of a text or CDATA node, taken-out runs put back.
std::string_view value_of(const tinyxml2::XMLText* t) {
  const char* v = t->Value();
  if (v[0] == '\x01' && t_taken_out) {
    size_t n = 0;
    const char* d = v + 1;
    for (; *d >= '0' && *d <= '9'; ++d) n = n * 10 + static_cast<size_t>(*d - '0');
    if (*d == '\0' && d != v + 1 && n < t_taken_out->sections.size())
      return t_taken_out->sections[n];
  }
  return v;
}

// All character data below `e` (text and CDATA), in document order.
void collect_text(const XMLNode* n, std::string& out) {
  for (const XMLNode* c = n->FirstChild(); c; c = c->NextSibling()) {
    if (const auto* t = c->ToText())
      out += value_of(t);
    else if (c->ToElement())
      collect_text(c, out);
  }
}
// The character data below `e`: a view of its one text node, as nearly
// every field has, else collected into `scratch`.
std::string_view text_of(const XMLElement* e, std::string& scratch) {
  if (!e) return {};
  const XMLNode* first = e->FirstChild();
  if (!first) return {};
  if (const auto* t = first->ToText(); t && !first->NextSibling()) return value_of(t);
  scratch.clear();
  collect_text(e, scratch);
  return scratch;
}
std::string text_of(const XMLElement* e) {
  std::string scratch;
  const std::string_view v = text_of(e, scratch);
  return v.data() == scratch.data() ? std::move(scratch) : std::string(v);
}

bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
std::string_view trimmed(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
std::string trim(std::string_view s) {
  return std::string(trimmed(s));
}
// The trimmed text of `e` (a copy only of what is kept).
std::string trimmed_text(const XMLElement* e) {
  std::string scratch;
  return trim(text_of(e, scratch));
}

// Text as a reader sees it: entities decoded, whitespace collapsed.
std::string plain_text(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return common::collapse_whitespace(s);
  return common::collapse_whitespace(common::decode_html_entities(s));
}

constexpr std::string_view kHtmlVoid[] = {"area",  "base",   "br",    "col",  "embed",
                                          "hr",    "img",    "input", "link", "meta",
                                          "param", "source", "track", "wbr"};

// Elements inside a feed element, written out as HTML. Text directly inside
// `e` is taken as markup when `top_text_is_markup` (RSS descriptions mixing
// escaped and unescaped HTML); text inside child elements is always text.
void serialize_children(const XMLNode* e, bool top_text_is_markup, std::string& out) {
  for (const XMLNode* c = e->FirstChild(); c; c = c->NextSibling()) {
    if (const auto* t = c->ToText()) {
      if (top_text_is_markup || t->CData())
        out += value_of(t);
      else
        common::append_escaped(out, value_of(t));
    } else if (const auto* el = c->ToElement()) {
      const std::string_view name = local_of(el->Name());
      out += '<';
      out += name;
      for (const auto* a = el->FirstAttribute(); a; a = a->Next()) {
        const std::string_view an = a->Name();
        if (an == "xmlns" || prefix_of(an) == "xmlns") continue;
        out += ' ';
        out += local_of(an);
        out += "=\"";
        common::append_escaped(out, a->Value());
        out += '"';
      }
      out += '>';
      if (std::find(std::begin(kHtmlVoid), std::end(kHtmlVoid), name) != std::end(kHtmlVoid))
        continue;
      serialize_children(el, false, out);
      out += "</";
      out += name;
      out += '>';
    }
  }
}

enum class Kind { Text, Html, Xhtml, Other };

// Atom's type/mode attributes (RSS elements have none: they are HTML).
Kind content_kind(const XMLElement* e, bool atom) {
  if (!atom) return Kind::Html;
  const std::string_view type = attr_view(e, "type");
  const std::string_view mode = attr_view(e, "mode");
  if (mode == "base64") return Kind::Other;
  Kind k;
  if (type.empty() || type == "text" || type == "text/plain")
    k = Kind::Text;
  else if (type == "html" || type == "text/html")
    k = Kind::Html;
  else if (type == "xhtml" || type == "application/xhtml+xml" ||
           (type.size() > 4 && (type.ends_with("+xml") || type.ends_with("/xml"))))
    k = Kind::Xhtml;
  else if (type.starts_with("text/"))
    k = Kind::Text;
  else
    return Kind::Other;
  // Atom 0.3: mode="xml" HTML is inline markup; mode="escaped" text/plain
  // is still text.
  if (k == Kind::Html && mode == "xml" && e->FirstChildElement()) k = Kind::Xhtml;
  return k;
}

// The element's content as HTML markup: a view of its one text node when
// that is all it has (escaped or CDATA HTML, the usual case), else built in
// `scratch`.
std::string_view markup_of(const XMLElement* e, Kind kind, std::string& scratch) {
  if (!e) return {};
  scratch.clear();
  switch (kind) {
    case Kind::Text: {
      std::string text;
      scratch = escape_html(text_of(e, text));
      return scratch;
    }
    case Kind::Html:
      // Escaped HTML is one text node; raw HTML pasted into a feed is
      // elements. Serialising handles both and any mix.
      if (const XMLNode* first = e->FirstChild(); first && !first->NextSibling())
        if (const auto* t = first->ToText()) return value_of(t);
      serialize_children(e, true, scratch);
      return scratch;
    case Kind::Xhtml: {
      const XMLElement* div = child(e, kNsXhtml, "div");
      serialize_children(div ? div : e, false, scratch);
      return scratch;
    }
    case Kind::Other:
      break;
  }
  return {};
}

// Plain text of a title-like element.
std::string plain_of(const XMLElement* e, Kind kind) {
  if (!e) return {};
  if (kind == Kind::Text) {
    std::string scratch;
    return plain_text(text_of(e, scratch));
  }
  std::string scratch;
  return common::html_to_text(markup_of(e, kind, scratch));
}

// A field as stored: valid UTF-8, NFC, without the C0 controls that a
// numeric reference (&#1;) can smuggle past the repair pass. Fields nearly
// always pass as they are: one read, no copy.
std::string clean(std::string s) {
  if (common::is_clean_text(s)) return s;
  std::erase_if(s, [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
  return common::nfc(s);
}

// What the references ('&') in a feed tell before it is parsed, in one
// look at each '&':
//  - xml_only: every '&' outside CDATA sections starts one of XML's own
//    references, so the repair pass would leave them all alone (tinyxml2
//    itself keeps a bare '&' or "&nbsp;" silently as text);
//  - keep_text_clean: no reference, at the XML level or one level down in
//    escaped or CDATA HTML, can bring in a control or a code point NFC might
//    change. With a document that is valid NFC by the quick check (which
//    every substring, and every concatenation with ASCII, keeps: each code
//    point is one NFC leaves alone in any company, and the repair pass
//    removes raw controls), every field is then clean text as cut, and
//    clean() can be skipped. Numeric references could be anything.
struct References {
  bool xml_only = true;
  bool keep_text_clean = true;
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex_digit(char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
bool is_alnum(char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

References look_at_references(std::string_view t) {
  References r;
  constexpr std::string_view kOpen = "<![CDATA[", kClose = "]]>";
  // The next CDATA section [open, close) not ending before the '&' at hand.
  size_t open = find_cdata_open(t, 0);
  size_t close = open == std::string_view::npos ? open : t.find(kClose, open + kOpen.size());
  for (size_t i = t.find('&'); i != std::string_view::npos; i = t.find('&', i + 1)) {
    while (open != std::string_view::npos && close != std::string_view::npos && close < i) {
      open = find_cdata_open(t, close + kClose.size());
      close = open == std::string_view::npos ? open : t.find(kClose, open + kOpen.size());
    }
    // Inside CDATA: HTML, decoded later, so only its cleanliness counts.
    const bool in_cdata = open != std::string_view::npos && open < i;
    std::string_view rest = t.substr(i + 1);
    // Escaped HTML is mostly these: nothing to learn from them.
    if (rest.starts_with("lt;") || rest.starts_with("gt;") || rest.starts_with("quot;")) continue;
    size_t j = 0;
    bool xml_ref = false;
    if (rest.starts_with('#')) {
      r.keep_text_clean = false;
      const bool hex = rest.size() > 1 && (rest[1] == 'x' || rest[1] == 'X');
      j = hex ? 2 : 1;
      const size_t digits = j;
      while (j < rest.size() && (hex ? is_hex_digit(rest[j]) : is_digit(rest[j]))) ++j;
      xml_ref = j > digits && j < rest.size() && rest[j] == ';';
    } else {
      while (j < rest.size() && j < 32 && is_alnum(rest[j])) ++j;
      const std::string_view name = rest.substr(0, j);
      const bool predefined =
          name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
      xml_ref = predefined && j < rest.size() && rest[j] == ';';
      if (name == "amp" && xml_ref) {
        // "&amp;" in escaped HTML: the reference one level down.
        const std::string_view inner = rest.substr(4);
        if (inner.starts_with('#')) {
          r.keep_text_clean = false;
        } else {
          size_t k = 0;
          while (k < inner.size() && k < 32 && is_alnum(inner[k])) ++k;
          if (k > 0 && !common::is_clean_text(common::html_entity_text(inner.substr(0, k))))
            r.keep_text_clean = false;
        }
      } else if (!predefined && j > 0 && !common::is_clean_text(common::html_entity_text(name))) {
        r.keep_text_clean = false;
      }
    }
    if (!in_cdata && !xml_ref) r.xml_only = false;
    if (!r.xml_only && !r.keep_text_clean) break;
  }
  if (open != std::string_view::npos && close == std::string_view::npos)
    r.xml_only = false;  // an unclosed CDATA section
  return r;
}

struct Context {
  const ParseOptions& options;
  std::vector<std::string>& warnings;
  std::string doc_base;     // channel link or feed URL
  std::string language;     // the feed's, or the configured one
  std::string feed_author;  // Atom feed-level author
  Ns core_ns;               // namespace of the dialect's own elements
  bool atom = false;
  bool fields_clean = false;  // see References::keep_text_clean: clean() can be skipped
};

// The base URL in scope at `e`: xml:base attributes from the root down,
// each resolved against the one above it. nullopt when none is in scope.
// What a look at the whole document told (RootNamespaces finds it out for
// the parse in progress on this thread; DocumentScope resets it): whether
// any element can have xml:base or xml:lang, so the readers can skip
// walking up the tree for them.
struct DocFacts {
  bool xml_base = true;
  bool xml_lang = true;
};
thread_local DocFacts t_facts;

std::optional<std::string> xml_base(const XMLElement* e, const std::string& doc_base) {
  if (!t_facts.xml_base) return std::nullopt;
  std::vector<const char*> chain;
  for (const XMLElement* n = e; n; n = parent_element(n))
    if (const char* b = n->Attribute("xml:base")) chain.push_back(b);
  if (chain.empty()) return std::nullopt;
  std::string base = doc_base;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) base = common::resolve_url(base, *it);
  return base;
}

std::string language_of(const XMLElement* e, const Context& ctx) {
  if (t_facts.xml_lang)
    for (const XMLElement* n = e; n; n = parent_element(n))
      if (const char* l = n->Attribute("xml:lang"); l && *l) return trim(l);
  if (const XMLElement* l = child(e, kNsDc, "language")) {
    std::string v = trimmed_text(l);
    if (!v.empty()) return v;
  }
  return ctx.language;
}

// "editor@example.vn (Nguyễn Văn A)" → "Nguyễn Văn A"; a bare address stays.
std::string rss_author(std::string_view text) {
  std::string t = common::collapse_whitespace(common::decode_html_entities(text));
  const size_t open = t.find('(');
  const size_t close = t.rfind(')');
  if (open != std::string::npos && close != std::string::npos && close > open &&
      t.substr(0, open).find('@') != std::string::npos) {
    std::string name = trim(t.substr(open + 1, close - open - 1));
    if (!name.empty()) return name;
  }
  return t;
}

// Distinct non-empty parts, comma-separated.
bool all_empty(const std::vector<std::string>& parts) {
  return std::all_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
}
std::string join(std::vector<std::string>&& parts) {
  if (parts.size() == 1) return std::move(parts[0]);  // the usual one author
  std::vector<std::string_view> seen;
  std::string out;
  for (const auto& p : parts) {
    if (p.empty() || std::find(seen.begin(), seen.end(), p) != seen.end()) continue;
    seen.push_back(p);
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

void add_image(Article& a, std::string url, std::string alt, std::string caption) {
  if (url.empty()) return;
  for (const auto& img : a.images)
    if (img.url == url) return;
  a.images.push_back({std::move(url), std::move(alt), std::move(caption)});
}

void add_video(Article& a, const std::string& id) {
  if (!id.empty() && std::find(a.videos.begin(), a.videos.end(), id) == a.videos.end())
    a.videos.push_back(id);
}

bool looks_like_image_url(std::string_view url) {
  std::string l(url.substr(0, url.find_first_of("?#")));
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view ext : {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"})
    if (l.ends_with(ext)) return true;
  return false;
}

// Media RSS: media:content / media:thumbnail, directly or in media:group.
void read_media(const XMLElement* item, const std::string& base, Article& a) {
  // Copied out of the child index: reading each element indexes it in turn.
  std::vector<std::pair<std::string_view, const XMLElement*>> media;
  auto collect = [&](const XMLElement* scope) {
    for (const auto& c : child_index(scope).entries)
      if (c.ns == kNsMedia) media.emplace_back(c.local.name, c.element);
  };
  collect(item);
  for (const auto* g : children(item, kNsMedia, "group")) collect(g);
  for (const auto& [local, c] : media) {
    const std::string url = trim(attr_view(c, "url"));
    if (url.empty()) continue;
    const std::string abs = common::resolve_url(base, url);
    if (auto id = common::youtube_id(abs)) {
      add_video(a, *id);
      continue;
    }
    std::string caption;
    if (const XMLElement* d = child(c, kNsMedia, "description")) caption = plain_of(d, Kind::Text);
    if (caption.empty())
      if (const XMLElement* t = child(c, kNsMedia, "title")) caption = plain_of(t, Kind::Text);
    if (local == "thumbnail") {
      add_image(a, abs, {}, caption);
    } else if (local == "content") {
      const std::string medium = attr_str(c, "medium");
      const std::string type = attr_str(c, "type");
      if (medium == "image" || type.rfind("image/", 0) == 0 ||
          (medium.empty() && type.empty() && looks_like_image_url(abs)))
        add_image(a, abs, {}, caption);
    }
  }
}

// The first <img> of sanitised HTML with its <figcaption>, when it is in a
// <figure> ("caption" of DESIGN.md §4 images): the caption counts when the
// first of <figcaption, </figure> and another <img after the image is a
// <figcaption, and its figure is closed.
void add_body_image(Article& a, const std::string& body_html) {
  auto img = common::first_img(body_html);
  if (!img) return;
  std::string caption;
  const std::string_view html = body_html;
  // One walk over the tags after the image, not a search per name.
  for (size_t lt = html.find('<', img->end); lt != std::string_view::npos;
       lt = html.find('<', lt + 1)) {
    const std::string_view tag = html.substr(lt + 1);
    if (tag.starts_with("img") || tag.starts_with("/figure>")) break;
    if (!tag.starts_with("figcaption")) continue;
    const size_t gt = html.find('>', lt);
    const size_t close = html.find("</figcaption>", lt);
    if (gt != std::string_view::npos && close != std::string_view::npos && gt < close &&
        html.find("</figure>", lt) != std::string_view::npos)
      caption = common::html_to_text(html.substr(gt + 1, close - gt - 1));
    break;
  }
  add_image(a, img->src, img->alt, caption);
}

// The date texts of an item, trimmed: views into the document or into the
// scratch strings, which live as long as the item is read.
struct Dates {
  std::string_view published_text;
  std::string_view updated_text;
  std::string published_scratch, updated_scratch;
  void published(const XMLElement* e) { published_text = trimmed(text_of(e, published_scratch)); }
  void updated(const XMLElement* e) { updated_text = trimmed(text_of(e, updated_scratch)); }
};

// The lead: its text already made, or the HTML to make it from.
struct Lead {
  std::optional<std::string> text;
  std::string_view html;
};

void finish_article(Article& a, const Dates& dates, Lead lead, std::string_view body_source,
                    const std::string& body_base, size_t index, const Context& ctx) {
  auto read_date = [&](std::string_view text) -> int64_t {
    if (text.empty()) return SYNDICD_TIME_NONE;
    if (auto v = common::parse_date(text, ctx.options.default_offset_minutes)) return *v;
    ctx.warnings.push_back("item " + std::to_string(index + 1) + ": unreadable date \"" +
                           std::string(text) + "\"");
    return SYNDICD_TIME_NONE;
  };
  a.published = read_date(dates.published_text);
  a.updated = read_date(dates.updated_text);
  if (a.published == SYNDICD_TIME_NONE && a.updated != SYNDICD_TIME_NONE) a.published = a.updated;
  if (a.published == SYNDICD_TIME_NONE) {
    a.published = ctx.options.now_ms;
    a.flags |= SYNDICD_ARTICLE_DATE_GUESSED;
  }

  for (const auto& id : common::find_youtube_ids(body_source)) add_video(a, id);
  // Trimming the markup leaves its text as it is (html_to_text collapses
  // the same whitespace away).
  common::SanitizedHtml body = common::sanitize_html_with_text(body_source, body_base);
  if (lead.text)
    a.lead = std::move(*lead.text);
  else if (lead.html.data() == body_source.data() && lead.html.size() == body_source.size() &&
           body.html == body_source)
    a.lead = body.text;  // the body is the lead, untouched by the sanitiser: same text
  else
    a.lead = common::html_to_text(lead.html);
  const std::string_view kept = trimmed(body.html);
  if (kept.size() != body.html.size()) {
    body.html.erase(0, static_cast<size_t>(kept.data() - body.html.data()));
    body.html.resize(kept.size());
  }
  a.body_html = std::move(body.html);
  a.body_text = std::move(body.text);
  if (a.images.empty()) add_body_image(a, a.body_html);
  if (auto id = common::youtube_id(a.url)) add_video(a, *id);

  if (a.id.empty()) {
    // Nothing stable to go by: the same title at the same date is the same item.
    a.id = "hash:" + common::stable_hash_hex(a.title + "\n" + std::string(dates.published_text));
  }

  if (ctx.fields_clean) return;
  for (auto* f :
       {&a.id, &a.url, &a.title, &a.lead, &a.body_html, &a.body_text, &a.author, &a.language})
    *f = clean(std::move(*f));
  for (auto& t : a.tags) t = clean(std::move(t));
  for (auto& img : a.images) {
    img.url = clean(std::move(img.url));
    img.alt = clean(std::move(img.alt));
    img.caption = clean(std::move(img.caption));
  }
}

bool read_rss_item(const XMLElement* item, size_t index, const Context& ctx, Article& a) {
  const Ns ns = ctx.core_ns;
  const std::optional<std::string> item_base = xml_base(item, ctx.doc_base);
  const std::string& base = item_base ? *item_base : ctx.doc_base;
  a.title = plain_of(child(item, ns, "title"), Kind::Html);

  // Views into the document (or the scratch strings) until stored.
  std::string link_scratch, guid_scratch;
  std::string_view link = trimmed(text_of(child(item, ns, "link"), link_scratch));
  if (link.empty())
    for (const auto* l : children(item, kNsAtom10, "link")) {
      const std::string_view rel = attr_view(l, "rel");
      if (rel.empty() || rel == "alternate") {
        link = trimmed(attr_view(l, "href"));
        break;
      }
    }
  const XMLElement* guid_el = child(item, ns, "guid");
  const std::string_view guid = trimmed(text_of(guid_el, guid_scratch));
  if (!link.empty()) {
    a.url = common::resolve_url(base, link);
  } else if (!guid.empty() && attr_view(guid_el, "isPermaLink") != "false") {
    std::string g = common::resolve_url(base, guid);
    if (common::is_http_url(g)) a.url = std::move(g);
  }
  if (!guid.empty())
    a.id = guid;
  else if (const char* about = attr(item, kNsRdf, "about"); about && !trimmed(about).empty())
    a.id = trim(about);
  else
    a.id = a.url;

  Dates dates;
  dates.published(child(item, ns, "pubDate"));
  if (dates.published_text.empty()) dates.published(child(item, kNsDc, "date"));
  dates.updated(child(item, kNsAtom10, "updated"));

  std::vector<std::string> authors;
  std::string scratch;
  for (const auto* c : children(item, kNsDc, "creator"))
    authors.push_back(plain_text(text_of(c, scratch)));
  if (all_empty(authors))
    for (const auto* c : children(item, ns, "author"))
      authors.push_back(rss_author(text_of(c, scratch)));
  if (all_empty(authors))
    for (const auto* c : children(item, kNsAtom10, "author"))
      authors.push_back(plain_of(child(c, kNsAtom10, "name"), Kind::Text));
  a.author = join(std::move(authors));

  for (const auto* c : children(item, ns, "category")) {
    std::string t = plain_of(c, Kind::Text);
    if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
      a.tags.push_back(std::move(t));
  }
  for (const auto* c : children(item, kNsDc, "subject")) {
    std::string t = plain_of(c, Kind::Text);
    if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
      a.tags.push_back(std::move(t));
  }
  a.language = language_of(item, ctx);

  for (const auto* enc : children(item, ns, "enclosure")) {
    const std::string_view type = attr_view(enc, "type");
    const std::string_view url = trimmed(attr_view(enc, "url"));
    if (url.empty()) continue;
    const std::string abs = common::resolve_url(base, url);
    if (type.starts_with("image/") || (type.empty() && looks_like_image_url(abs)))
      add_image(a, abs, {}, {});
  }
  read_media(item, base, a);

  std::string description_scratch, body_scratch;
  const std::string_view description =
      markup_of(child(item, ns, "description"), Kind::Html, description_scratch);
  const XMLElement* encoded = child(item, kNsContent, "encoded");
  std::string_view body =
      encoded ? markup_of(encoded, Kind::Html, body_scratch) : std::string_view{};
  if (trimmed(body).empty()) body = description;
  if (a.title.empty() && a.url.empty() && trimmed(body).empty()) {
    ctx.warnings.push_back("item " + std::to_string(index + 1) +
                           ": no title, link or description; skipped");
    return false;
  }
  // Relative URLs in an item's HTML are relative to the article page it
  // was cut from, unless xml:base says otherwise.
  const XMLElement* body_el = encoded ? encoded : child(item, ns, "description");
  const std::optional<std::string> own_base =
      body_el ? xml_base(body_el, ctx.doc_base) : std::nullopt;
  const std::string& body_base = own_base ? *own_base : a.url.empty() ? base : a.url;
  finish_article(a, dates, Lead{std::nullopt, description}, body, body_base, index, ctx);
  return true;
}

bool read_atom_entry(const XMLElement* entry, size_t index, const Context& ctx, Article& a) {
  const Ns ns = ctx.core_ns;
  const std::optional<std::string> entry_base = xml_base(entry, ctx.doc_base);
  const std::string& base = entry_base ? *entry_base : ctx.doc_base;
  if (const XMLElement* t = child(entry, ns, "title")) a.title = plain_of(t, content_kind(t, true));

  // rel="alternate" (the default) to an HTML page is the article; failing
  // that any alternate, failing that the first link.
  const XMLElement* best = nullptr;
  int best_score = -1;
  for (const auto* l : children(entry, ns, "link")) {
    const std::string_view rel = attr_view(l, "rel");
    const std::string_view type = attr_view(l, "type");
    const std::string_view href = trimmed(attr_view(l, "href"));
    if (href.empty()) continue;
    if (rel == "enclosure") {
      const std::string abs = common::resolve_url(xml_base(l, ctx.doc_base).value_or(base), href);
      if (type.starts_with("image/")) add_image(a, abs, attr_str(l, "title"), {});
      continue;
    }
    int score = 0;
    if (rel.empty() || rel == "alternate") score = 2;
    if (score == 2 && (type.empty() || type == "text/html" || type == "application/xhtml+xml"))
      score = 3;
    if (score > best_score) {
      best = l;
      best_score = score;
    }
  }
  if (best) {
    const std::optional<std::string> link_base = xml_base(best, ctx.doc_base);
    a.url = common::resolve_url(link_base ? *link_base : base, trimmed(attr_view(best, "href")));
  }
  a.id = trimmed_text(child(entry, ns, "id"));
  if (a.id.empty()) a.id = a.url;

  Dates dates;
  for (std::string_view name : {"published", "issued", "created"}) {
    dates.published(child(entry, ns, LocalName(name)));
    if (!dates.published_text.empty()) break;
  }
  if (dates.published_text.empty()) dates.published(child(entry, kNsDc, "date"));
  for (std::string_view name : {"updated", "modified"}) {
    dates.updated(child(entry, ns, LocalName(name)));
    if (!dates.updated_text.empty()) break;
  }

  std::vector<std::string> authors;
  std::string scratch;
  for (const auto* au : children(entry, ns, "author"))
    authors.push_back(plain_of(child(au, ns, "name"), Kind::Text));
  for (const auto* c : children(entry, kNsDc, "creator"))
    authors.push_back(plain_text(text_of(c, scratch)));
  a.author = join(std::move(authors));
  if (a.author.empty()) {
    // An entry inherits its source's and then its feed's author.
    if (const XMLElement* src = child(entry, ns, "source"))
      if (const XMLElement* au = child(src, ns, "author"))
        a.author = plain_of(child(au, ns, "name"), Kind::Text);
    if (a.author.empty()) a.author = ctx.feed_author;
  }

  for (const auto* c : children(entry, ns, "category")) {
    std::string t = trim(attr_view(c, "term"));
    if (t.empty()) t = attr_str(c, "label");
    if (t.empty()) t = text_of(c);
    t = common::collapse_whitespace(common::decode_html_entities(t));
    if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
      a.tags.push_back(std::move(t));
  }
  for (const auto* c : children(entry, kNsDc, "subject")) {
    std::string t = plain_of(c, Kind::Text);
    if (!t.empty() && std::find(a.tags.begin(), a.tags.end(), t) == a.tags.end())
      a.tags.push_back(std::move(t));
  }
  a.language = language_of(entry, ctx);
  read_media(entry, base, a);
  if (const XMLElement* v = child(entry, kNsYoutube, "videoId")) add_video(a, trimmed_text(v));

  const XMLElement* summary_el = child(entry, ns, "summary");
  std::string summary_scratch, body_scratch;
  const Kind summary_kind = content_kind(summary_el, true);
  // Plain-text summaries are made markup only if they have to be the body.
  std::string_view summary;
  if (summary_kind != Kind::Text) summary = markup_of(summary_el, summary_kind, summary_scratch);
  const XMLElement* content_el = child(entry, ns, "content");
  std::string_view body;
  if (content_el) {
    const Kind kind = content_kind(content_el, true);
    if (kind == Kind::Other || attr(content_el, {}, "src"))
      ctx.warnings.push_back("item " + std::to_string(index + 1) + ": content of type \"" +
                             attr_str(content_el, "type") + "\" not read");
    else
      body = markup_of(content_el, kind, body_scratch);
  }
  if (trimmed(body).empty()) {
    if (summary_kind == Kind::Text) summary = markup_of(summary_el, summary_kind, summary_scratch);
    body = summary;
  }
  if (a.title.empty() && a.url.empty() && trimmed(body).empty()) {
    ctx.warnings.push_back("item " + std::to_string(index + 1) +
                           ": no title, link or content; skipped");
    return false;
  }
  const XMLElement* body_el = content_el ? content_el : summary_el;
  const std::optional<std::string> own_base =
      body_el ? xml_base(body_el, ctx.doc_base) : std::nullopt;
  const std::string& body_base = own_base ? *own_base : a.url.empty() ? base : a.url;
  // Plain text needs no trip through markup (html_to_text of escaped text
  // is the text, whitespace collapsed).
  Lead lead{std::nullopt, summary};
  if (summary_kind == Kind::Text)
    lead.text = common::collapse_whitespace(text_of(summary_el, scratch));
  finish_article(a, dates, std::move(lead), body, body_base, index, ctx);
  return true;
}

// Whether only comments, processing instructions and whitespace follow the
// root element (tinyxml2 accepts trailing content the repair pass cuts).
bool nothing_after_root(const tinyxml2::XMLDocument& doc) {
  const XMLElement* root = doc.RootElement();
  if (!root) return false;
  for (const XMLNode* n = root->NextSibling(); n; n = n->NextSibling()) {
    if (n->ToComment() || n->ToDeclaration()) continue;
    if (const auto* t = n->ToText(); t && trimmed(value_of(t)).empty()) continue;
    return false;
  }
  return true;
}

bool looks_like_html(std::string_view text) {
  std::string head(text.substr(0, 2048));
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head.find("<!doctype html") != std::string::npos ||
         head.find("<html") != std::string::npos;
}

// Keep the `max` newest (a guessed date counts as now), in document order.
void keep_newest(std::vector<Article>& articles, size_t max) {
  if (articles.size() <= max) return;
  std::vector<size_t> order(articles.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return articles[x].published > articles[y].published;
  });
  order.resize(max);
  std::sort(order.begin(), order.end());
  std::vector<Article> kept;
  kept.reserve(max);
  for (size_t i : order) kept.push_back(std::move(articles[i]));
  articles = std::move(kept);
}

constexpr size_t kKeepBuffersUpTo = size_t{1} << 20;

// Empties the reused document and the parse's tables when a parse ends.
struct DocumentScope {
  DocumentScope(tinyxml2::XMLDocument& d, ParseTables& tables, TakenOut& t) : doc(d), taken_out(t) {
    t_tables = &tables;
  }
  ~DocumentScope() {
    // The buffers are kept for the next feed, unless an unusually large one
    // grew them: a worker thread should not hold megabytes between polls.
    if (taken_out.xml.capacity() > kKeepBuffersUpTo) taken_out = TakenOut{};
    t_taken_out = nullptr;
    t_facts = {};
    t_tables->other_ns.clear();
    t_tables->last = nullptr;
    for (auto& ix : t_tables->child_index) {
      ix.parent = nullptr;  // the elements go with the document
      ix.entries.clear();
    }
    t_tables = nullptr;
    doc.Clear();
  }
  DocumentScope(const DocumentScope&) = delete;
  DocumentScope& operator=(const DocumentScope&) = delete;
  tinyxml2::XMLDocument& doc;
  TakenOut& taken_out;
};

}  // namespace

ParseResult parse_feed(std::string_view input, const ParseOptions& options) {
  ParseResult result;
  // Feeds are nearly always valid NFC already: then the input is read in
  // place, and one scan is all this step costs.
  std::string owned;
  std::string_view text = input;
  const common::Utf8Scan scan = common::scan_utf8(input);
  if (!scan.nfc_quick) {
    bool replaced = false;
    owned = common::nfc_of_valid(scan.valid ? std::string(input)
                                            : common::valid_utf8(input, &replaced));
    if (replaced) result.warnings.push_back("invalid UTF-8 bytes replaced with U+FFFD");
    text = owned;
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (trimmed(text).empty()) {
    result.error = "the document is empty";
    return result;
  }

  // Most feeds are well-formed: tinyxml2 reads them as they are, and the
  // repair pass runs only when something shows it could have work to do.
  // One document per thread, reused: its node pools stay allocated from
  // one feed to the next (DocumentScope empties it after each parse).
  thread_local tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
  thread_local ParseTables tables;
  thread_local TakenOut taken_out;
  const DocumentScope document_scope(doc, tables, taken_out);
  tinyxml2::XMLError err = tinyxml2::XML_SUCCESS;
  RepairedXml repaired;
  std::string_view parsed = text;  // the text `doc` was read from
  const References refs = look_at_references(text);
  bool well_formed = !scan.controls && refs.xml_only;
  if (well_formed && take_out_long_text(text, taken_out)) {
    parsed = taken_out.xml;
    t_taken_out = &taken_out;
  }
  well_formed = well_formed && doc.Parse(parsed.data(), parsed.size()) == tinyxml2::XML_SUCCESS;
  if (well_formed && !nothing_after_root(doc)) {
    if (doc.RootElement()) {
      // Content after the root, which tinyxml2 takes: the root as read is
      // what the repair pass would give (it cuts there), so no second parse.
      result.warnings.push_back(
          std::string("ignored content after the end of the root element </") +
          doc.RootElement()->Name() + ">");
    } else {
      well_formed = false;
    }
  }
  if (!well_formed) {
    t_taken_out = nullptr;
    doc.Clear();
    repaired = repair_xml(text);
    parsed = repaired.xml;
    err = doc.Parse(repaired.xml.data(), repaired.xml.size());
    if ((err != tinyxml2::XML_SUCCESS || !repaired.root_closed) && !repaired.truncated.empty()) {
      tinyxml2::XMLDocument cut(true, tinyxml2::PRESERVE_WHITESPACE);
      if (cut.Parse(repaired.truncated.data(), repaired.truncated.size()) ==
          tinyxml2::XML_SUCCESS) {
        repaired.warnings.push_back("the document is truncated (no </" + repaired.root +
                                    ">); read the items before the cut");
        doc.Clear();
        parsed = repaired.truncated;
        err = doc.Parse(repaired.truncated.data(), repaired.truncated.size());
      }
    }
  }
  if (err != tinyxml2::XML_SUCCESS) {
    if (looks_like_html(text))
      result.error = "not a feed: the document is an HTML page";
    else if (!repaired.root.empty() && !repaired.root_closed)
      result.error = "not a complete XML document: it ends before </" + repaired.root +
                     "> and no complete item precedes the cut";
    else
      result.error = std::string("not well-formed XML (") + doc.ErrorName() + " at line " +
                     std::to_string(doc.ErrorLineNum()) + ")";
    return result;
  }
  result.warnings.insert(result.warnings.end(), repaired.warnings.begin(), repaired.warnings.end());

  const XMLElement* root = doc.RootElement();
  if (!root) {
    result.error = "not a feed: the document has no root element";
    return result;
  }
  Context ctx{options, result.warnings, options.feed_url, options.language, {}, {}, false};
  ctx.fields_clean = scan.nfc_quick && refs.keep_text_clean;
  const RootNamespaces root_namespaces(root, parsed, &t_facts.xml_base, &t_facts.xml_lang);
  const ParseScope parse_scope(root_namespaces);
  const std::string_view root_local = local_of(root->Name());
  const Ns root_ns = ns_of(root);
  std::vector<const XMLElement*> items;
  const XMLElement* channel = nullptr;

  if (root_local == "rss" || root_local == "RDF") {
    if (root_local == "RDF" && root_ns != kNsRdf && root_ns != Ns{}) {
      result.error = "not a feed: root element <" + std::string(root->Name()) + ">";
      return result;
    }
    if (root_local == "rss") {
      ctx.core_ns = root_ns;
      const std::string version = attr_str(root, "version");
      result.dialect = version.rfind("0.9", 0) == 0 ? "rss09x" : "rss2";
    } else {
      // RSS 1.0 and 0.90 keep their elements in their own namespace.
      ctx.core_ns = kNsRss10;
      for (const XMLElement* c = root->FirstChildElement(); c; c = c->NextSiblingElement())
        if (local_of(c->Name()) == "channel" || local_of(c->Name()) == "item") {
          ctx.core_ns = ns_of(c);
          break;
        }
      result.dialect = ctx.core_ns == kNsRss090 ? "rss090" : "rss1";
    }
    channel = child(root, ctx.core_ns, "channel");
    // Items belong in <channel> (RSS 2.0) or next to it (RSS 1.0); accept both.
    for (const auto* scope : {channel, root})
      for (const auto* it : children(scope, ctx.core_ns, "item")) items.push_back(it);
    const std::string link = trimmed_text(child(channel, ctx.core_ns, "link"));
    if (!link.empty()) ctx.doc_base = common::resolve_url(options.feed_url, link);
    if (const auto b = channel ? xml_base(channel, options.feed_url) : std::nullopt)
      ctx.doc_base = *b;
    std::string lang = trimmed_text(child(channel, ctx.core_ns, "language"));
    if (lang.empty()) lang = trimmed_text(child(channel, kNsDc, "language"));
    if (!lang.empty()) ctx.language = lang;
  } else if (root_local == "feed" &&
             (root_ns == kNsAtom10 || root_ns == kNsAtom03 || root_ns == Ns{})) {
    ctx.atom = true;
    ctx.core_ns = root_ns;
    result.dialect = root_ns == kNsAtom03 ? "atom03" : "atom10";
    for (const auto* it : children(root, ctx.core_ns, "entry")) items.push_back(it);
    if (const char* l = root->Attribute("xml:lang"); l && *l) ctx.language = trim(l);
    if (const XMLElement* au = child(root, ctx.core_ns, "author"))
      ctx.feed_author = plain_of(child(au, ctx.core_ns, "name"), Kind::Text);
  } else if (root_local == "html" || root_local == "HTML") {
    result.error = "not a feed: the document is an HTML page";
    return result;
  } else {
    result.error = "not a feed: root element <" + std::string(root->Name()) + ">";
    return result;
  }

  result.articles.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    // Read in place; an item that turns out empty is taken back.
    Article& a = result.articles.emplace_back();
    if (!(ctx.atom ? read_atom_entry(items[i], i, ctx, a) : read_rss_item(items[i], i, ctx, a)))
      result.articles.pop_back();
  }
  keep_newest(result.articles, options.max_items);
  return result;
}

}  // namespace syndicd::rss
