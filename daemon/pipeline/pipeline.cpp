// SPDX-License-Identifier: Apache-2.0
#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "syndicd/common/entities.hpp"
#include "syndicd/common/hash.hpp"
#include "syndicd/common/text.hpp"
#include "text/suggest.hpp"

namespace syndicd::pipeline {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool tracking_parameter(std::string_view name) {
  const std::string n = lower_ascii(name);
  if (n.starts_with("utm_")) return true;
  static constexpr std::string_view kNames[] = {"fbclid", "gclid",   "dclid",  "msclkid",
                                                "yclid",  "mc_cid",  "mc_eid", "igshid",
                                                "_ga",    "ref_src", "zarsrc", "zalo_source"};
  return std::find(std::begin(kNames), std::end(kNames), n) != std::end(kNames);
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::string canonical_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string scheme = lower_ascii(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  const auto path_start = rest.find_first_of("/?");
  std::string authority = lower_ascii(rest.substr(0, path_start));
  std::string_view tail =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if ((scheme == "http" && authority.ends_with(":80")) ||
      (scheme == "https" && authority.ends_with(":443")))
    authority.resize(authority.rfind(':'));
  const auto q = tail.find('?');
  std::string path(tail.substr(0, q));
  if (path.empty() && scheme != "file") path = "/";
  std::string query;
  if (q != std::string_view::npos) {
    std::string_view params = tail.substr(q + 1);
    while (!params.empty()) {
      const auto amp = params.find('&');
      const std::string_view param = params.substr(0, amp);
      if (!param.empty() && !tracking_parameter(param.substr(0, param.find('=')))) {
        query += query.empty() ? "?" : "&";
        query += param;
      }
      if (amp == std::string_view::npos) break;
      params.remove_prefix(amp + 1);
    }
  }
  return scheme + "://" + authority + path + query;
}

void normalise(Article& a) {
  for (std::string* s :
       {&a.id, &a.url, &a.title, &a.lead, &a.body_html, &a.body_text, &a.author, &a.language})
    *s = common::nfc(*s);
  a.title = common::collapse_whitespace(a.title);
  a.author = common::collapse_whitespace(a.author);
  a.lead = trim(a.lead);
  for (auto& img : a.images) {
    img.url = common::nfc(img.url);
    img.alt = common::collapse_whitespace(common::nfc(img.alt));
    img.caption = common::collapse_whitespace(common::nfc(img.caption));
  }
  for (auto& t : a.tags) t = common::collapse_whitespace(common::nfc(t));
  std::erase_if(a.tags, [](const std::string& t) { return t.empty(); });
  for (auto& v : a.videos) v = common::nfc(v);
}

std::string content_hash(const Article& a) {
  std::string all;
  for (const std::string* s : {&a.url, &a.title, &a.lead, &a.body_html, &a.author}) {
    all += *s;
    all += '\x1f';
  }
  all += std::to_string(a.published) + '\x1f' + std::to_string(a.updated) + '\x1f';
  for (const auto& i : a.images) all += i.url + '\x1e' + i.caption + '\x1f';
  for (const auto& t : a.tags) all += t + '\x1f';
  return common::stable_hash_hex(all);
}

namespace {

// Check one configured step and make it; problems go to `problems`.
std::unique_ptr<Step> make_step(StepKind kind, const config::Step& step,
                                std::vector<config::Diagnostic>& problems) {
  const StepType* type = find_step(kind, step.name);
  const char* what = kind == StepKind::filter ? "filter" : "transform";
  if (type == nullptr) {
    std::vector<std::string> names;
    for (const auto& t : step_types())
      if (t.kind == kind) names.emplace_back(t.name);
    std::string message = std::string("unknown ") + what + " \"" + step.name + "\"";
    if (auto guess = text::did_you_mean(step.name, names)) {
      message += "; did you mean \"" + *guess + "\"?";
    } else {
      std::string all;
      for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
      message += std::string(" (") + what + "s: " + all + ")";
    }
    problems.push_back({config::Diagnostic::Severity::Error, step.mark, step.path, message});
    return nullptr;
  }
  // Validate `{name: settings}` against the entry's one-field schema, so
  // messages name "pipelines.p.transforms[0].truncate.max".
  config::Node item;
  item.kind = config::Node::Kind::Map;
  item.mark = step.mark;
  item.entries.push_back({step.name, step.mark, step.settings});
  auto values = config::validate(type->schema, item, step.path, step.mark,
                                 config::ValidateOptions{}, problems);
  if (!values) return nullptr;
  try {
    return type->make(*values);
  } catch (const StepError& e) {
    problems.push_back({config::Diagnostic::Severity::Error, values->mark(e.path()),
                        step.path + "." + e.path(), e.what()});
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<Pipeline> Pipeline::build(const config::Pipeline& config,
                                          std::vector<config::Diagnostic>& problems) {
  std::unique_ptr<Pipeline> p(new Pipeline(config));
  bool ok = true;
  for (const auto& [kind, steps, out] :
       {std::tuple{StepKind::filter, &config.filters, &p->filters_},
        std::tuple{StepKind::transform, &config.transforms, &p->transforms_}}) {
    for (const auto& step : *steps) {
      auto made = make_step(kind, step, problems);
      ok = ok && made != nullptr;
      if (made) out->push_back(std::move(made));
    }
  }
  if (!ok) return nullptr;
  return p;
}

Prepared Pipeline::prepare(const Article& emitted, int64_t now) const {
  Prepared out;
  out.article = emitted;
  Article& a = out.article;
  normalise(a);
  if (a.published == SYNDICD_TIME_NONE) {
    // No date from the source: the time we first saw it, flagged.
    a.published = now;
    a.flags |= SYNDICD_ARTICLE_DATE_GUESSED;
  }
  for (const auto& f : filters_)
    if ((out.dropped = f->apply(a, now))) return out;
  out.canonical_url = canonical_url(a.url);
  out.content_hash = content_hash(a);
  transform(a);
  return out;
}

std::optional<std::string> Pipeline::rejects(const Article& a, int64_t now) const {
  // Filters only read, but a Step takes the article it may change.
  Article copy = a;
  for (const auto& f : filters_)
    if (auto why = f->apply(copy, now)) return why;
  return std::nullopt;
}

void Pipeline::transform(Article& a) const {
  for (const auto& t : transforms_) t->apply(a, 0);
}

}  // namespace syndicd::pipeline
