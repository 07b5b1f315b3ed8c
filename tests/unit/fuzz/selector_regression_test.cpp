// SPDX-License-Identifier: Apache-2.0
// The CSS selector engine on the pages that made it slow: descendant
// combinators tried every ancestor for every element, again for each
// combinator (elements × depth^k), and :last-child / :nth-child counted the
// siblings again for each sibling (quadratic). Results are checked against
// direct walks of the tree, and against the plain right-to-left definition
// on random trees; the work is counted in WorkBudget steps.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/html_extract/dom.hpp"
#include "syndicd/html_extract/selector.hpp"

namespace {

using syndicd::common::BudgetScope;
using syndicd::common::WorkBudget;
using syndicd::fuzz_test::fixture;
using syndicd::fuzz_test::split_first_line;
using namespace syndicd::html;

struct Outcome {
  size_t matches = 0;
  uint64_t steps = 0;
};

Outcome css(const Document& doc, const std::string& selector) {
  const Selector s = Selector::compile(selector);
  WorkBudget budget;
  BudgetScope scope(budget);
  Outcome r;
  r.matches = s.select(doc.root()).nodes.size();
  r.steps = budget.steps();
  return r;
}

size_t elements(const Document& doc) {
  size_t n = 0;
  for (xmlNode* e = doc.root(); e != nullptr; e = next_in_order(e, doc.root()))
    n += is_element(e) ? 1 : 0;
  return n;
}

// The oracles below walk the tree directly (libxml2's XPath is itself
// quadratic on sibling axes over pages like these).

// <a> elements with at least `divs` <div> ancestors, inside <body>.
size_t links_under_divs(const Document& doc, size_t divs) {
  size_t n = 0;
  for (xmlNode* e = doc.root(); e != nullptr; e = next_in_order(e, doc.root())) {
    if (!is_tag(e, "a")) continue;
    size_t found = 0;
    for (xmlNode* p = parent_element(e); p != nullptr; p = parent_element(p))
      found += is_tag(p, "div") ? 1 : 0;
    n += found >= divs ? 1 : 0;
  }
  return n;
}

// <li> elements whose 1-based position among their element siblings,
// counted from the start or the end, satisfies `want`.
template <class Want>
size_t items_at(const Document& doc, bool from_end, Want want) {
  size_t n = 0;
  for (xmlNode* e = doc.root(); e != nullptr; e = next_in_order(e, doc.root())) {
    if (!is_element(e)) continue;
    std::vector<xmlNode*> kids;
    for (xmlNode* c = first_child_element(e); c != nullptr; c = next_element(c)) kids.push_back(c);
    for (size_t i = 0; i < kids.size(); ++i)
      if (is_tag(kids[i], "li") && want(static_cast<long>(from_end ? kids.size() - i : i + 1))) ++n;
  }
  return n;
}

TEST(FuzzRegression, SelectorSlow1DescendantCombinators) {
  const auto [selector, html] = split_first_line(fixture("selector-slow-1"));
  ASSERT_EQ(selector, "css:.wrap div a");
  const Document doc = Document::parse(html, "https://example.vn/");
  const size_t n = elements(doc);
  // No .wrap on the page: nothing matches, and finding that out no longer
  // tries every pair of ancestors of each link.
  const Outcome one = css(doc, selector);
  EXPECT_EQ(one.matches, 0u);
  // Per element: one step, and one per compound tested (3 here).
  EXPECT_LE(one.steps, 4 * n + 64);
  const Outcome two = css(doc, "css:.wrap div div a");
  EXPECT_EQ(two.matches, 0u);
  EXPECT_LE(two.steps, 5 * n + 64);
  // Selectors that match, with up to four descendant combinators.
  const Outcome body = css(doc, "css:body div a");
  EXPECT_EQ(body.matches, links_under_divs(doc, 1));
  EXPECT_GT(body.matches, 4000u);
  EXPECT_LE(body.steps, 4 * n + 64);
  const Outcome deep = css(doc, "css:body div div div div a");
  EXPECT_EQ(deep.matches, links_under_divs(doc, 4));
  EXPECT_LE(deep.steps, 7 * n + 64);
  // first() stops at the first match.
  EXPECT_TRUE(is_tag(Selector::compile("css:body div div a").first(doc.root()), "a"));
}

TEST(FuzzRegression, SelectorSlow2LastChild) {
  const auto [selector, html] = split_first_line(fixture("selector-slow-2"));
  ASSERT_EQ(selector, "css:li:last-child");
  const Document doc = Document::parse(html, "https://example.vn/");
  const size_t n = elements(doc);
  ASSERT_GT(n, 16000u);
  const Outcome r = css(doc, selector);
  EXPECT_EQ(r.matches, items_at(doc, true, [](long i) { return i == 1; }));
  EXPECT_EQ(r.matches, 1u);
  // Each element once, each parent's children counted once.
  EXPECT_LE(r.steps, 3 * n + 64);
  const Outcome first = css(doc, "css:li:first-child");
  EXPECT_EQ(first.matches, 1u);
  EXPECT_LE(first.steps, 3 * n + 64);
}

TEST(FuzzRegression, SelectorSlow3NthChild) {
  const auto [selector, html] = split_first_line(fixture("selector-slow-3"));
  ASSERT_EQ(selector, "css:li:nth-child(2n+1)");
  const Document doc = Document::parse(html, "https://example.vn/");
  const size_t n = elements(doc);
  const Outcome r = css(doc, selector);
  EXPECT_EQ(r.matches, items_at(doc, false, [](long i) { return i % 2 == 1; }));
  EXPECT_GT(r.matches, 8000u);
  EXPECT_LE(r.steps, 3 * n + 64);
  const Outcome last = css(doc, "css:li:nth-last-child(3n)");
  EXPECT_EQ(last.matches, items_at(doc, true, [](long i) { return i % 3 == 0; }));
  EXPECT_LE(last.steps, 3 * n + 64);
}

// The top-down engine against the plain right-to-left definition, on random
// trees and selectors (tags, classes, :nth-child, ' ' and '>').
struct Part {
  std::string tag, cls;
  int nth = 0;  // 0: none; else :nth-child(nth) or, negative, :nth-last-child(-nth)
  std::string text() const {
    std::string s = tag.empty() ? "*" : tag;
    if (!cls.empty()) s += "." + cls;
    if (nth > 0) s += ":nth-child(" + std::to_string(nth) + ")";
    if (nth < 0) s += ":nth-last-child(" + std::to_string(-nth) + ")";
    return s;
  }
};

long position(const xmlNode* el, bool from_end) {
  long i = 1;
  for (const xmlNode* s = from_end ? next_element(el) : prev_element(el); s != nullptr;
       s = from_end ? next_element(s) : prev_element(s))
    ++i;
  return i;
}

bool part_matches(const xmlNode* el, const Part& p) {
  if (!p.tag.empty() && tag(el) != p.tag) return false;
  if (!p.cls.empty() && attr(el, "class") != p.cls) return false;
  if (p.nth != 0) {
    if (parent_element(el) == nullptr) return false;
    if (position(el, p.nth < 0) != (p.nth < 0 ? -p.nth : p.nth)) return false;
  }
  return true;
}

bool reference_matches(const std::vector<Part>& parts, const std::string& combs, size_t i,
                       const xmlNode* el) {
  if (!part_matches(el, parts[i])) return false;
  if (i == 0) return true;
  const xmlNode* p = parent_element(el);
  if (combs[i - 1] == '>') return p != nullptr && reference_matches(parts, combs, i - 1, p);
  for (; p != nullptr; p = parent_element(p))
    if (reference_matches(parts, combs, i - 1, p)) return true;
  return false;
}

TEST(FuzzRegression, SelectorTopDownMatchesReference) {
  std::mt19937 rng(12);
  const char* tags[] = {"div", "p", "a", "span"};
  const char* classes[] = {"", "x", "y"};
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  for (int round = 0; round < 300; ++round) {
    // A random tree: each element opens, maybe nests, closes.
    std::string html = "<html><body>";
    int depth = 0;
    for (int k = 0; k < 60; ++k) {
      if (depth > 0 && pick(3) == 0) {
        html += "</div>";
        --depth;
      } else {
        const std::string cls = classes[pick(3)];
        html += "<div class=\"" + cls + "\">";
        ++depth;
        if (pick(2) == 0)
          html += std::string("<") + tags[1 + pick(3)] + " class=\"" + classes[pick(3)] + "\">t</" +
                  tags[1 + pick(3)] + ">";
      }
    }
    const Document doc = Document::parse(html, "https://example.vn/");
    for (int s = 0; s < 10; ++s) {
      std::vector<Part> parts(1 + static_cast<size_t>(pick(4)));
      std::string combs, text = "css:";
      for (size_t i = 0; i < parts.size(); ++i) {
        Part& p = parts[i];
        if (pick(3) != 0) p.tag = tags[pick(4)];
        p.cls = classes[pick(3)];
        if (pick(4) == 0) p.nth = (pick(2) == 0 ? 1 : -1) * (1 + pick(3));
        if (i > 0) {
          combs += pick(2) == 0 ? '>' : ' ';
          text += combs.back() == '>' ? " > " : " ";
        }
        text += p.text();
      }
      std::vector<xmlNode*> want;
      for (xmlNode* e = doc.root()->children; e != nullptr; e = next_in_order(e, doc.root()))
        if (is_element(e) && reference_matches(parts, combs, parts.size() - 1, e))
          want.push_back(e);
      const Selector sel = Selector::compile(text);
      ASSERT_EQ(sel.select(doc.root()).nodes, want) << text << "\n" << html;
      ASSERT_EQ(sel.first(doc.root()), want.empty() ? nullptr : want.front()) << text;
      // From inside the tree: ancestors outside the scope still count.
      if (xmlNode* inner = Selector::compile("css:div div").first(doc.root())) {
        std::vector<xmlNode*> inside;
        for (xmlNode* e : want)
          if (contains(inner, e) && e != inner) inside.push_back(e);
        ASSERT_EQ(sel.select(inner).nodes, inside) << text << "\n" << html;
      }
    }
  }
}

}  // namespace

