// SPDX-License-Identifier: Apache-2.0
// The built-in filters: max_age, include, exclude.
#include <syndicd/options.hpp>

#include <chrono>

#include "pipeline/step.hpp"
#include "syndicd/common/entities.hpp"
#include "syndicd/common/text.hpp"

namespace syndicd::pipeline {
namespace {

namespace key = syndicd::key;
using std::chrono::milliseconds;

// max_age: 3d — drop articles published longer ago than this.
struct MaxAgeSettings {
  milliseconds max_age{};
};
constexpr syndicd::Options kMaxAge{
    key::duration("max_age", &MaxAgeSettings::max_age)
        .required()
        .range(1, 3650LL * 86'400'000)
        .describe("Drop articles published longer ago than this (write e.g. 12h, 3d); an "
                  "article without a date is kept."),
};

class MaxAge final : public Step {
 public:
  explicit MaxAge(milliseconds max_age) : max_age_(max_age) {}
  std::optional<std::string> apply(Article& a, int64_t now) const override {
    if (a.published != SYNDICD_TIME_NONE && now - a.published > max_age_.count())
      return "older than max_age";
    return std::nullopt;
  }

 private:
  milliseconds max_age_;
};

// include / exclude: {field: [words]} — any word matching, Vietnamese-aware.
struct Words {
  StringList title, lead, body, author, tags, url, any;
};
constexpr const char* kWordsHelp =
    "Words or phrases; any of them matches (case and accents "
    "folded as readers would).";
constexpr syndicd::Options kWords{
    key::list("title", &Words::title).describe(kWordsHelp),
    key::list("lead", &Words::lead).describe(kWordsHelp),
    key::list("body", &Words::body).describe(kWordsHelp),
    key::list("author", &Words::author).describe(kWordsHelp),
    key::list("tags", &Words::tags).describe(kWordsHelp),
    key::list("url", &Words::url).describe(kWordsHelp),
    key::list("any", &Words::any).describe("Words or phrases looked for in every field above."),
};

struct IncludeSettings {
  Words include;
};
constexpr syndicd::Options kInclude{
    key::object("include", &IncludeSettings::include, kWords)
        .describe("Keep only articles where a field holds one of its words."),
};
struct ExcludeSettings {
  Words exclude;
};
constexpr syndicd::Options kExclude{
    key::object("exclude", &ExcludeSettings::exclude, kWords)
        .describe("Drop articles where a field holds one of its words."),
};

class WordMatch final : public Step {
 public:
  using Field = std::pair<std::string, StringList>;
  WordMatch(bool include, std::vector<Field> words) : include_(include), words_(std::move(words)) {}

  std::optional<std::string> apply(Article& a, int64_t) const override {
    std::optional<std::string> hit;
    for (const auto& [field, words] : words_) {
      const std::string text = field_text(a, field);
      for (const auto& w : words)
        if (!hit && common::contains_phrase(text, w)) hit = field + " contains \"" + w + "\"";
    }
    if (!include_ && hit) return "excluded: " + *hit;
    if (include_ && !hit) return "not included by any word";
    return std::nullopt;
  }

 private:
  bool include_;
  std::vector<Field> words_;
};

std::unique_ptr<Step> word_match(const char* name, bool include, const Words& w) {
  std::vector<WordMatch::Field> fields;
  for (const auto& [field, words] :
       {std::pair{"title", &w.title}, std::pair{"lead", &w.lead}, std::pair{"body", &w.body},
        std::pair{"author", &w.author}, std::pair{"tags", &w.tags}, std::pair{"url", &w.url},
        std::pair{"any", &w.any}}) {
    if (words->empty()) continue;
    for (size_t i = 0; i < words->size(); ++i)
      if ((*words)[i].empty())
        throw StepError(std::string(name) + "." + field + "[" + std::to_string(i) + "]",
                        "expected a word or phrase");
    fields.emplace_back(field, *words);
  }
  if (fields.empty())
    throw StepError(name, "expected a map of field: [words], e.g. {title: [\"quảng cáo\"]}");
  return std::make_unique<WordMatch>(include, std::move(fields));
}

}  // namespace

std::string field_text(const Article& a, std::string_view field) {
  if (field == "title") return a.title;
  if (field == "lead") return a.lead;
  if (field == "body") return a.body_text.empty() ? common::html_to_text(a.body_html) : a.body_text;
  if (field == "author") return a.author;
  if (field == "url") return a.url;
  if (field == "tags") {
    std::string out;
    for (const auto& t : a.tags) out += (out.empty() ? "" : " ; ") + t;
    return out;
  }
  std::string out;
  for (const char* f : {"title", "lead", "body", "author", "tags", "url"})
    out += field_text(a, f) + "\n";
  return out;
}

std::vector<StepType> filter_types() {
  return {
      {"max_age", StepKind::filter, kMaxAge.fields(),
       [](const config::ConfigValues& v) -> std::unique_ptr<Step> {
         return std::make_unique<MaxAge>(kMaxAge.read(v).max_age);
       }},
      {"include", StepKind::filter, kInclude.fields(),
       [](const config::ConfigValues& v) {
         return word_match("include", true, kInclude.read(v).include);
       }},
      {"exclude", StepKind::filter, kExclude.fields(),
       [](const config::ConfigValues& v) {
         return word_match("exclude", false, kExclude.read(v).exclude);
       }},
  };
}

}  // namespace syndicd::pipeline
