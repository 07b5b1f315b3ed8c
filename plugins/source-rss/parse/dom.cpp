// SPDX-License-Identifier: Apache-2.0
#include "parse/dom.hpp"

#include <string>

namespace syndicd::rss::detail {
namespace {

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
constexpr int kFirstOtherNs = 16;

std::string_view canonical_ns(std::string_view ns) {
  if (!ns.empty() && ns.back() == '/') ns.remove_suffix(1);
  return ns;
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

// Index just past the root element's start tag.
size_t root_start_tag_end(std::string_view t) {
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

}  // namespace

void ChildIndex::hash_entries() {
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

Ns intern_ns(std::string_view uri) {
  uri = canonical_ns(uri);
  for (size_t i = 0; i < std::size(kKnownNs); ++i)
    if (kKnownNs[i] == uri) return Ns{static_cast<int>(i)};
  // A few are looked for in a list; more in a hash table.
  constexpr size_t kListed = 16;
  auto& other = t_state->other_ns;
  auto& index = t_state->other_ns_index;
  if (other.size() <= kListed) {
    for (size_t i = 0; i < other.size(); ++i)
      if (other[i] == uri) return Ns{kFirstOtherNs + static_cast<int>(i)};
  } else if (const auto it = index.find(uri); it != index.end()) {
    return Ns{it->second};
  }
  const Ns ns{kFirstOtherNs + static_cast<int>(other.size())};
  other.push_back(uri);  // points into the document, which outlives the parse
  if (other.size() == kListed + 1)
    for (size_t i = 0; i < other.size(); ++i)
      index.emplace(other[i], kFirstOtherNs + static_cast<int>(i));
  else if (other.size() > kListed + 1)
    index.emplace(uri, ns.id);
  return ns;
}

// On the way, notes whether any xml:base or xml:lang attribute could be in
// the text (all three names start "xml", looked for in one pass; names
// cannot hide behind references, so an attribute is written as such).
RootNamespaces::RootNamespaces(const XMLElement* root, std::string_view text, DocFacts& facts) {
  const size_t start = root_start_tag_end(text);
  bool declared_below = start == std::string_view::npos;
  facts.xml_base = facts.xml_lang = false;
  for (size_t i = text.find("xml"); i != std::string_view::npos; i = text.find("xml", i + 3)) {
    const std::string_view after = text.substr(i + 3);
    if (after.starts_with("ns") && i >= start)
      declared_below = true;  // a declaration below the root
    else if (after.starts_with(":base"))
      facts.xml_base = true;
    else if (after.starts_with(":lang"))
      facts.xml_lang = true;
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

// tinyxml2 keeps xmlns attributes as plain attributes: resolve a prefix by
// walking up to the nearest declaration, which gives XML's scoping rules.
Ns resolve_prefix(const XMLElement* e, std::string_view prefix) {
  if (prefix.size() == 3 && prefix == "xml") return kNsXml;
  if (const RootNamespaces* root = t_state->root_namespaces) {
    if (auto ns = root->find(prefix)) return *ns;
    return prefix.empty() ? Ns{} : conventional_ns(prefix);
  }
  const std::string attr = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (const XMLElement* n = e; n; n = parent_element(n))
    if (const char* v = n->Attribute(attr.c_str())) return intern_ns(v);
  return prefix.empty() ? Ns{} : conventional_ns(prefix);
}

[[gnu::noinline]] const ChildIndex& find_or_build_child_index(const XMLElement* e) {
  ParseState& state = *t_state;
  for (auto& ix : state.child_index)
    if (ix.parent == e) {
      state.last = &ix;
      return ix;
    }
  ChildIndex& ix = state.child_index[state.child_index_next];
  state.last = &ix;
  state.child_index_next = (state.child_index_next + 1) % state.child_index.size();
  ix.parent = e;
  ix.entries.clear();
  // A child is in its parent's scope unless it declares the prefix itself:
  // each prefix is resolved once at the parent, not by a walk up the tree
  // from every child.
  // A few prefixes are remembered: children with thousands of different
  // ones (a hostile document) resolve each at the parent instead.
  constexpr size_t kRemembered = 16;
  std::vector<std::pair<std::string_view, Ns>> parent_scope;
  auto at_parent = [&](std::string_view prefix) {
    for (const auto& [p, ns] : parent_scope)
      if (p == prefix) return ns;
    const Ns ns = resolve_prefix(e, prefix);
    if (parent_scope.size() < kRemembered) parent_scope.emplace_back(prefix, ns);
    return ns;
  };
  for (const XMLElement* c = e->FirstChildElement(); c; c = c->NextSiblingElement()) {
    const std::string_view name = c->Name();
    const size_t colon = name.find(':');
    const std::string_view prefix =
        colon == std::string_view::npos ? std::string_view{} : name.substr(0, colon);
    const std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
    std::optional<Ns> ns;
    if (!state.root_namespaces)  // declarations below the root: this child may make one
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

Elements children(const XMLElement* e, Ns ns, const LocalName& local) {
  Elements out;
  if (!e) return out;
  const ChildIndex& ix = child_index(e);
  for (const ChildIndex::Entry* c = ix.first(ns, local); c;
       c = c->next == ChildIndex::kNone ? nullptr : &ix.entries[c->next])
    out.push_back(c->element);
  return out;
}

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

}  // namespace syndicd::rss::detail
