// SPDX-License-Identifier: Apache-2.0
// The compiled form of `css:` selectors, shared by the parser
// (selector.cpp) and the matcher (css_match.cpp). Private to the html
// source's extraction library.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <string>
#include <vector>

#include "syndicd/html_extract/selector.hpp"

namespace syndicd::html {
namespace css {

struct AttrTest {
  enum class Op { exists, equals, contains, prefix, suffix, word };
  std::string name;
  Op op = Op::exists;
  std::string value;
};

// :nth-child(An+B) counted from the start or (for :last-child) the end.
struct Nth {
  long a = 0;
  long b = 1;
  bool from_end = false;
};

struct Compound {
  std::string tag;  // empty: any element
  std::vector<std::string> ids;
  std::vector<std::string> classes;
  std::vector<AttrTest> attrs;
  std::vector<Nth> nths;
};

struct Complex {
  std::vector<Compound> parts;
  std::vector<char> combinators;  // between parts[i] and parts[i+1]: ' ' or '>'
};

}  // namespace css

struct Selector::Css {
  std::vector<css::Complex> alternatives;
};

namespace css {

/// Call `visit` on each element under `scope` that `selector` matches, in
/// document order, until it returns false. Elements outside `scope` count
/// as ancestors. Linear in elements × compounds; charges the thread's
/// common::WorkBudget one step per element and per compound tested.
void for_each_match(const Selector::Css& selector, const xmlNode* scope,
                    const std::function<bool(xmlNode*)>& visit);

}  // namespace css
}  // namespace syndicd::html
