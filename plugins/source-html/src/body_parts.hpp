// SPDX-License-Identifier: Apache-2.0
// Internal to the choice of the article body (content.cpp, clean.cpp,
// choose.cpp): what one pass over the page knows about each element.
//
// Nothing here changes the DOM. Readability turns <div>s into paragraphs and
// strips unlikely elements before it scores; here those are read, not done:
// an element's shape says how Readability would have rewritten it, and
// `gone` marks what it would have removed. Only the final choice is applied
// to the tree, so a retry with other rules needs no second parse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "extract_parts.hpp"

namespace syndicd::html::detail {

/// What a pass may do (Readability's flags: each retry drops the next one).
enum PassFlags : unsigned {
  kStripUnlikely = 1,       ///< drop elements whose class/id reads as chrome
  kWeightClasses = 2,       ///< class/id words add to or take from scores
  kCleanConditionally = 4,  ///< drop low-content blocks from the chosen body
  kAllFlags = 7,
};

/// Link text over text from which a paragraph is only links: chrome.
constexpr double kLinkOnly = 0.9;

/// Text and element counts of a subtree, as left by the current pass.
struct Stats {
  double text = 0;            ///< code points, whitespace runs counted once
  double link = 0;            ///< text inside links ("#…" links count 0.3)
  double heading = 0;         ///< text inside h1-h6
  double list = 0;            ///< text inside ul/ol
  uint32_t commas = 0;        ///< commas of any script (scoring)
  uint32_t ascii_commas = 0;  ///< ',' only (cleaning)
  uint32_t p = 0, img = 0, li = 0, input = 0, embed = 0;  ///< descendants, virtual <p>s counted
  uint32_t videos = 0;                                    ///< embedded players of known video sites

  void add(const Stats& o);
  void sub(const Stats& o);
  double link_density() const { return text > 0 ? link / text : 0; }
};

/// How Readability would have rewritten an element before scoring.
enum class Shape : uint8_t {
  as_is,
  paragraph,  ///< a <div> of phrasing content only: read as one <p>
  unwrapped,  ///< a <div> around a single <p>: replaced by it
};

struct NodeInfo {
  xmlNode* node = nullptr;
  Hints hints;            ///< class/id words (computed once per page)
  bool hidden = false;    ///< display:none, hidden, aria-hidden (always dropped)
  bool phrasing = false;  ///< inline content (text, <span>, <a> of inline content…)
  // Per pass:
  bool gone = false;   ///< dropped before scoring (with its subtree)
  bool keep = false;   ///< dropped for scoring only (the byline): stays in the body
  bool out = false;    ///< gone or kept, or inside such an element
  bool block = false;  ///< holds a block (div, p, table, list, img…)
  bool div = false;    ///< a <div> for scoring and cleaning (a <p> with <br><br> is one)
  Shape shape = Shape::as_is;
  bool candidate = false;
  uint32_t runs = 0;  ///< runs of inline content that Readability would wrap in <p>s
  double score = 0;
  Stats stats;
};

/// A paragraph to score: its text, and the first ancestor it scores into.
struct Unit {
  xmlNode* parent = nullptr;
  double text = 0;
  double link = 0;
  uint32_t commas = 0;
};

/// One candidate body of one pass: the top candidate and the siblings that
/// join it, in document order, and what cleaning would remove from them.
struct Choice {
  std::vector<xmlNode*> parts;
  xmlNode* top = nullptr;
  bool whole_body = false;              ///< no candidate: the page's <body>
  std::vector<xmlNode*> doomed;         ///< to remove, gone nodes included
  std::vector<xmlNode*> dropped_parts;  ///< parts that cleaning dropped whole
  double text = 0;                      ///< text left after the removals
  double prose = 0;                     ///< of which outside links
  unsigned flags = 0;
};

/// The elements of one page and the passes over them.
class Page {
 public:
  Page(const Document& doc, std::string title);
  Page(const Page&) = delete;
  Page& operator=(const Page&) = delete;

  xmlNode* body() const { return body_; }
  /// The element's info, or null for nodes outside the body (or created later).
  NodeInfo* info(const xmlNode* n);
  const NodeInfo* info(const xmlNode* n) const;

  /// Readability's grabArticle with `flags`: score, pick, join siblings, then
  /// clean (clean.cpp) — all without touching the tree.
  Choice run(unsigned flags);

  /// `n` whole as the body under `flags` (what the pass drops before
  /// scoring out of it, then cleaned); no parts when `n` itself is dropped.
  Choice whole(xmlNode* n, unsigned flags);

  /// Stats of the subtree as the last pass left them (zero when gone).
  const Stats& stats(const xmlNode* n) const;
  /// Class weight under `flags`.
  int class_weight(const xmlNode* n, unsigned flags) const;

  /// clean.cpp: Readability's _prepArticle over `c.parts`; fills c.doomed, c.text.
  void clean(Choice& c);

 private:
  void prepare(unsigned flags);
  void drop_title_block(xmlNode* heading);
  void measure();
  Stats contribution(const NodeInfo& c) const;
  void init_candidate(NodeInfo& ni, unsigned flags);
  void score(unsigned flags);
  size_t children_count(const xmlNode* n) const;
  xmlNode* pick(unsigned flags);
  std::vector<xmlNode*> siblings(xmlNode* top);
  void forget(NodeInfo& n);  // subtract a removed subtree from its ancestors' stats

  const Document& doc_;
  std::string title_;
  xmlNode* body_ = nullptr;
  std::vector<NodeInfo> nodes_;  // pre-order; node->_private holds index + 1
  std::vector<xmlNode*> order_;  // this pass's elements, pre-order, gone ones left out
  std::vector<xmlNode*> candidates_;
  std::vector<Unit> units_;
  static const Stats kNone;
};

/// baseline.cpp: the element a simple reading takes as the article
/// ([itemprop=articleBody], <article>, the parent of the most paragraph
/// text), or null when none holds enough text.
xmlNode* baseline_body(xmlNode* body);

/// terminating.cpp: what a short block's text says follows it ("Comments
/// (3)": the end of the article; "Related articles", "Tin liên quan": a box
/// of links), from a known phrase with at most a few words after it.
enum class Opening : uint8_t { none, end, box };
/// With `headline`, the phrase and a colon start a line that goes on with
/// a headline ("Read also: …").
Opening opening_of(std::string_view text, bool headline = false);
/// What a reader view leaves out of `body` at its terminating blocks: from
/// an end opening on, when an article's worth of text comes before it, and
/// each box up to where prose resumes.
std::vector<xmlNode*> terminating_blocks(xmlNode* body);

/// Text length of a text node as Readability counts it (whitespace runs as one).
void text_node_stats(const xmlNode* text, double& length, uint32_t& commas, uint32_t& ascii_commas);
/// Links, embeds and <img> whose source is a known video player.
bool video_embed(const xmlNode* el);
/// Readability's word overlap of a heading with the title (1 = same words).
double text_similarity(std::string_view title, std::string_view heading);

}  // namespace syndicd::html::detail
