// SPDX-License-Identifier: Apache-2.0
#include "runtime/preview.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include <filesystem>
#include <ostream>

#include "runtime/article_output.hpp"
#include "syndicd/common/dates.hpp"
#include "text/suggest.hpp"

namespace syndicd::runtime {
namespace {

// Every fetch has its own timeouts; this only stops a plugin that forgets
// to complete its poll from hanging the command forever.
constexpr std::chrono::minutes kPreviewDeadline{10};

// Articles are shown in the source's own zone, as its readers see them:
// the key its plugin marks TIMEZONE (abi.h), else UTC.
int display_offset(const Assembly::Bound& bound) {
  if (bound.plugin == nullptr || bound.values == nullptr) return 0;
  const auto zone =
      plugin_host::source_timezone(plugin_host::capabilities_of(*bound.plugin), *bound.values);
  if (zone)
    if (auto minutes = common::parse_utc_offset(*zone)) return *minutes;
  return 0;
}

}  // namespace

int poll_source(Assembly& assembly, Environment& environment, const std::string& source,
                const std::function<void(const Article&)>& on_article, std::ostream& err,
                std::string_view command) {
  const auto& sources = assembly.config().sources;
  auto section = sources.find(source);
  plugin_host::Instance* instance = assembly.source(source);
  if (section == sources.end() || instance == nullptr) {
    std::vector<std::string> names;
    for (const auto& [name, s] : sources) names.push_back(name);
    err << "syndicd " << command << ": no source named \"" << source << "\"";
    if (auto guess = text::did_you_mean(source, names))
      err << "; did you mean \"" << *guess << "\"?";
    else if (!names.empty())
      err << " (sources: " << [&] {
        std::string all;
        for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
        return all;
      }() << ")";
    err << "\n";
    return 2;
  }
  environment.configure(assembly.config());

  bool done = false;
  syndicd_status status = SYNDICD_OK;
  std::string message;
  size_t count = 0;
  instance->poll(
      [&](const Article& article) {
        ++count;
        on_article(article);
        return SYNDICD_OK;
      },
      [&](syndicd_status s, const std::string& m) {
        done = true;
        status = s;
        message = m;
        environment.io().stop();
      });
  if (!done) {
    // Worker-pool jobs and fetches in flight leave the loop without queued
    // handlers for a while; the guard keeps run() going until the poll ends.
    auto guard = boost::asio::make_work_guard(environment.io());
    boost::asio::steady_timer deadline(environment.io(), kPreviewDeadline);
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) environment.io().stop();
    });
    environment.io().restart();
    environment.io().run();
  }
  if (!done) {
    err << "syndicd " << command << ": " << source << ": no result after "
        << std::chrono::duration_cast<std::chrono::minutes>(kPreviewDeadline).count()
        << " minutes; giving up (a plugin that never completes its poll is a bug)\n";
    return 1;
  }
  if (status != SYNDICD_OK) {
    err << "syndicd " << command << ": " << source << ": "
        << (message.empty() ? "poll failed" : message) << "\n";
    return 1;
  }
  err << "syndicd " << command << ": " << source << ": " << count << " article"
      << (count == 1 ? "" : "s") << (message.empty() ? "" : " (" + message + ")") << "\n";
  return 0;
}

int preview_source(Assembly& assembly, Environment& environment, const std::string& source,
                   bool json, std::ostream& out, std::ostream& err) {
  const int offset = display_offset(assembly.bound("sources." + source));
  size_t count = 0;
  return poll_source(
      assembly, environment, source,
      [&](const Article& article) {
        ++count;
        if (json)
          out << article_json(article, offset) << "\n";
        else
          out << (count > 1 ? "\n" : "") << article_text(article, offset);
        out.flush();
      },
      err, "preview");
}

namespace {

// Set the dotted key `key` of `section` (creating the sections on the way;
// yaml-cpp nodes are handles, so the walk edits `section` in place).
bool put(YAML::Node section, const std::string& key, const YAML::Node& value,
         const std::string& what, std::string& error) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const auto dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  YAML::Node node = section;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty() ||
        (node[parts[i]].IsDefined() && !node[parts[i]].IsMap() && !node[parts[i]].IsNull())) {
      error = what + ": \"" + parts[i] + "\" is not a section";
      return false;
    }
    node.reset(node[parts[i]]);
  }
  node[parts.back()] = value;
  return true;
}

}  // namespace

std::optional<std::string> preview_config(const PreviewRequest& request,
                                          const plugin_host::Capabilities& caps,
                                          std::string& error) {
  YAML::Node section;
  section["plugin"] = request.plugin;
  if (caps.fetched.empty()) {
    error = "plugin \"" + request.plugin +
            "\" declares no URL key (SYNDICD_FIELD_FETCHED) for the URL to go in";
    return std::nullopt;
  }
  std::string absolute = request.url;
  if (absolute.find("://") == std::string::npos)
    absolute = "file://" + std::filesystem::absolute(absolute).lexically_normal().string();
  const auto& url_key = caps.fetched.front();
  YAML::Node url_value(absolute);
  if (url_key.list) {
    url_value = YAML::Node(YAML::NodeType::Sequence);
    url_value.push_back(absolute);
  }
  if (!put(section, url_key.path, url_value, "the URL", error)) return std::nullopt;
  if (request.article) {
    if (caps.article_page.empty()) {
      error = "--article: plugin \"" + request.plugin +
              "\" cannot read a single article page (it declares no ARTICLE_PAGE key)";
      return std::nullopt;
    }
    if (!put(section, caps.article_page, YAML::Node("article"), "--article", error))
      return std::nullopt;
  }
  for (const auto& set : request.sets) {
    const auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "--set " + set + ": expected KEY=VALUE (e.g. list.links=css:.news h3 a)";
      return std::nullopt;
    }
    if (!put(section, set.substr(0, eq), YAML::Node(set.substr(eq + 1)), "--set " + set, error))
      return std::nullopt;
  }
  YAML::Node root;
  root["daemon"]["http"]["listen"] = "";
  root["sources"][kPreviewSource] = section;
  root["pipelines"][kPreviewSource]["from"].push_back(kPreviewSource);
  root["pipelines"][kPreviewSource]["to"] = YAML::Node(YAML::NodeType::Sequence);
  YAML::Emitter emitter;
  emitter << root;
  return std::string(emitter.c_str()) + "\n";
}

}  // namespace syndicd::runtime