namespace {

// Under a budget the selectors stop at its limit: CSS at its checkpoints,
// XPath through libxml2's operation count. (libxml2 2.9's node-set merge is
// not counted and is quadratic: `xpath://div//div//a` takes seconds on this
// page whatever the budget; css: is the form to use on hostile pages.)
TEST(FuzzRegression, SelectorsStopAtTheBudget) {
  const auto [selector, html] = split_first_line(fixture("selector-slow-1"));
  const Document doc = Document::parse(html, "https://example.vn/");
  syndicd::common::WorkLimits limits;
  limits.steps = 1000;
  for (const char* text :
       {"css:body div div a", "xpath:count(//*//*)", "xpath://a[count(ancestor::*) > 3]"}) {
    const Selector s = Selector::compile(text);
    WorkBudget budget(limits);
    BudgetScope scope(budget);
    try {
      s.select(doc.root());
      ADD_FAILURE() << text << ": no BudgetExceeded";
    } catch (const syndicd::common::BudgetExceeded& e) {
      EXPECT_EQ(e.limit(), syndicd::common::BudgetExceeded::Limit::steps) << text;
    }
  }
  // Within the budget, XPath's operations are charged to it.
  WorkBudget budget;
  {
    BudgetScope scope(budget);
    EXPECT_EQ(Selector::compile("xpath://body").select(doc.root()).nodes.size(), 1u);
  }
  EXPECT_GT(budget.steps(), 0u);
}

}  // namespace
