// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/capabilities.hpp"

#include "config/schema.hpp"
#include "plugin_host/loader.hpp"

namespace syndicd::plugin_host {
namespace {

// Deeper than any schema check_schema() accepts; only guards a cycle.
constexpr int kMaxDepth = 16;

void collect(const syndicd_field* fields, const std::string& prefix, int depth, Capabilities& out) {
  if (fields == nullptr || depth > kMaxDepth) return;
  for (const syndicd_field* f = fields; f->name != nullptr; ++f) {
    const std::string path = prefix + f->name;
    if (f->type == SYNDICD_TYPE_OBJECT) collect(f->children, path + ".", depth + 1, out);
    if (f->flags & SYNDICD_FIELD_FETCHED)
      out.fetched.push_back(
          {path, (f->flags & SYNDICD_FIELD_LOCAL_FILES) != 0, f->type == SYNDICD_TYPE_STRING_LIST});
    if (f->flags & SYNDICD_FIELD_PUBLISHED) out.published.push_back(path);
    if ((f->flags & SYNDICD_FIELD_ARTICLE_PAGE) && out.article_page.empty())
      out.article_page = path;
    if ((f->flags & SYNDICD_FIELD_TIMEZONE) && out.timezone.empty()) out.timezone = path;
  }
}

bool has_choice(const syndicd_field& f, std::string_view wanted) {
  if (f.choices == nullptr) return false;
  for (const char* const* c = f.choices; *c != nullptr; ++c)
    if (wanted == *c) return true;
  return false;
}

void check(const syndicd_field* fields, const std::string& prefix, int depth, syndicd_kind kind,
           std::vector<std::string>& out) {
  if (fields == nullptr || depth > kMaxDepth) return;
  for (const syndicd_field* f = fields; f->name != nullptr; ++f) {
    const std::string path = prefix + f->name;
    if (f->type == SYNDICD_TYPE_OBJECT) check(f->children, path + ".", depth + 1, kind, out);
    if (f->flags & SYNDICD_FIELD_FETCHED) {
      if (kind != SYNDICD_KIND_SOURCE)
        out.push_back(path + ": FETCHED is for sources (a sink's calls are not configured URLs)");
      else if (f->type != SYNDICD_TYPE_URL && f->type != SYNDICD_TYPE_STRING_LIST)
        out.push_back(path + ": FETCHED on a key that is not a URL or a list of URLs");
    }
    if ((f->flags & SYNDICD_FIELD_LOCAL_FILES) && !(f->flags & SYNDICD_FIELD_FETCHED))
      out.push_back(path + ": LOCAL_FILES without FETCHED");
    if (f->flags & SYNDICD_FIELD_PUBLISHED) {
      if (kind != SYNDICD_KIND_SINK)
        out.push_back(path + ": PUBLISHED is for sinks");
      else if (f->type != SYNDICD_TYPE_PATH)
        out.push_back(path + ": PUBLISHED on a key that is not a path");
    }
    if (f->flags & SYNDICD_FIELD_ARTICLE_PAGE) {
      if (kind != SYNDICD_KIND_SOURCE)
        out.push_back(path + ": ARTICLE_PAGE is for sources");
      else if (f->type != SYNDICD_TYPE_ENUM || !has_choice(*f, "article"))
        out.push_back(path +
                      ": ARTICLE_PAGE on a key that is not an ENUM with the choice "
                      "\"article\"");
    }
    if (f->flags & SYNDICD_FIELD_TIMEZONE) {
      if (kind != SYNDICD_KIND_SOURCE)
        out.push_back(path + ": TIMEZONE is for sources");
      else if (f->type != SYNDICD_TYPE_STRING)
        out.push_back(path + ": TIMEZONE on a key that is not a string");
    }
  }
}

// The values of one FETCHED key with the path of each ("url", "feeds[1]").
std::vector<std::pair<std::string, std::string>> values_of(const Capabilities::Fetched& key,
                                                           const config::ConfigValues& values) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!values.has(key.path)) return out;
  if (!key.list) {
    out.emplace_back(key.path, std::string(values.string(key.path)));
    return out;
  }
  const auto items = values.list(key.path);
  for (size_t i = 0; i < items.size(); ++i)
    out.emplace_back(key.path + "[" + std::to_string(i) + "]", items[i]);
  return out;
}

bool is_file_url(std::string_view url) {
  return url.starts_with("file://");
}

}  // namespace

Capabilities capabilities_of(const syndicd_field* schema) {
  Capabilities out;
  collect(schema, "", 0, out);
  return out;
}

Capabilities capabilities_of(const Plugin& plugin) {
  return capabilities_of(plugin.descriptor.schema);
}

std::vector<std::string> check_capabilities(const syndicd_field* schema, syndicd_kind kind) {
  std::vector<std::string> out;
  check(schema, "", 0, kind, out);
  const Capabilities caps = capabilities_of(schema);
  if (kind == SYNDICD_KIND_SOURCE && !caps.article_page.empty() && caps.fetched.empty())
    out.push_back(caps.article_page +
                  ": ARTICLE_PAGE in a source with no FETCHED key (the page's URL would have "
                  "no key to go in)");
  return out;
}

std::vector<std::string> fetched_urls(const Capabilities& caps,
                                      const config::ConfigValues& values) {
  std::vector<std::string> out;
  for (const auto& key : caps.fetched)
    for (auto& [path, url] : values_of(key, values))
      if (!url.empty()) out.push_back(std::move(url));
  return out;
}

bool reads_local_files(const Capabilities& caps, const config::ConfigValues& values) {
  for (const auto& key : caps.fetched)
    if (key.local_files)
      for (const auto& [path, url] : values_of(key, values))
        if (is_file_url(url)) return true;
  return false;
}

std::optional<std::string> forbidden_local_file(const Capabilities& caps,
                                                const config::ConfigValues& values) {
  for (const auto& key : caps.fetched)
    if (!key.local_files)
      for (const auto& [path, url] : values_of(key, values))
        if (is_file_url(url)) return path;
  return std::nullopt;
}

std::optional<std::string> source_timezone(const Capabilities& caps,
                                           const config::ConfigValues& values) {
  if (caps.timezone.empty() || !values.has(caps.timezone)) return std::nullopt;
  return std::string(values.string(caps.timezone));
}

std::optional<std::string> published_file(const Capabilities& caps,
                                          const config::ConfigValues& values) {
  for (const auto& path : caps.published)
    if (values.has(path) && !values.string(path).empty()) return std::string(values.string(path));
  return std::nullopt;
}

}  // namespace syndicd::plugin_host
