// SPDX-License-Identifier: Apache-2.0
#include "config/config.hpp"

#include <yaml-cpp/yaml.h>
#include <syndicd/common/url.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "config/loader.hpp"
#include "config/units.hpp"
#include "text/suggest.hpp"

namespace syndicd::config {
namespace fs = std::filesystem;

namespace {

class Builder {
 public:
  Builder(Config& config, std::vector<Diagnostic>& problems, fs::path config_dir)
      : config_(config), problems_(problems), config_dir_(std::move(config_dir)) {}

  void build(const Node& root) {
    static const std::vector<std::string> kTop = {"daemon", "sources", "sinks", "pipelines"};
    for (const auto& e : root.entries) {
      if (std::find(kTop.begin(), kTop.end(), e.key) != kTop.end()) continue;
      unknown_key(e, "", kTop);
    }
    daemon(root.find("daemon"), root.mark);
    sections(root.find("sources"), "sources", source_host_schema(), read_source_keys,
             config_.sources);
    sections(root.find("sinks"), "sinks", sink_host_schema(), read_sink_keys, config_.sinks);
    pipelines(root.find("pipelines"), root.mark);
    unused();
  }

 private:
  void error(const Mark& mark, const std::string& path, std::string message) {
    problems_.push_back({Diagnostic::Severity::Error, mark, path, std::move(message)});
  }
  void warning(const Mark& mark, const std::string& path, std::string message) {
    problems_.push_back({Diagnostic::Severity::Warning, mark, path, std::move(message)});
  }

  void unknown_key(const Node::Entry& e, const std::string& prefix,
                   const std::vector<std::string>& known) {
    std::string message = "unknown key \"" + e.key + "\"";
    if (auto guess = text::did_you_mean(e.key, known))
      message += "; did you mean \"" + *guess + "\"?";
    else
      message += " (expected one of: " + join(known) + ")";
    error(e.key_mark, prefix.empty() ? e.key : prefix + "." + e.key, message);
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  ValidateOptions options(std::vector<std::string> skip = {}) const {
    ValidateOptions o;
    o.base_dir = config_dir_.string();
    o.skip = std::move(skip);
    return o;
  }

  void daemon(const Node::Entry* entry, const Mark& root_mark) {
    Node empty;
    const Node& node = entry ? entry->value : empty;
    const Mark where = entry ? entry->key_mark : root_mark;
    auto values = validate(daemon_schema(), node, "daemon", where, options(), problems_);
    if (!values) {
      // Keep going with defaults so the rest of the file is still checked.
      std::vector<Diagnostic> ignored;
      values = validate(daemon_schema(), Node{}, "daemon", where, options(), ignored);
    }
    DaemonConfig& d = config_.daemon;
    static_cast<DaemonKeys&>(d) = read_daemon_keys(*values);
    d.state_mark = values->mark("state");
    for (auto& p : d.plugin_path)
      if (fs::path(p).is_relative()) p = (config_dir_ / p).lexically_normal().string();
    d.plugin_path_mark = values->mark("plugin_path");
    if (!d.http.listen.empty() && d.http.listen.rfind(':') == std::string::npos)
      error(values->mark("http.listen"), "daemon.http.listen",
            "\"" + d.http.listen + "\" is not ADDRESS:PORT (e.g. 127.0.0.1:8088)");
    // Readers fetch the feeds at this URL; a file:// one would name a file
    // on their own machine.
    if (!d.http.public_url.empty() && !common::is_http_url(d.http.public_url))
      error(values->mark("http.public_url"), "daemon.http.public_url",
            "\"" + d.http.public_url + "\" is not an http:// or https:// URL");
    // It is the only thing between the web and the review buttons: a
    // short one could be guessed (logins are throttled, not forbidden).
    if (!d.http.admin_token.empty() && d.http.admin_token.size() < 16)
      error(values->mark("http.admin_token"), "daemon.http.admin_token",
            "too short: at least 16 characters (e.g. `openssl rand -hex 16`)");
    // The request line is part of the header: a longer line limit could
    // never be reached.
    if (d.http.max_request_line > d.http.max_header_bytes)
      error(values->mark("http.max_request_line"), "daemon.http.max_request_line",
            "larger than daemon.http.max_header_bytes (" + std::to_string(d.http.max_header_bytes) +
                " bytes), which includes the request line");
    d.values = std::move(values);
  }

  static bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (unsigned char c : name)
      if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
    return name[0] != '.';
  }

