// SPDX-License-Identifier: Apache-2.0
// parse_feed: the steps from feed text to articles. The parts it drives:
//   parse/prescan    bodies kept out of tinyxml2's reading
//   parse/references what the '&'s say before the parse
//   parse/dom        elements and attributes by namespace
//   parse/text       element text and markup, Atom content kinds
//   parse/fields     fields both dialects share, the finishing of an article
//   parse/rss_item, parse/atom_entry  the dialects' items
#include "feed_parser.hpp"

#include <tinyxml2.h>

#include <syndicd/common/budget.hpp>
#include <syndicd/common/url.hpp>
#include <syndicd/common/utf8.hpp>

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>
#include <vector>

#include "parse/dom.hpp"
#include "parse/fields.hpp"
#include "parse/prescan.hpp"
#include "parse/readers.hpp"
#include "parse/references.hpp"
#include "parse/text.hpp"
#include "xml_repair.hpp"

namespace syndicd::rss {
namespace {

using namespace detail;

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

// The order to read items in: the document's when all are kept; else the
// newest first (a guessed date counts as now, ties in document order), so
// that only the max_items kept are read, not the thousands of an archive
// feed.
std::vector<size_t> reading_order(const std::vector<const XMLElement*>& items, const Context& ctx) {
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  if (items.size() <= ctx.options.max_items) return order;
  std::vector<int64_t> when(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    common::charge_work();
    Dates dates;
    if (ctx.atom)
      read_atom_dates(items[i], ctx.core_ns, dates);
    else
      read_rss_dates(items[i], ctx.core_ns, dates);
    when[i] = publication_time(dates, ctx);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return when[x] > when[y]; });
  return order;
}

// Articles read in reading_order() (`from[i]` the item of article i) back
// in document order.
void in_document_order(std::vector<Article>& articles, const std::vector<size_t>& from) {
  if (std::is_sorted(from.begin(), from.end())) return;
  std::vector<size_t> order(articles.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return from[x] < from[y]; });
  std::vector<Article> sorted;
  sorted.reserve(articles.size());
  for (const size_t i : order) sorted.push_back(std::move(articles[i]));
  articles = std::move(sorted);
}

constexpr size_t kKeepBuffersUpTo = size_t{1} << 20;

// tinyxml2 refuses elements nested deeper than this, whatever the limits.
constexpr size_t kTinyxml2MaxDepth = static_cast<size_t>(TINYXML2_MAX_ELEMENT_DEPTH);

// The error for a document past one of its limits (the plugin adds the URL
// and the key).
void over_limit(ParseResult& result, RepairedXml::Limit limit, const FeedLimits& limits) {
  if (limit == RepairedXml::Limit::Nodes) {
    result.error = "the document has more than " + std::to_string(limits.max_nodes) +
                   " elements, comments and sections, the limit for one feed";
    result.over_limit = ParseResult::Limit::Nodes;
  } else {
    result.error = "the document nests elements deeper than " + std::to_string(limits.max_depth) +
                   ", the limit for one feed";
    result.over_limit = ParseResult::Limit::Depth;
  }
}

// What a parse reuses from one feed to the next on its thread: the
// document's node pools, the tables, the buffers of the long runs.
struct Workspace {
  tinyxml2::XMLDocument doc{true, tinyxml2::PRESERVE_WHITESPACE};
  ParseState state;
  TakenOut taken_out;
};

