// SPDX-License-Identifier: Apache-2.0
// The html source's section, one declaration per key (syndicd/options.hpp),
// and what a poll needs of it: compiled selectors, extraction rules, the
// link policy and the work limits.
#include "settings.hpp"

#include <syndicd/options.hpp>

#include "syndicd/common/dates.hpp"

namespace syndicd::html_source {
namespace {

// The section, one declaration per key (syndicd/options.hpp). A field
// selector is `css:...` or `xpath:...`, written either as a string or as
// {select, attr}; the two date fields also take a `format`.
struct SelectorOptions {
  std::string select;
  std::string format;  // date fields only
  std::string attr;
};

struct ListOptions {
  std::string links;
  int64_t max = 0;
  std::string next;
  int64_t pages = 0;
};

struct ArticleOptions {
  SelectorOptions title, published, updated, lead, body, author, images, tags;
  syndicd::StringList remove;
};

// Bounded work per page (a hostile or pathological page costs at most this).
struct LimitOptions {
  std::chrono::milliseconds parse_time{};
  int64_t max_bytes = 0;
  int64_t max_depth = 0;
};

struct Options {
  std::string url;
  std::string page;
  std::string timezone;
  std::string language;
  ListOptions list;
  ArticleOptions article;
  syndicd::StringList allow_hosts;
  LimitOptions limits;
};

namespace key = syndicd::key;

constexpr syndicd::Options kSelector{
    key::text("select", &SelectorOptions::select).describe("css:SELECTOR or xpath:EXPRESSION."),
    key::text("attr", &SelectorOptions::attr)
        .describe("Read this attribute instead of the element's text."),
};

constexpr syndicd::Options kDateSelector{
    key::text("select", &SelectorOptions::select).describe("css:SELECTOR or xpath:EXPRESSION."),
    key::text("format", &SelectorOptions::format)
        .describe("strptime-style format of the date, e.g. \"%H:%M | %d/%m/%Y\"; omitted: "
                  "the Vietnamese and international forms are recognised."),
    key::text("attr", &SelectorOptions::attr)
        .describe("Read this attribute instead of the element's text."),
};

constexpr syndicd::Options kList{
    key::text("links", &ListOptions::links)
        .required()
        .describe("Selector of the article links (<a href>) on the list page."),
    key::integer("max", &ListOptions::max)
        .defaults_to("20")
        .range(1, 500)
        .describe("Follow at most this many links per poll, the first on the list; the rest "
                  "are not followed."),
    key::text("next", &ListOptions::next)
        .describe("Selector of the next-page link, to read more than one list page."),
    key::integer("pages", &ListOptions::pages)
        .defaults_to("1")
        .range(1, 50)
        .describe("Read at most this many list pages."),
};

template <class Nested>
constexpr auto selector(const char* name, SelectorOptions ArticleOptions::*member,
                        const Nested& nested, const char* description) {
  return key::object(name, member, nested).shorthand().describe(description);
}

constexpr syndicd::Options kArticle{
    selector("title", &ArticleOptions::title, kSelector,
             "Title selector; omitted: automatic extraction."),
    selector("published", &ArticleOptions::published, kDateSelector,
             "Publish time selector; omitted: automatic extraction."),
    selector("updated", &ArticleOptions::updated, kDateSelector,
             "Update time selector; omitted: automatic extraction."),
    selector("lead", &ArticleOptions::lead, kSelector,
             "Lead (sapo) selector; omitted: automatic extraction."),
    selector("body", &ArticleOptions::body, kSelector,
             "Body selector; omitted: automatic extraction."),
    selector("author", &ArticleOptions::author, kSelector,
             "Author selector; omitted: automatic extraction."),
    selector("images", &ArticleOptions::images, kSelector,
             "Image selector; omitted: automatic extraction."),
    selector("tags", &ArticleOptions::tags, kSelector,
             "Tag selector; omitted: automatic extraction."),
    key::list("remove", &ArticleOptions::remove)
        .describe("Selectors of elements to drop from the body (share bars, related links)."),
};

constexpr syndicd::Options kLimits{
    key::duration("parse_time", &LimitOptions::parse_time)
        .defaults_to("2s")
        .range(10, 10 * 60 * 1000)
        .describe("CPU time the reading of one page (list or article) may take; past it the "
                  "page is abandoned with an error naming its URL."),
    key::size("max_bytes", &LimitOptions::max_bytes)
        .defaults_to("16MiB")
        .range(1024, int64_t{1} << 30)
        .describe("Largest page text read; a larger page is abandoned."),
    key::integer("max_depth", &LimitOptions::max_depth)
        .defaults_to("1024")
        .range(16, 100000)
        .describe("Deepest element nesting read; a deeper page is abandoned."),
};

constexpr const char* kPageKinds[] = {"list", "article", nullptr};

constexpr syndicd::Options kOptions{
    key::url("url", &Options::url)
        .required()
        .local_files()
        .describe("The list page (http, https, or file:// for saved pages)."),
    key::choice("page", &Options::page, kPageKinds)
        .defaults_to("list")
        .article_page()
        .describe("What url is: a list page of article links, or one article page (no list "
                  "keys then)."),
    key::text("timezone", &Options::timezone)
        .defaults_to("+07:00")
        .timezone()
        .describe("UTC offset of the times the site prints."),
    key::text("language", &Options::language)
        .defaults_to("vi")
        .describe("Language of the articles (BCP 47)."),
    key::object("list", &Options::list, kList)
        .shorthand()
        .describe("How to find article links on the list page (required with page: list)."),
    key::object("article", &Options::article, kArticle)
        .describe("Per-field selectors for article pages."),
    key::list("allow_hosts", &Options::allow_hosts)
        .describe("Hosts besides the list page's own whose article links may be followed."),
    key::object("limits", &Options::limits, kLimits)
        .describe("Bounds on the work of reading one page."),
};

}  // namespace

const syndicd_field* schema() {
  return kOptions.fields();
}

// "…: CPU time budget of 2000 ms exceeded (limits.parse_time)": the key to
// raise, for the operator whose real pages are that large.
std::string over_budget(const syndicd::common::BudgetExceeded& e) {
  using Limit = syndicd::common::BudgetExceeded::Limit;
  std::string key;
  switch (e.limit()) {
    case Limit::cpu_time:
    case Limit::steps:
      key = kOptions.path(&Options::limits, &LimitOptions::parse_time);
      break;
    case Limit::bytes:
      key = kOptions.path(&Options::limits, &LimitOptions::max_bytes);
      break;
    case Limit::depth:
      key = kOptions.path(&Options::limits, &LimitOptions::max_depth);
      break;
  }
  return std::string(e.what()) + " (" + key + ")";
}

namespace {

syndicd::html::Selector compile(const std::string& text, const std::string& path) {
  try {
    return syndicd::html::Selector::compile(text);
  } catch (const syndicd::html::SelectorError& e) {
    throw syndicd::ConfigError(path, e.what());
  }
}

syndicd::html::FieldRule field(const SelectorOptions& options,
                               SelectorOptions ArticleOptions::*member) {
  syndicd::html::FieldRule rule;
  if (!options.select.empty())
    rule.select =
        compile(options.select, kOptions.path(&Options::article, member, &SelectorOptions::select));
  rule.format = options.format;
  rule.attr = options.attr;
  return rule;
}

}  // namespace

std::shared_ptr<const Settings> read_settings(const syndicd::Config& config) {
  const Options o = kOptions.read(config);
  auto s = std::make_shared<Settings>();
  s->url = o.url;
  s->article_page = o.page == "article";
  if (s->article_page) {
    if (!o.list.links.empty())
      throw syndicd::ConfigError(kOptions.path(&Options::list),
                                 "not used with page: article (the url is the article page)");
  } else {
    if (o.list.links.empty())
      throw syndicd::ConfigError(kOptions.path(&Options::list),
                                 "required with page: list (how to find the article links)");
    s->links = compile(o.list.links, kOptions.path(&Options::list, &ListOptions::links));
  }
  if (!o.list.next.empty())
    s->next = compile(o.list.next, kOptions.path(&Options::list, &ListOptions::next));
  s->max = static_cast<size_t>(o.list.max);
  s->pages = static_cast<int>(o.list.pages);
  const auto offset = syndicd::common::parse_utc_offset(o.timezone);
  if (!offset)
    throw syndicd::ConfigError(kOptions.path(&Options::timezone),
                               "\"" + o.timezone + "\" is not a UTC offset such as \"+07:00\"");
  s->rules.offset_minutes = *offset;
  s->rules.language = o.language;
  const ArticleOptions& a = o.article;
  s->rules.title = field(a.title, &ArticleOptions::title);
  s->rules.published = field(a.published, &ArticleOptions::published);
  s->rules.updated = field(a.updated, &ArticleOptions::updated);
  s->rules.lead = field(a.lead, &ArticleOptions::lead);
  s->rules.body = field(a.body, &ArticleOptions::body);
  s->rules.author = field(a.author, &ArticleOptions::author);
  s->rules.images = field(a.images, &ArticleOptions::images);
  s->rules.tags = field(a.tags, &ArticleOptions::tags);
  for (size_t i = 0; i < a.remove.size(); ++i)
    s->rules.remove.push_back(compile(
        a.remove[i],
        kOptions.path(&Options::article, &ArticleOptions::remove) + "[" + std::to_string(i) + "]"));
  s->limits.cpu_time = o.limits.parse_time;
  s->limits.max_bytes = static_cast<size_t>(o.limits.max_bytes);
  s->limits.max_depth = static_cast<size_t>(o.limits.max_depth);
  s->policy.list_url = s->url;
  for (auto host : o.allow_hosts) {
    for (char& c : host)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    s->policy.allow_hosts.push_back(host);
  }
  return s;
}

}  // namespace syndicd::html_source