  template <class Section, class Read>
  void sections(const Node::Entry* entry, const std::string& kind, const syndicd_field* host_schema,
                Read read_keys, std::map<std::string, Section>& out) {
    if (entry == nullptr || entry->value.is_null()) return;
    if (!entry->value.is_map()) {
      error(entry->value.mark, kind,
            std::string("expected a map of names, found ") + entry->value.kind_name());
      return;
    }
    std::vector<std::string> host_keys = field_names(host_schema);
    for (const auto& e : entry->value.entries) {
      const std::string prefix = kind + "." + e.key;
      if (!valid_name(e.key)) {
        error(e.key_mark, prefix, "names may use only letters, digits, '-', '_' and '.'");
        continue;
      }
      if (!e.value.is_map()) {
        error(e.value.is_null() ? e.key_mark : e.value.mark, prefix,
              std::string("expected a map with at least \"plugin\", found ") + e.value.kind_name());
        continue;
      }
      // Host keys are validated here; the rest belongs to the plugin.
      auto host = validate(host_schema, e.value, prefix, e.key_mark,
                           options(plugin_keys(e.value, host_keys)), problems_);
      const Node::Entry* plugin = e.value.find("plugin");
      if (plugin == nullptr || !plugin->value.is_scalar()) continue;  // reported by validate
      Section s;
      s.name = e.key;
      s.mark = e.key_mark;
      s.plugin = plugin->value.scalar;
      s.plugin_mark = plugin->value.mark;
      s.body.kind = Node::Kind::Map;
      s.body.mark = e.value.mark;
      for (const auto& child : e.value.entries)
        if (std::find(host_keys.begin(), host_keys.end(), child.key) == host_keys.end())
          s.body.entries.push_back(child);
      if (!host) {
        std::vector<Diagnostic> ignored;
        Node bare;
        bare.kind = Node::Kind::Map;
        bare.entries.push_back(*plugin);
        host = validate(host_schema, bare, prefix, e.key_mark, options(), ignored);
      }
      s.keys = read_keys(*host);
      s.fetch = read_fetch_override(config_.daemon.fetch, *host);
      s.host = std::move(host);
      out.emplace(s.name, std::move(s));
    }
  }

  static std::vector<std::string> field_names(const syndicd_field* schema) {
    std::vector<std::string> out;
    for (const syndicd_field* f = schema; f->name != nullptr; ++f) out.emplace_back(f->name);
    return out;
  }

  // The keys of a section that are not host keys (skipped by the host schema).
  static std::vector<std::string> plugin_keys(const Node& section,
                                              const std::vector<std::string>& host_keys) {
    std::vector<std::string> out;
    for (const auto& e : section.entries)
      if (std::find(host_keys.begin(), host_keys.end(), e.key) == host_keys.end())
        out.push_back(e.key);
    return out;
  }

  // A list of names (or one name) that must exist in `known`.
  template <class Section>
  std::vector<std::string> names(const Node::Entry& e, const std::string& path, const char* what,
                                 const std::map<std::string, Section>& known) {
    std::vector<const Node*> items;
    if (e.value.is_scalar())
      items.push_back(&e.value);
    else if (e.value.is_sequence())
      for (const auto& i : e.value.items) items.push_back(&i);
    else if (!e.value.is_null()) {
      error(e.value.mark, path,
            std::string("expected a list of ") + what + " names, found " + e.value.kind_name());
      return {};
    }
    std::vector<std::string> candidates;
    for (const auto& [name, s] : known) candidates.push_back(name);
    std::vector<std::string> out;
    for (size_t i = 0; i < items.size(); ++i) {
      const Node& n = *items[i];
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (!n.is_scalar()) {
        error(n.mark, item_path,
              std::string("expected a ") + what + " name, found " + n.kind_name());
        continue;
      }
      if (!known.count(n.scalar)) {
        std::string message = std::string("no ") + what + " named \"" + n.scalar + "\"";
        if (auto guess = text::did_you_mean(n.scalar, candidates))
          message += "; did you mean \"" + *guess + "\"?";
        else if (!candidates.empty())
          message += " (defined: " + join(candidates) + ")";
        else
          message += std::string(" (no ") + what + "s are defined)";
        error(n.mark, item_path, message);
        continue;
      }
      if (std::find(out.begin(), out.end(), n.scalar) != out.end()) {
        error(n.mark, item_path, "\"" + n.scalar + "\" is listed twice");
        continue;
      }
      out.push_back(n.scalar);
    }
    return out;
  }

