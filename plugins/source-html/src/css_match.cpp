// SPDX-License-Identifier: Apache-2.0
// Matching of compiled `css:` selectors (css.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "css.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/html_extract/dom.hpp"

namespace syndicd::html::css {
namespace {

bool html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool has_token(std::string_view value, std::string_view token) {
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && html_space(value[i])) ++i;
    size_t j = i;
    while (j < value.size() && !html_space(value[j])) ++j;
    if (j > i && value.substr(i, j - i) == token) return true;
    i = j;
  }
  return false;
}

bool attr_matches(const xmlNode* el, const AttrTest& t) {
  if (!has_attr(el, t.name.c_str())) return false;
  if (t.op == AttrTest::Op::exists) return true;
  const std::string v = attr(el, t.name.c_str());
  switch (t.op) {
    case AttrTest::Op::equals:
      return v == t.value;
    case AttrTest::Op::contains:
      return !t.value.empty() && v.find(t.value) != std::string::npos;
    case AttrTest::Op::prefix:
      return !t.value.empty() && v.rfind(t.value, 0) == 0;
    case AttrTest::Op::suffix:
      return !t.value.empty() && v.size() >= t.value.size() &&
             v.compare(v.size() - t.value.size(), t.value.size(), t.value) == 0;
    case AttrTest::Op::word:
      return has_token(v, t.value);
    case AttrTest::Op::exists:
      break;
  }
  return true;
}

// Where an element stands among its parent's element children, for
// :nth-child and friends. `count` is known only when the selector counts
// from the end (the children are counted once per parent).
struct Position {
  bool has_parent = false;  // the root element has no position among siblings
  long index = 0;           // 1-based
  long count = 0;
};

bool nth_matches(const Position& at, const Nth& n) {
  if (!at.has_parent) return false;
  const long index = n.from_end ? at.count - at.index + 1 : at.index;
  if (n.a == 0) return index == n.b;
  const long diff = index - n.b;
  return diff % n.a == 0 && diff / n.a >= 0;
}

bool compound_matches(const xmlNode* el, const Compound& c, const Position& at) {
  common::charge_work();
  if (!c.tag.empty() && tag(el) != c.tag) return false;
  if (!c.ids.empty()) {
    const std::string id = attr(el, "id");
    for (const auto& want : c.ids)
      if (id != want) return false;
  }
  if (!c.classes.empty()) {
    const std::string cls = attr(el, "class");
    for (const auto& want : c.classes)
      if (!has_token(cls, want)) return false;
  }
  for (const auto& t : c.attrs)
    if (!attr_matches(el, t)) return false;
  for (const auto& n : c.nths)
    if (!nth_matches(at, n)) return false;
  return true;
}

long count_element_children(const xmlNode* parent) {
  long count = 0;
  for (const xmlNode* c = first_child_element(parent); c != nullptr; c = next_element(c)) ++count;
  common::charge_work(static_cast<std::uint64_t>(count));
  return count;
}

// Matching runs top-down, over a walk of the tree, for all compounds at
// once: for the element on top of the walk and each compound j (all
// alternatives' compounds numbered in a row), `self` says whether the
// complex selector's compounds up to j match with j on this element, and
// `up` whether they do on it or on an ancestor. Both follow from the
// parent's two sets, so each element costs one pass over the compounds:
// linear in elements × compounds, where matching right to left by trying
// every ancestor for each descendant combinator is elements × depth^k.
class Matcher {
 public:
  explicit Matcher(const Selector::Css& css) {
    for (const auto& alt : css.alternatives) {
      for (size_t i = 0; i < alt.parts.size(); ++i) {
        parts_.push_back(&alt.parts[i]);
        links_.push_back(i == 0 ? '\0' : alt.combinators[i - 1]);
        for (const auto& n : alt.parts[i].nths) counts_from_end_ = counts_from_end_ || n.from_end;
      }
      subjects_.push_back(parts_.size() - 1);
    }
    words_ = (parts_.size() + 63) / 64;
    bits_.assign(2 * words_, 0);  // the state above the top: nothing matched
  }