// Makes the workspace the parse in progress on this thread, and empties it
// when the parse ends.
struct DocumentScope {
  explicit DocumentScope(Workspace& w) : ws(w) { t_state = &ws.state; }
  ~DocumentScope() {
    // The buffers are kept for the next feed, unless an unusually large one
    // grew them: a worker thread should not hold megabytes between polls.
    if (ws.taken_out.xml.capacity() > kKeepBuffersUpTo) ws.taken_out = TakenOut{};
    ParseState& s = ws.state;
    s.taken_out = nullptr;
    s.root_namespaces = nullptr;
    s.facts = {};
    s.other_ns.clear();
    s.other_ns_index.clear();
    s.last = nullptr;
    for (auto& ix : s.child_index) {
      ix.parent = nullptr;  // the elements go with the document
      ix.entries.clear();
    }
    t_state = nullptr;
    ws.doc.Clear();
  }
  DocumentScope(const DocumentScope&) = delete;
  DocumentScope& operator=(const DocumentScope&) = delete;
  Workspace& ws;
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
  thread_local Workspace workspace;
  const DocumentScope document_scope(workspace);
  tinyxml2::XMLDocument& doc = workspace.doc;
  TakenOut& taken_out = workspace.taken_out;
  tinyxml2::XMLError err = tinyxml2::XML_SUCCESS;
  RepairedXml repaired;
  std::string_view parsed = text;  // the text `doc` was read from
  const FeedLimits& limits = options.limits;
  const References refs = look_at_references(text);
  bool well_formed = !scan.controls && refs.xml_only;
  if (well_formed) {
    MarkupCounts counts;
    const bool taken = take_out_long_text(text, taken_out, counts);
    common::charge_work(text.size());  // a checkpoint of read_feed's budget, as below
    if (counts.nodes > limits.max_nodes || counts.depth > limits.max_depth) {
      over_limit(
          result,
          counts.nodes > limits.max_nodes ? RepairedXml::Limit::Nodes : RepairedXml::Limit::Depth,
          limits);
      return result;
    }
    if (!counts.plain || counts.max_attributes > limits.max_attributes) {
      well_formed = false;  // the repair pass reads what tinyxml2 would not, or should not
    } else if (taken) {
      parsed = taken_out.xml;
      t_state->taken_out = &taken_out;
    }
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
    t_state->taken_out = nullptr;
    doc.Clear();
    repaired = repair_xml(text, limits);
    if (repaired.over_limit != RepairedXml::Limit::None) {
      over_limit(result, repaired.over_limit, limits);
      return result;
    }
    parsed = repaired.xml;
    err = doc.Parse(repaired.xml.data(), repaired.xml.size());
    if (err == tinyxml2::XML_ERROR_PARSING_DECLARATION) {
      // A processing instruction where tinyxml2 takes none: once more
      // without them (rare enough not to look for them every time).
      doc.Clear();
      repaired = repair_xml(text, limits, true);
      parsed = repaired.xml;
      err = doc.Parse(repaired.xml.data(), repaired.xml.size());
    }
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
  common::charge_work(parsed.size());  // tinyxml2's reading, linear in what it read
  if (err != tinyxml2::XML_SUCCESS) {
    if (looks_like_html(text))
      result.error = "not a feed: the document is an HTML page";
    else if (err == tinyxml2::XML_ELEMENT_DEPTH_EXCEEDED)
      over_limit(result, RepairedXml::Limit::Depth, {.max_depth = kTinyxml2MaxDepth});
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
  const RootNamespaces root_namespaces(root, parsed, t_state->facts);
  if (root_namespaces.usable()) t_state->root_namespaces = &root_namespaces;
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

  const std::vector<size_t> order = reading_order(items, ctx);
  std::vector<size_t> read;  // the item each article is from
  result.articles.reserve(std::min(items.size(), options.max_items));
  for (const size_t i : order) {
    if (result.articles.size() == options.max_items) break;
    common::charge_work();
    // Read in place; an item that turns out empty is taken back.
    Article& a = result.articles.emplace_back();
    if (ctx.atom ? read_atom_entry(items[i], i, ctx, a) : read_rss_item(items[i], i, ctx, a))
      read.push_back(i);
    else
      result.articles.pop_back();
  }
  if (ctx.item_warnings > kMaxItemWarnings)
    result.warnings.push_back(std::to_string(ctx.item_warnings - kMaxItemWarnings) +
                              " more item warnings like these");
  in_document_order(result.articles, read);
  return result;
}

}  // namespace syndicd::rss
