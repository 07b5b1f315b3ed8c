// SPDX-License-Identifier: Apache-2.0
// The feed document as the dialect readers see it: elements found by
// namespace and local name, attributes by name, namespaces resolved the way
// XML scopes them. tinyxml2 knows nothing of namespaces; this adds them
// without a walk up the tree for every question.
//
// Every function here reads the tables of the parse in progress on this
// thread (ParseState, set up by parse_feed for one document).
#pragma once

#include <tinyxml2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace syndicd::rss::detail {

using tinyxml2::XMLElement;
using tinyxml2::XMLNode;

/// A namespace as a small number: the ones this reader asks for have fixed
/// ids, and any other URI a document declares gets one for the parse. URIs
/// compare without a trailing '/': feeds write both forms of the MRSS and
/// RSS 1.0 URIs.
struct Ns {
  int id = 0;  ///< 0: no namespace
  friend bool operator==(Ns, Ns) = default;
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

/// A local name as the child index compares it: its first eight bytes and
/// its length in two integers (nearly every feed element name is that
/// short), the full name only when those agree on a longer one.
struct LocalName {
  std::uint64_t head = 0;
  std::size_t size = 0;
  std::string_view name;
  explicit LocalName(std::string_view n) : size(n.size()), name(n) {
    std::memcpy(&head, n.data(), std::min<std::size_t>(n.size(), 8));
  }
  /// A literal: the copy has a size known when compiling, so is one load.
  template <std::size_t N>
  LocalName(const char (&n)[N]) : size(N - 1), name(n, N - 1) {  // NOLINT: implicit
    std::memcpy(&head, n, std::min<std::size_t>(N - 1, 8));
  }
  bool operator==(const LocalName& o) const {
    return head == o.head && size == o.size && (size <= 8 || name == o.name);
  }
};

/// The element children of an element with their namespace and local name
/// resolved once: an item is asked for some twenty children by name. A few
/// are kept (an item and the author, group or media element inside it being
/// read); the parse in progress clears them when it ends, as the elements go
/// with it.
struct ChildIndex {
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Entry {
    LocalName local;
    Ns ns;
    const XMLElement* element;
    uint32_t next = kNone;  ///< the next entry with the same name
  };
  const XMLElement* parent = nullptr;
  std::vector<Entry> entries;  ///< in document order
  /// Open addressing by name: the first and last entry of each name, so a
  /// lookup is a probe or two however many children there are.
  std::vector<uint32_t> heads, tails;

  static size_t hash(Ns ns, const LocalName& l) {
    const std::uint64_t h =
        (l.head ^ (std::uint64_t{l.size} << 56) ^ static_cast<std::uint64_t>(ns.id)) *
        0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 40);
  }
  /// Fills heads/tails/next from `entries`.
  void hash_entries();
  /// The first child named so, or nullptr.
  const Entry* first(Ns ns, const LocalName& l) const {
    const size_t mask = heads.size() - 1;
    for (size_t h = hash(ns, l) & mask; heads[h] != kNone; h = (h + 1) & mask) {
      const Entry& e = entries[heads[h]];
      if (e.ns == ns && e.local == l) return &e;
    }
    return nullptr;
  }
};

class RootNamespaces;
struct TakenOut;

/// What a look at the whole document told (RootNamespaces finds it out):
/// whether any element can have xml:base or xml:lang, so the readers can
/// skip walking up the tree for them.
struct DocFacts {
  bool xml_base = true;
  bool xml_lang = true;
};

/// The tables of the parse in progress on this thread. parse_feed owns one
/// per thread and empties it when a parse ends; everything below reaches it
/// through `t_state`.
struct ParseState {
  std::vector<std::string_view> other_ns;  ///< URIs other than the known ones
  /// other_ns by URI, once there are more than a few (a hostile document
  /// can declare thousands).
  std::unordered_map<std::string_view, int> other_ns_index;
  std::array<ChildIndex, 4> child_index;
  size_t child_index_next = 0;
  ChildIndex* last = nullptr;  ///< the one asked for last (lookups come in runs)
  /// The root's declarations, when the document makes them all there.
  const RootNamespaces* root_namespaces = nullptr;
  /// The long runs taken out of the text tinyxml2 read, if any.
  const TakenOut* taken_out = nullptr;
  DocFacts facts;
};

/// A plain pointer, constant-initialised: reached without the call a
/// thread_local with a constructor or destructor costs on every use.
inline constinit thread_local ParseState* t_state = nullptr;

/// The namespace id of `uri` for this parse.
Ns intern_ns(std::string_view uri);

inline std::string_view prefix_of(std::string_view qname) {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}
inline std::string_view local_of(std::string_view qname) {
  const size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

inline const XMLElement* parent_element(const XMLElement* e) {
  const XMLNode* p = e->Parent();
  return p ? p->ToElement() : nullptr;
}

/// The namespace declarations of a document that makes them all on its root
/// element, as nearly every feed does: a prefix then resolves by a look at
/// this short list instead of a walk up the tree at every element.
class RootNamespaces {
 public:
  /// `text` is what the document was parsed from. On the way, notes in
  /// `facts` whether any xml:base or xml:lang attribute could be in it.
  RootNamespaces(const XMLElement* root, std::string_view text, DocFacts& facts);
  bool usable() const { return usable_; }
  /// The namespace of `prefix`; nullopt when it is not declared.
  std::optional<Ns> find(std::string_view prefix) const {
    for (const auto& [p, ns] : decls_)
      if (p == prefix) return ns;
    return std::nullopt;
  }

 private:
  std::vector<std::pair<std::string_view, Ns>> decls_;
  bool usable_ = false;
};

/// The namespace `prefix` has at `e` ("" for the default namespace).
Ns resolve_prefix(const XMLElement* e, std::string_view prefix);
/// The namespace of element `e` itself.
inline Ns ns_of(const XMLElement* e) {
  return resolve_prefix(e, prefix_of(e->Name()));
}

/// child_index() when `e` is not the element asked about last: out of line
/// so the common case stays a compare and a return.
const ChildIndex& find_or_build_child_index(const XMLElement* e);

/// The index of `e`'s element children.
inline const ChildIndex& child_index(const XMLElement* e) {
  const ChildIndex* last = t_state->last;
  if (last && last->parent == e) [[likely]]
    return *last;
  return find_or_build_child_index(e);
}

/// The first child of `e` with this namespace and local name, or nullptr.
inline const XMLElement* child(const XMLElement* e, Ns ns, const LocalName& local) {
  if (!e) return nullptr;
  const ChildIndex::Entry* c = child_index(e).first(ns, local);
  return c ? c->element : nullptr;
}

/// The children found by name: a few, kept inline (an item has one or two
/// categories, authors or links; the items of a channel go to the heap).
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

/// Every child of `e` with this namespace and local name, in document order.
Elements children(const XMLElement* e, Ns ns, const LocalName& local);

/// An attribute by namespace and local name; unprefixed attributes are in
/// no namespace, whatever the element's default namespace.
const char* attr(const XMLElement* e, Ns ns, std::string_view local);
/// An unprefixed attribute's value, "" when it is not there.
inline std::string_view attr_view(const XMLElement* e, std::string_view local) {
  const char* v = attr(e, {}, local);
  return v ? std::string_view(v) : std::string_view{};
}
inline std::string attr_str(const XMLElement* e, std::string_view local) {
  return std::string(attr_view(e, local));
}

}  // namespace syndicd::rss::detail
