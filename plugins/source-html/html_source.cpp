// Source `html`: news sites without a usable feed. A list page gives the
// article links; each article page gives the fields, by selector or by
// automatic extraction.
//
// Declared in the foundation so configs can be validated; extraction lands
// with the source-plugins work. Until then every poll fails loudly.
#include <syndicd/plugin.hpp>

namespace {

// A field selector: `css:...` or `xpath:...`; written either as a string or
// as {select, format, attr}.
constexpr syndicd_field kSelector[] = {
    {.name = "select",
     .type = SYNDICD_TYPE_STRING,
     .description = "css:SELECTOR or xpath:EXPRESSION."},
    {.name = "format",
     .type = SYNDICD_TYPE_STRING,
     .description = "strptime-style format of a date, e.g. \"%H:%M | %d/%m/%Y\"."},
    {.name = "attr",
     .type = SYNDICD_TYPE_STRING,
     .description = "Read this attribute instead of the element's text."},
    {},
};

constexpr syndicd_field kList[] = {
    {.name = "links",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "Selector of the article links (<a href>) on the list page."},
    {.name = "max",
     .type = SYNDICD_TYPE_INT,
     .default_value = "20",
     .description = "Follow at most this many links per poll.",
     .min = 1,
     .max = 500},
    {.name = "next",
     .type = SYNDICD_TYPE_STRING,
     .description = "Selector of the next-page link, to read more than one list page."},
    {.name = "pages",
     .type = SYNDICD_TYPE_INT,
     .default_value = "1",
     .description = "Read at most this many list pages.",
     .min = 1,
     .max = 50},
    {},
};

#define SYNDICD_SELECTOR_FIELD(field, what)                                                \
  {                                                                                        \
    .name = field, .type = SYNDICD_TYPE_OBJECT, .flags = SYNDICD_FIELD_SHORTHAND,          \
    .description = what " selector; omitted: automatic extraction.", .children = kSelector \
  }

constexpr syndicd_field kArticle[] = {
    SYNDICD_SELECTOR_FIELD("title", "Title"),
    SYNDICD_SELECTOR_FIELD("published", "Publish time"),
    SYNDICD_SELECTOR_FIELD("updated", "Update time"),
    SYNDICD_SELECTOR_FIELD("lead", "Lead (sapo)"),
    SYNDICD_SELECTOR_FIELD("body", "Body"),
    SYNDICD_SELECTOR_FIELD("author", "Author"),
    SYNDICD_SELECTOR_FIELD("images", "Image"),
    SYNDICD_SELECTOR_FIELD("tags", "Tag"),
    {.name = "remove",
     .type = SYNDICD_TYPE_STRING_LIST,
     .description = "Selectors of elements to drop from the body (share bars, related links)."},
    {},
};
#undef SYNDICD_SELECTOR_FIELD

constexpr syndicd_field kSchema[] = {
    {.name = "url",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "The list page (http, https, or file:// for saved pages)."},
    {.name = "timezone",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "+07:00",
     .description = "UTC offset of the times the site prints."},
    {.name = "language",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "vi",
     .description = "Language of the articles (BCP 47)."},
    {.name = "list",
     .type = SYNDICD_TYPE_OBJECT,
     .flags = SYNDICD_FIELD_REQUIRED | SYNDICD_FIELD_SHORTHAND,
     .description = "How to find article links on the list page.",
     .children = kList},
    {.name = "article",
     .type = SYNDICD_TYPE_OBJECT,
     .description = "Per-field selectors for article pages.",
     .children = kArticle},
    {.name = "allow_hosts",
     .type = SYNDICD_TYPE_STRING_LIST,
     .description = "Hosts besides the list page's own whose article links may be followed."},
    {},
};

class HtmlSource final : public syndicd::Source {
 public:
  HtmlSource(syndicd::Host host, const syndicd::Config& config)
      : Source(host), url_(config.string("url")) {}

  void poll(syndicd::Poll poll) override {
    poll.fail(SYNDICD_ERR_NOT_IMPLEMENTED,
              "source plugin html cannot extract articles yet (" + url_ + " not read)");
  }

 private:
  std::string url_;
};

}  // namespace

SYNDICD_SOURCE(HtmlSource, "html", "0.1.0",
               "NOT IMPLEMENTED YET: extracts articles from news sites without feeds (list page "
               "+ article pages, CSS/XPath selectors or automatic extraction). Polls fail until "
               "extraction lands.",
               kSchema, SYNDICD_PLUGIN_INCOMPLETE)
