// SPDX-License-Identifier: Apache-2.0
#include "syndicd/common/template.hpp"

#include <utf8proc.h>
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "syndicd/common/dates.hpp"
#include "syndicd/common/hash.hpp"

namespace syndicd::common {
namespace {

namespace mu = kainjow::mustache;

// The zone every Vietnamese source uses; the fallback for a bad setting,
// which the plugins reject at configuration time anyway.
constexpr int kDefaultOffset = 7 * 60;
constexpr size_t kShortLeadChars = 200;

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute;
};

// Howard Hinnant's civil_from_days; floor division so times before 1970
// (never in news, but possible in a broken feed) still come out right.
Civil civil(int64_t ms, int offset_minutes) {
  const int64_t local = ms + int64_t{offset_minutes} * 60000;
  int64_t days = local / 86400000;
  int64_t rest = local % 86400000;
  if (rest < 0) {
    rest += 86400000;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  return {y, m, d, static_cast<unsigned>(rest / 3600000),
          static_cast<unsigned>(rest % 3600000 / 60000)};
}

int offset_of(const TemplateFields& fields) {
  return parse_utc_offset(fields.timezone).value_or(kDefaultOffset);
}

// Adds `tag` unless an equal one (case-insensitively) is there already.
void add_unique(std::vector<std::string>& out, std::set<std::string>& seen, std::string tag) {
  if (tag.empty()) return;
  if (seen.insert(fold(tag)).second) out.push_back(std::move(tag));
}

// The pipeline's "hashtags" extra is "#A #B" (see daemon/pipeline): words
// without their '#'.
std::vector<std::string> split_hashtag_text(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '#' || text[i] == '\t' ||
                               text[i] == '\n' || text[i] == ','))
      ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '#' && text[j] != '\t' &&
           text[j] != '\n' && text[j] != ',')
      ++j;
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

std::vector<std::string> collect_hashtags(const syndicd::Article& a, const TemplateFields& f,
                                          bool ascii) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& tag : a.tags) add_unique(out, seen, make_hashtag(tag, ascii));
  for (const auto& tag : split_hashtag_text(a.extra_value(ascii ? "hashtags_ascii" : "hashtags")))
    add_unique(out, seen, make_hashtag(tag, ascii));
  for (const auto& tag : f.extra_tags) add_unique(out, seen, make_hashtag(tag, ascii));
  return out;
}

std::string join_hashtags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ' ';
    out += '#';
    out += t;
  }
  return out;
}

mu::data string_list(const std::vector<std::string>& values) {
  mu::data list{mu::data::type::list};
  for (const auto& v : values) list.push_back(mu::data{v});
  return list;
}

// Plain-text output: no line keeps trailing blanks, at most one blank line
// in a row (an empty field must not leave a hole in the post), no blank
// lines at either end.
std::string trim_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  int blank_run = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    const bool last = end == std::string::npos;
    if (last) end = text.size();
    size_t stop = end;
    while (stop > start &&
           (text[stop - 1] == ' ' || text[stop - 1] == '\t' || text[stop - 1] == '\r'))
      --stop;
    if (stop == start) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      out.append(text, start, stop - start);
      blank_run = 0;
    }
    if (last) break;
    start = end + 1;
  }
  return out;
}

// "Unclosed section \"hashtags\" at 17" → ("unclosed section 'hashtags'", 17).
std::pair<std::string, std::optional<size_t>> split_error(const std::string& message) {
  std::string what = message;
  std::optional<size_t> offset;
  const auto at = what.rfind(" at ");
  if (at != std::string::npos && at + 4 < what.size() &&
      std::all_of(what.begin() + static_cast<std::ptrdiff_t>(at) + 4, what.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    offset = static_cast<size_t>(std::strtoull(what.c_str() + at + 4, nullptr, 10));
    what.resize(at);
  }
  std::replace(what.begin(), what.end(), '"', '\'');
  if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  return {what, offset};
}

// Rendering is bounded: a template is the operator's, but what it loops
// over (tags, images) is the site's, and nested list sections multiply
// (`{{#tags}}` inside `{{#tags}}` ten deep is 3^10 passes for three tags;
// fuzzing found one taking minutes). Every section pass and every value
// looked up is charged here; past kMaxRenderWork, or once the output passes
// kMaxRenderBytes, rendering stops and what was rendered is kept. Sinks cut
// posts far below either (63,206 characters on Facebook, 5,000 bytes on
// YouTube), so a prefix is what they would have posted anyway.
constexpr size_t kMaxRenderBytes = size_t{1} << 20;
constexpr uint64_t kMaxRenderWork = uint64_t{16} << 20;

struct RenderStopped {};

class BoundedContext : public mu::context<std::string> {
 public:
  // A section pass renders at most the template's own text plus the values
  // it looks up, so it is charged the template's size.
  BoundedContext(const mu::data* root, size_t template_size)
      : mu::context<std::string>(root), pass_cost_(1 + template_size) {}

  void push(const mu::data* data) override {
    charge(pass_cost_);
    mu::context<std::string>::push(data);
  }

  const mu::data* get(const std::string& name) const override {
    const mu::data* value = mu::context<std::string>::get(name);
    charge(1 + (value && value->is_string() ? value->string_value().size() : 0));
    return value;
  }

 private:
  void charge(uint64_t units) const {
    work_ += units;
    if (work_ > kMaxRenderWork) throw RenderStopped{};
  }

  uint64_t pass_cost_;
  mutable uint64_t work_ = 0;
};

// The stream kainjow renders into (a line at a time), stopping at the cap.
struct BoundedOutput {
  std::string text;
  BoundedOutput& operator<<(const std::string& part) {
    text += part;
    if (text.size() > kMaxRenderBytes) throw RenderStopped{};
    return *this;
  }
};

}  // namespace

