// SPDX-License-Identifier: Apache-2.0
#include "syndicd/html_extract/selector.hpp"

#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <algorithm>
#include <cstdlib>

#include "css.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/html_extract/dom.hpp"

namespace syndicd::html {

struct Selector::XPath {
  xmlXPathCompExprPtr expr = nullptr;
  XPath() = default;
  XPath(const XPath&) = delete;
  XPath& operator=(const XPath&) = delete;
  ~XPath() {
    if (expr != nullptr) xmlXPathFreeCompExpr(expr);
  }
};

// ---------------------------------------------------------------------------
// CSS: parser (into css.hpp's form; css_match.cpp matches it)

namespace {

using css::AttrTest;
using css::Complex;
using css::Compound;
using css::Nth;

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string s) {
  for (char& c : s) c = lower(c);
  return s;
}

class CssParser {
 public:
  CssParser(std::string_view whole, size_t offset)
      : whole_(whole), s_(whole.substr(offset)), offset_(offset) {}

  Selector::Css parse() {
    Selector::Css css;
    skip_space();
    if (at_end()) fail("empty selector");
    for (;;) {
      css.alternatives.push_back(complex());
      skip_space();
      if (at_end()) break;
      if (peek() != ',') fail(std::string("unexpected '") + peek() + "'");
      ++i_;
      skip_space();
      if (at_end()) fail("expected a selector after ','");
    }
    return css;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const { fail_at(i_, why); }
  [[noreturn]] void fail_at(size_t at, const std::string& why) const {
    const size_t column = offset_ + at + 1;
    throw SelectorError(
        "selector \"" + std::string(whole_) + "\" column " + std::to_string(column) + ": " + why,
        column);
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
  bool skip_space() {
    const size_t start = i_;
    while (!at_end() && space(peek())) ++i_;
    return i_ != start;
  }
  static bool ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || static_cast<unsigned char>(c) >= 0x80;
  }
  static bool ident_start(char c) { return ident_char(c) && !(c >= '0' && c <= '9'); }

  // An identifier with `\` escapes (the escaped character is taken as is).
  std::string ident(const char* what) {
    std::string out;
    while (!at_end()) {
      const char c = peek();
      if (c == '\\') {
        if (i_ + 1 >= s_.size()) fail("unfinished escape");
        out += s_[i_ + 1];
        i_ += 2;
      } else if (ident_char(c)) {
        out += c;
        ++i_;
      } else {
        break;
      }
    }
    if (out.empty()) fail(std::string("expected ") + what);
    return out;
  }

  Complex complex() {
    Complex c;
    c.parts.push_back(compound());
    for (;;) {
      const bool had_space = skip_space();
      if (at_end() || peek() == ',') break;
      char comb = ' ';
      if (peek() == '>') {
        comb = '>';
        ++i_;
        skip_space();
        if (at_end() || peek() == ',' || peek() == '>') fail("expected a selector after '>'");
      } else if (peek() == '+' || peek() == '~') {
        fail(std::string("the '") + peek() + "' combinator is not supported");
      } else if (!had_space) {
        fail(std::string("unexpected '") + peek() + "'");
      }
      c.combinators.push_back(comb);
      c.parts.push_back(compound());
    }
    return c;
  }

  Compound compound() {
    Compound c;
    const size_t start = i_;
    if (peek() == '*') {
      ++i_;
    } else if (ident_start(peek()) || peek() == '\\') {
      c.tag = lower(ident("an element name"));
    }
    for (;;) {
      const char ch = peek();
      if (ch == '.') {
        ++i_;
        c.classes.push_back(ident("a class name after '.'"));
      } else if (ch == '#') {
        ++i_;
        c.ids.push_back(ident("an id after '#'"));
      } else if (ch == '[') {
        ++i_;
        c.attrs.push_back(attribute());
      } else if (ch == ':') {
        pseudo(c);
      } else {
        break;
      }
    }
    if (i_ == start) {
      if (at_end()) fail("expected a selector");
      fail(std::string("expected a selector, found '") + peek() + "'");
    }
    return c;
  }

  AttrTest attribute() {
    AttrTest t;
    skip_space();
    t.name = lower(ident("an attribute name after '['"));
    skip_space();
    if (peek() == ']') {
      ++i_;
      return t;
    }
    const size_t op_at = i_;
    const char c = peek();
    if (c == '=') {
      t.op = AttrTest::Op::equals;
      ++i_;
    } else if ((c == '*' || c == '^' || c == '$' || c == '~') && i_ + 1 < s_.size() &&
               s_[i_ + 1] == '=') {
      t.op = c == '*'   ? AttrTest::Op::contains
             : c == '^' ? AttrTest::Op::prefix
             : c == '$' ? AttrTest::Op::suffix
                        : AttrTest::Op::word;
      i_ += 2;
    } else if (at_end()) {
      fail("unclosed '[': expected ']'");
    } else {
      fail_at(op_at, std::string("expected '=', '*=', '^=', '$=', '~=' or ']' in attribute "
                                 "selector, found '") +
                         c + "'");
    }
    skip_space();
    if (peek() == '"' || peek() == '\'') {
      const char q = peek();
      const size_t open = i_;
      ++i_;
      while (!at_end() && peek() != q) {
        if (peek() == '\\' && i_ + 1 < s_.size()) ++i_;
        t.value += peek();
        ++i_;
      }
      if (at_end()) fail_at(open, "unterminated string");
      ++i_;
    } else {
      t.value = ident("an attribute value");
    }
    skip_space();
    if (peek() != ']') fail("expected ']'");
    ++i_;
    return t;
  }

  void pseudo(Compound& c) {
    const size_t colon = i_;
    ++i_;
    if (peek() == ':') fail("pseudo-elements ('::') are not supported");
    const std::string name = lower(ident("a pseudo-class name after ':'"));
    if (name == "first-child") {
      c.nths.push_back({0, 1, false});
    } else if (name == "last-child") {
      c.nths.push_back({0, 1, true});
    } else if (name == "nth-child" || name == "nth-last-child") {
      if (peek() != '(') fail("expected '(' after :" + name);
      ++i_;
      skip_space();
      const size_t arg_start = i_;
      while (!at_end() && peek() != ')') ++i_;
      if (at_end()) fail_at(arg_start - 1, "unclosed '(' in :" + name);
      std::string arg(s_.substr(arg_start, i_ - arg_start));
      ++i_;
      while (!arg.empty() && space(arg.back())) arg.pop_back();
      Nth n = nth(arg, arg_start);
      n.from_end = name == "nth-last-child";
      c.nths.push_back(n);
    } else {
      fail_at(colon, "unsupported pseudo-class ':" + name +
                         "' (supported: :first-child, :last-child, :nth-child())");
    }
  }

  // "3", "odd", "even", "2n+1", "-n+3", "n".
  Nth nth(std::string arg, size_t at) {
    std::string s;
    for (char ch : arg)
      if (!space(ch)) s += lower(ch);
    if (s == "odd") return {2, 1, false};
    if (s == "even") return {2, 0, false};
    auto bad = [&]() { fail_at(at, "bad :nth-child argument \"" + arg + "\""); };
    if (s.empty()) bad();
    auto number = [&](const std::string& t, long& out) {
      if (t.empty()) return false;
      size_t k = (t[0] == '+' || t[0] == '-') ? 1 : 0;
      if (k == t.size()) return false;
      for (size_t j = k; j < t.size(); ++j)
        if (t[j] < '0' || t[j] > '9' || j - k > 6) return false;
      out = std::strtol(t.c_str(), nullptr, 10);
      return true;
    };
    Nth n;
    const size_t npos = s.find('n');
    if (npos == std::string::npos) {
      if (!number(s, n.b)) bad();
      n.a = 0;
      return n;
    }
    const std::string a = s.substr(0, npos);
    const std::string b = s.substr(npos + 1);
    if (a.empty() || a == "+")
      n.a = 1;
    else if (a == "-")
      n.a = -1;
    else if (!number(a, n.a))
      bad();
    if (b.empty())
      n.b = 0;
    else if (!number(b, n.b) || (b[0] != '+' && b[0] != '-'))
      bad();
    return n;
  }

  std::string_view whole_;
  std::string_view s_;
  size_t offset_;
  size_t i_ = 0;
};

// XPath operations one evaluation may take under a budget: libxml2 does
// some tens of millions a second; real selectors on real pages take
// thousands.
constexpr unsigned long kXPathOperations = 20'000'000;

bool html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// ---------------------------------------------------------------------------
// XPath: libxml2 reports errors through a per-thread handler; collect them
// instead of letting them reach stderr.

struct ErrorCapture {
  std::string message;
  int position = -1;
  xmlStructuredErrorFunc old_fn;
  void* old_ctx;
  // Some XPath failures (an evaluation stopped at its operation limit) are
  // also reported through the generic handler, which prints to stderr.
  xmlGenericErrorFunc old_generic;
  void* old_generic_ctx;
  ErrorCapture()
      : old_fn(xmlStructuredError),
        old_ctx(xmlStructuredErrorContext),
        old_generic(xmlGenericError),
        old_generic_ctx(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(this, &ErrorCapture::on_error);
    xmlSetGenericErrorFunc(nullptr, &ErrorCapture::ignore);
  }
  ~ErrorCapture() {
    xmlSetStructuredErrorFunc(old_ctx, old_fn);
    xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
  }
  static void ignore(void*, const char*, ...) {}
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  static void on_error(void* user, xmlErrorPtr e) {
    auto* self = static_cast<ErrorCapture*>(user);
    if (e == nullptr || !self->message.empty()) return;  // the first error is the cause
    self->message = e->message != nullptr ? e->message : "error";
    while (!self->message.empty() && (self->message.back() == '\n' || self->message.back() == ' '))
      self->message.pop_back();
    if (e->domain == XML_FROM_XPATH) self->position = e->int1;
  }
};

}  // namespace

Selector Selector::compile(std::string_view text) {
  init_libxml();
  Selector s;
  s.text_ = std::string(text);
  if (text.rfind("css:", 0) == 0) {
    s.css_ = std::make_shared<const Css>(CssParser(text, 4).parse());
    return s;
  }
  if (text.rfind("xpath:", 0) == 0) {
    const std::string expr(text.substr(6));
    size_t lead = 0;
    while (lead < expr.size() && html_space(expr[lead])) ++lead;
    if (lead == expr.size())
      throw SelectorError("selector \"" + s.text_ + "\" column 7: empty XPath expression", 7);
    auto x = std::make_shared<XPath>();
    {
      ErrorCapture errors;
      x->expr = xmlXPathCompile(reinterpret_cast<const xmlChar*>(expr.c_str()));
      if (x->expr == nullptr) {
        const size_t column = 7 + static_cast<size_t>(std::max(errors.position, 0));
        throw SelectorError(
            "selector \"" + s.text_ + "\" column " + std::to_string(column) + ": " +
                (errors.message.empty() ? "invalid XPath expression" : errors.message),
            column);
      }
    }
    s.xpath_ = std::move(x);
    return s;
  }
  throw SelectorError(
      "selector \"" + s.text_ + "\" column 1: must start with \"css:\" or \"xpath:\"", 1);
}

Selection Selector::select(xmlNode* scope) const {
  Selection out;
  if (scope == nullptr) return out;
  if (css_) {
    css::for_each_match(*css_, scope, [&](xmlNode* n) {
      out.nodes.push_back(n);
      return true;
    });
    return out;
  }
  if (!xpath_) return out;
  ErrorCapture errors;  // runtime errors (unknown function): no match, no stderr noise
  xmlXPathContextPtr ctx = xmlXPathNewContext(scope->doc);
  if (ctx == nullptr) return out;
  ctx->node = scope;
  // libxml2 cannot be interrupted from outside, but counts its operations
  // against a limit when given one: under a budget, the evaluation may take
  // kXPathOperations (or what is left of a step limit), and they are
  // charged to the budget afterwards.
  common::WorkBudget* budget = common::current_budget();
  if (budget != nullptr) {
    ctx->opLimit = kXPathOperations;
    if (const auto limit = budget->limits().steps; limit != 0)
      ctx->opLimit = std::min<unsigned long>(
          ctx->opLimit, limit > budget->steps() ? limit - budget->steps() + 1 : 1);
  }
  xmlXPathObjectPtr obj = xmlXPathCompiledEval(xpath_->expr, ctx);
  const unsigned long operations = ctx->opCount;
  const bool over = budget != nullptr && obj == nullptr && operations >= ctx->opLimit;
  if (obj != nullptr) {
    if (obj->type == XPATH_NODESET) {
      if (obj->nodesetval != nullptr)
        for (int i = 0; i < obj->nodesetval->nodeNr; ++i)
          out.nodes.push_back(obj->nodesetval->nodeTab[i]);
    } else {
      xmlChar* v = xmlXPathCastToString(obj);
      if (v != nullptr) {
        std::string value = reinterpret_cast<const char*>(v);
        xmlFree(v);
        if (!(obj->type == XPATH_STRING && value.empty())) out.value = std::move(value);
      }
    }
    xmlXPathFreeObject(obj);
  }
  xmlXPathFreeContext(ctx);
  if (over)
    throw common::BudgetExceeded(common::BudgetExceeded::Limit::steps,
                                 "selector \"" + text_ + "\" took more than " +
                                     std::to_string(operations) + " XPath operations");
  if (budget != nullptr) budget->charge(operations);
  return out;
}

xmlNode* Selector::first(xmlNode* scope) const {
  if (css_) {
    if (scope == nullptr) return nullptr;
    xmlNode* found = nullptr;
    css::for_each_match(*css_, scope, [&](xmlNode* n) {
      found = n;
      return false;
    });
    return found;
  }
  for (xmlNode* n : select(scope).nodes)
    if (is_element(n)) return n;
  return nullptr;
}

}  // namespace syndicd::html