  void pipelines(const Node::Entry* entry, const Mark& root_mark) {
    if (entry == nullptr || entry->value.is_null() ||
        (entry->value.is_map() && entry->value.entries.empty())) {
      warning(entry ? entry->key_mark : root_mark, "pipelines",
              "no pipelines: syndicd would do nothing");
      return;
    }
    if (!entry->value.is_map()) {
      error(entry->value.mark, "pipelines",
            std::string("expected a map of names, found ") + entry->value.kind_name());
      return;
    }
    static const std::vector<std::string> kKeys = {"from", "to", "filters", "transforms",
                                                   "repost_updates"};
    for (const auto& e : entry->value.entries) {
      const std::string prefix = "pipelines." + e.key;
      if (!valid_name(e.key)) {
        error(e.key_mark, prefix, "names may use only letters, digits, '-', '_' and '.'");
        continue;
      }
      if (!e.value.is_map()) {
        error(e.value.is_null() ? e.key_mark : e.value.mark, prefix,
              std::string("expected a map with \"from\" and \"to\", found ") + e.value.kind_name());
        continue;
      }
      Pipeline p;
      p.name = e.key;
      p.mark = e.key_mark;
      for (const auto& k : e.value.entries)
        if (std::find(kKeys.begin(), kKeys.end(), k.key) == kKeys.end())
          unknown_key(k, prefix, kKeys);
      if (const auto* from = e.value.find("from")) {
        p.from = names(*from, prefix + ".from", "source", config_.sources);
        if (p.from.empty() &&
            (from->value.is_null() || (from->value.is_sequence() && from->value.items.empty())))
          error(from->key_mark, prefix + ".from", "a pipeline needs at least one source");
      } else {
        error(e.key_mark, prefix, "missing required key \"from\"");
      }
      if (const auto* to = e.value.find("to")) {
        p.to = names(*to, prefix + ".to", "sink", config_.sinks);
        if (p.to.empty() &&
            (to->value.is_null() || (to->value.is_sequence() && to->value.items.empty())))
          warning(to->key_mark, prefix + ".to",
                  "no sinks: articles are stored but delivered nowhere");
      } else {
        error(e.key_mark, prefix, "missing required key \"to\"");
      }
      if (const auto* f = e.value.find("filters")) steps(*f, prefix + ".filters", p.filters);
      if (const auto* t = e.value.find("transforms"))
        steps(*t, prefix + ".transforms", p.transforms);
      if (const auto* r = e.value.find("repost_updates")) {
        auto b = r->value.is_scalar() ? parse_bool(r->value.scalar) : std::nullopt;
        if (!b)
          error(r->value.mark, prefix + ".repost_updates",
                r->value.shown() + " is not true or false");
        else
          p.repost_updates = *b;
      }
      for (const auto& s : p.from) used_sources_.insert(s);
      for (const auto& s : p.to) used_sinks_.insert(s);
      config_.pipelines.emplace(p.name, std::move(p));
    }
  }

  // The items of a list where each item is a map with one key (the kind).
  template <class F>
  void one_key_items(const Node::Entry& list, const std::string& path, F&& each) {
    if (list.value.is_null()) return;
    if (!list.value.is_sequence()) {
      error(list.value.mark, path, std::string("expected a list, found ") + list.value.kind_name());
      return;
    }
    for (size_t i = 0; i < list.value.items.size(); ++i) {
      const Node& item = list.value.items[i];
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (item.is_scalar()) {
        each(item.scalar, item.mark, Node{}, item_path);
      } else if (item.is_map() && item.entries.size() == 1) {
        each(item.entries[0].key, item.entries[0].key_mark, item.entries[0].value, item_path);
      } else {
        error(item.mark, item_path, "expected one \"name: settings\" entry per list item");
      }
    }
  }

  // A step's name and settings; what they mean is the pipeline's (steps.hpp).
  void steps(const Node::Entry& list, const std::string& path, std::vector<Step>& out) {
    one_key_items(
        list, path,
        [&](const std::string& name, const Mark& mark, const Node& v, const std::string& at) {
          out.push_back({name, mark, v, at});
        });
  }

  void unused() {
    for (const auto& [name, s] : config_.sources)
      if (!used_sources_.count(name))
        warning(s.mark, "sources." + name, "not used by any pipeline");
    for (const auto& [name, s] : config_.sinks)
      if (!used_sinks_.count(name)) warning(s.mark, "sinks." + name, "not used by any pipeline");
  }

  Config& config_;
  std::vector<Diagnostic>& problems_;
  fs::path config_dir_;
  std::set<std::string> used_sources_;
  std::set<std::string> used_sinks_;
};

LoadResult load_text(const std::string& text, const fs::path& file) {
  LoadResult result;
  const std::string name = file.string();
  const fs::path dir = fs::absolute(file).parent_path();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    result.diagnostics.push_back(
        {Diagnostic::Severity::Error, mark_of(e.mark, name), "", "YAML syntax: " + e.msg});
    return result;
  }
  const Node tree = to_tree(root, name, dir, result.diagnostics);
  if (tree.is_null()) {
    result.diagnostics.push_back(
        {Diagnostic::Severity::Error, Mark{name, 1, 1}, "",
         "the configuration is empty (expected daemon, sources, sinks, pipelines)"});
    return result;
  }
  if (!tree.is_map()) {
    result.diagnostics.push_back(
        {Diagnostic::Severity::Error, tree.mark, "",
         std::string("expected a map at the top, found ") + tree.kind_name()});
    return result;
  }
  Config config;
  config.file = name;
  Builder(config, result.diagnostics, dir).build(tree);
  result.config = std::move(config);
  return result;
}

}  // namespace

bool LoadResult::ok() const {
  if (!config) return false;
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::Error) return false;
  return true;
}

LoadResult load_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    LoadResult result;
    const int err = errno;
    result.diagnostics.push_back(
        {Diagnostic::Severity::Error, Mark{file.string(), 0, 0}, "",
         std::string("cannot read the configuration: ") + std::strerror(err)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_text(text.str(), file);
}

LoadResult load_string(const std::string& text, const fs::path& file) {
  return load_text(text, file);
}

}  // namespace syndicd::config