  bool counts_from_end() const { return counts_from_end_; }

  // Push the state of `el` (a child of the element whose state is on top)
  // and say whether the selector matches it.
  bool push(const xmlNode* el, const Position& at) {
    const size_t base = bits_.size();
    bits_.resize(base + 2 * words_, 0);
    const std::uint64_t* parent_self = bits_.data() + base - 2 * words_;
    const std::uint64_t* parent_up = parent_self + words_;
    std::uint64_t* self = bits_.data() + base;
    std::uint64_t* up = self + words_;
    common::charge_work();
    for (size_t j = 0; j < parts_.size(); ++j) {
      const char link = links_[j];
      const bool candidate = link == '\0'  ? true
                             : link == '>' ? test(parent_self, j - 1)
                                           : test(parent_up, j - 1);
      if (candidate && compound_matches(el, *parts_[j], at)) set(self, j);
    }
    bool matched = false;
    for (size_t w = 0; w < words_; ++w) up[w] = self[w] | parent_up[w];
    for (size_t j : subjects_) matched = matched || test(self, j);
    return matched;
  }

  void pop() { bits_.resize(bits_.size() - 2 * words_); }

  // Push the states of `scope` and its element ancestors, the root first.
  void push_ancestors(const xmlNode* scope) {
    std::vector<const xmlNode*> chain;
    for (const xmlNode* n = is_element(scope) ? scope : nullptr; n != nullptr;
         n = parent_element(n))
      chain.push_back(n);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) push(*it, position_of(*it));
  }

 private:
  static bool test(const std::uint64_t* bits, size_t j) { return (bits[j / 64] >> (j % 64)) & 1u; }
  static void set(std::uint64_t* bits, size_t j) { bits[j / 64] |= std::uint64_t{1} << (j % 64); }

  // Outside the walk (scope and its ancestors): counted on the spot.
  Position position_of(const xmlNode* el) const {
    Position at;
    at.has_parent = parent_element(el) != nullptr;
    if (!at.has_parent) return at;
    at.index = 1;
    for (const xmlNode* s = prev_element(el); s != nullptr; s = prev_element(s)) ++at.index;
    common::charge_work(static_cast<std::uint64_t>(at.index));
    if (counts_from_end_) at.count = count_element_children(el->parent);
    return at;
  }

  std::vector<const Compound*> parts_;
  std::vector<char> links_;  // '\0' before the first compound of a complex selector
  std::vector<size_t> subjects_;
  bool counts_from_end_ = false;
  size_t words_ = 0;
  std::vector<std::uint64_t> bits_;  // per pushed element: self, then up
};

}  // namespace

// Iterative: page depth is not bounded by the stack.
void for_each_match(const Selector::Css& css, const xmlNode* scope,
                    const std::function<bool(xmlNode*)>& visit) {
  Matcher m(css);
  m.push_ancestors(scope);
  // One level per element whose children are being walked; the first is
  // scope's own.
  struct Level {
    const xmlNode* next;
    long index;
    long count;
  };
  std::vector<Level> levels;
  levels.push_back({first_child_element(scope), 0, -1});
  while (!levels.empty()) {
    Level& level = levels.back();
    const xmlNode* el = level.next;
    if (el == nullptr) {
      levels.pop_back();
      if (!levels.empty()) m.pop();
      continue;
    }
    level.next = next_element(el);
    Position at;
    at.has_parent = parent_element(el) != nullptr;
    at.index = ++level.index;
    if (at.has_parent && m.counts_from_end()) {
      if (level.count < 0) level.count = count_element_children(el->parent);
      at.count = level.count;
    }
    if (m.push(el, at) && !visit(const_cast<xmlNode*>(el))) return;
    levels.push_back({first_child_element(el), 0, -1});
  }
}

}  // namespace syndicd::html::css