std::optional<std::string> check_template(std::string_view text) {
  std::string error;
  try {
    mu::mustache tmpl{std::string(text)};
    if (tmpl.is_valid()) return std::nullopt;
    error = tmpl.error_message();
  } catch (const std::exception& e) {
    error = e.what();
  }
  auto [what, offset] = split_error(error);
  if (!offset) return what;
  // Line and column as an editor counts them: 1-based, columns in
  // characters, not bytes (Vietnamese letters take two or three bytes).
  const size_t end = std::min(*offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what;
}

std::string format_local_date(int64_t ms, int offset_minutes) {
  const Civil c = civil(ms, offset_minutes);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%02u:%02u %02u/%02u/%04lld", c.hour, c.minute, c.day, c.month,
                static_cast<long long>(c.year));
  return buf;
}

TemplateValues template_values(const syndicd::Article& article, const TemplateFields& fields) {
  TemplateValues v;
  v.offset_minutes = offset_of(fields);
  v.slug = article.extra_value("slug");
  if (v.slug.empty()) v.slug = make_slug(article.title);
  v.hashtags = collect_hashtags(article, fields, false);
  v.hashtags_ascii = collect_hashtags(article, fields, true);
  if (article.published != SYNDICD_TIME_NONE) {
    v.date = format_local_date(article.published, v.offset_minutes);
    v.published = format_rfc3339(article.published, v.offset_minutes);
  }
  if (article.updated != SYNDICD_TIME_NONE)
    v.updated = format_rfc3339(article.updated, v.offset_minutes);
  v.short_lead = shorten(article.lead.empty() ? article.body_text : article.lead, kShortLeadChars);
  return v;
}

std::string render_template(std::string_view text, const syndicd::Article& article,
                            const TemplateFields& fields) {
  const TemplateValues v = template_values(article, fields);
  mu::data d;
  d.set("id", article.id);
  d.set("url", article.url);
  d.set("title", article.title);
  d.set("lead", article.lead);
  d.set("body_text", article.body_text);
  d.set("body_html", article.body_html);
  d.set("author", article.author);
  d.set("source", article.source);
  d.set("language", article.language);
  d.set("published", v.published);
  d.set("updated", v.updated);
  d.set("tags", string_list(article.tags));
  d.set("videos", string_list(article.videos));
  d.set("slug", v.slug);
  d.set("hashtags", string_list(v.hashtags));
  d.set("hashtags_ascii", string_list(v.hashtags_ascii));
  d.set("hashtags_text", join_hashtags(v.hashtags));
  d.set("hashtags_ascii_text", join_hashtags(v.hashtags_ascii));
  d.set("date", v.date);
  d.set("short_lead", v.short_lead);
  mu::data images{mu::data::type::list};
  for (const auto& img : article.images) {
    mu::data o;
    o.set("url", img.url);
    o.set("alt", img.alt);
    o.set("caption", img.caption);
    images.push_back(o);
  }
  if (article.images.empty()) {
    d.set("first_image", mu::data{false});
  } else {
    mu::data o;
    o.set("url", article.images.front().url);
    o.set("alt", article.images.front().alt);
    o.set("caption", article.images.front().caption);
    d.set("first_image", o);
  }
  d.set("images", images);

  try {
    mu::mustache tmpl{std::string(text)};
    if (!tmpl.is_valid()) return {};
    // Posts are plain text; HTML escaping would show "&amp;" to readers.
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    BoundedContext context(&d, text.size());
    BoundedOutput out;
    try {
      tmpl.render(context, out);
    } catch (const RenderStopped&) {
      // At a character's start, never inside a Vietnamese letter.
      size_t end = std::min(out.text.size(), kMaxRenderBytes);
      while (end > 0 && end < out.text.size() &&
             (static_cast<unsigned char>(out.text[end]) & 0xC0) == 0x80)
        --end;
      out.text.resize(end);
    }
    return trim_lines(out.text);
  } catch (const std::exception&) {
    return {};
  }
}

std::string post_file_stem(const syndicd::Article& article, const TemplateFields& fields,
                           int64_t fallback_ms) {
  const int offset = offset_of(fields);
  const int64_t when = article.published != SYNDICD_TIME_NONE ? article.published : fallback_ms;
  const Civil c = civil(when, offset);
  std::string slug = article.extra_value("slug");
  // The pipeline's slug is trusted for content, not for being a safe file
  // name; make_slug of a slug is the slug itself.
  slug = make_slug(slug.empty() ? article.title : slug);
  if (slug.empty()) slug = "post-" + stable_hash_hex(article.id.empty() ? article.url : article.id);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02u-%02u%02u-", static_cast<long long>(c.year),
                c.month, c.day, c.hour, c.minute);
  return buf + slug;
}

}  // namespace syndicd::common
