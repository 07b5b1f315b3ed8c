#include "config/config.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "config/units.hpp"
#include "text/suggest.hpp"

namespace syndicd::config {
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Marks, diagnostics, nodes

std::string Mark::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::str() const {
  std::string out = mark.str() + (severity == Severity::Error ? ": error: " : ": warning: ");
  if (!path.empty()) out += path + ": ";
  return out + message;
}

const Node::Entry* Node::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

const char* Node::kind_name() const {
  switch (kind) {
    case Kind::Null:
      return "nothing";
    case Kind::Scalar:
      return "a string";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a map";
  }
  return "?";
}

std::string Node::shown() const {
  if (secret) return "(secret)";
  std::string out = "\"";
  for (char c : scalar) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// ---------------------------------------------------------------------------
// Schemas of the daemon's own keys

namespace {

const char* const kLogLevels[] = {"error", "warning", "notice", "info", "debug", nullptr};

// `daemon.fetch`; a source's `fetch` overrides any of them.
constexpr syndicd_field kFetchFields[] = {
    {.name = "user_agent",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "syndicd/" SYNDICD_VERSION,
     .description = "User-Agent header of every request."},
    {.name = "max_connections",
     .type = SYNDICD_TYPE_INT,
     .default_value = "64",
     .description = "Requests in flight at once, all hosts together.",
     .min = 1,
     .max = 1024},
    {.name = "per_host",
     .type = SYNDICD_TYPE_INT,
     .default_value = "2",
     .description = "Requests in flight to one host.",
     .min = 1,
     .max = 16},
    {.name = "delay",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "1s",
     .description = "Minimum time between two requests to one host.",
     .min = 0,
     .max = 600'000},
    {.name = "timeout",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "20s",
     .description = "Total time one request may take.",
     .min = 1000,
     .max = 600'000},
    {.name = "connect_timeout",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "10s",
     .description = "Time to connect (DNS, TCP, TLS).",
     .min = 1000,
     .max = 120'000},
    {.name = "low_speed_limit",
     .type = SYNDICD_TYPE_SIZE,
     .default_value = "64",
     .description = "A transfer slower than this many bytes per second ...",
     .min = 1,
     .max = int64_t{1} << 30},
    {.name = "low_speed_time",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "15s",
     .description = "... for this long is abandoned as a timeout.",
     .min = 1000,
     .max = 600'000},
    {.name = "max_body",
     .type = SYNDICD_TYPE_SIZE,
     .default_value = "8MiB",
     .description = "Largest body accepted, counted after decompression.",
     .min = 1024,
     .max = int64_t{1} << 30},
    {.name = "max_redirects",
     .type = SYNDICD_TYPE_INT,
     .default_value = "5",
     .description = "Redirects followed before giving up.",
     .min = 0,
     .max = 10},
    {.name = "retries",
     .type = SYNDICD_TYPE_INT,
     .default_value = "2",
     .description = "Extra attempts after a transient failure (connect error, timeout, 5xx).",
     .min = 0,
     .max = 10},
    {.name = "retry_base",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "1s",
     .description = "First retry delay; it doubles each time, with jitter.",
     .min = 0,
     .max = 600'000},
    {.name = "allow_private",
     .type = SYNDICD_TYPE_BOOL,
     .default_value = "false",
     .description =
         "Allow loopback and private addresses (off: a list page cannot send us into the LAN)."},
    {.name = "proxy",
     .type = SYNDICD_TYPE_STRING,
     .description = "HTTP proxy URL; the environment's proxy variables are ignored."},
    {},
};

constexpr syndicd_field kHttpFields[] = {
    {.name = "listen",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "127.0.0.1:8088",
     .description =
         "ADDRESS:PORT of the HTTP server (/feeds, /healthz, /metrics); empty: no server."},
    {.name = "max_connections",
     .type = SYNDICD_TYPE_INT,
     .default_value = "256",
     .description = "Open connections; one more is answered 503 and closed.",
     .min = 1,
     .max = 65'536},
    {.name = "max_connections_per_client",
     .type = SYNDICD_TYPE_INT,
     .default_value = "32",
     .description = "Open connections from one address; one more is answered 429 and closed "
                    "(behind a reverse proxy, every client is the proxy).",
     .min = 1,
     .max = 65'536},
    {.name = "idle_timeout",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "30s",
     .description = "A connection with no request begun (new, or kept alive) is closed after this.",
     .min = 1000,
     .max = 3'600'000},
    {.name = "header_timeout",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "10s",
     .description = "A request header not complete this long after its first byte gets 408.",
     .min = 1000,
     .max = 600'000},
    {.name = "write_timeout",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "30s",
     .description = "A client that takes no part of a response for this long is dropped.",
     .min = 1000,
     .max = 600'000},
    {.name = "max_request_line",
     .type = SYNDICD_TYPE_SIZE,
     .default_value = "4KiB",
     .description = "Longest request line (method, target, version); longer gets 414.",
     .min = 64,
     .max = 1024 * 1024},
    {.name = "max_header_bytes",
     .type = SYNDICD_TYPE_SIZE,
     .default_value = "8KiB",
     .description = "Request line and header fields together; more gets 431.",
     .min = 1024,
     .max = 1024 * 1024},
    {.name = "max_headers",
     .type = SYNDICD_TYPE_INT,
     .default_value = "100",
     .description = "Header fields in one request; more gets 431. Bodies always get 413.",
     .min = 1,
     .max = 10'000},
    {.name = "max_requests_per_connection",
     .type = SYNDICD_TYPE_INT,
     .default_value = "100",
     .description = "Requests on one kept-alive connection before it is closed.",
     .min = 1,
     .max = 1'000'000},
    {},
};

constexpr syndicd_field kDaemonFields[] = {
    {.name = "state",
     .type = SYNDICD_TYPE_PATH,
     .default_value = "/var/lib/syndicd/state.db",
     .description = "The SQLite state file (articles, deliveries, fetch state)."},
    {.name = "plugin_path",
     .type = SYNDICD_TYPE_STRING_LIST,
     .description = "Directories searched for plugins; default: the installed plugin directory."},
    {.name = "log_level",
     .type = SYNDICD_TYPE_ENUM,
     .default_value = "info",
     .description = "Least important messages logged.",
     .choices = kLogLevels},
    {.name = "workers",
     .type = SYNDICD_TYPE_INT,
     .default_value = "2",
     .description = "Threads for CPU-heavy parsing and the state store.",
     .min = 1,
     .max = 64},
    {.name = "shutdown_timeout",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "10s",
     .description = "On SIGTERM, time given to work in flight before it is released.",
     .min = 0,
     .max = 600'000},
    {.name = "http",
     .type = SYNDICD_TYPE_OBJECT,
     .description = "The built-in HTTP server.",
     .children = kHttpFields},
    {.name = "fetch",
     .type = SYNDICD_TYPE_OBJECT,
     .description = "The fetcher: politeness, timeouts and limits.",
     .children = kFetchFields},
    {},
};

// A source's `fetch` overrides: the same keys, without defaults (they come
// from daemon.fetch).
const syndicd_field* fetch_override_fields() {
  static const auto fields = [] {
    std::vector<syndicd_field> out;
    for (const syndicd_field* f = kFetchFields; f->name != nullptr; ++f) {
      out.push_back(*f);
      out.back().default_value = nullptr;
    }
    out.push_back({});
    return out;
  }();
  return fields.data();
}

const syndicd_field* source_fields() {
  static const syndicd_field fields[] = {
      {.name = "plugin",
       .type = SYNDICD_TYPE_STRING,
       .flags = SYNDICD_FIELD_REQUIRED,
       .description = "The source plugin: a name (rss, html) or a path to a .so."},
      {.name = "every",
       .type = SYNDICD_TYPE_DURATION,
       .default_value = "10m",
       .description = "Poll interval (with jitter; longer after failures).",
       .min = 10'000,
       .max = 7 * 86'400'000LL},
      {.name = "fetch",
       .type = SYNDICD_TYPE_OBJECT,
       .description = "Overrides of daemon.fetch for this source.",
       .children = fetch_override_fields()},
      {},
  };
  return fields;
}

constexpr syndicd_field kSinkFields[] = {
    {.name = "plugin",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "The sink plugin: a name (rss, facebook, youtube) or a path to a .so."},
    {.name = "concurrency",
     .type = SYNDICD_TYPE_INT,
     .default_value = "1",
     .description = "Deliveries in flight to this sink.",
     .min = 1,
     .max = 64},
    {.name = "max_attempts",
     .type = SYNDICD_TYPE_INT,
     .default_value = "8",
     .description = "Attempts before a delivery is parked as dead.",
     .min = 1,
     .max = 1000},
    {.name = "retry",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "1m",
     .description = "First retry delay; it doubles each attempt, with jitter.",
     .min = 1000,
     .max = 86'400'000},
    {.name = "retry_max",
     .type = SYNDICD_TYPE_DURATION,
     .default_value = "6h",
     .description = "Longest retry delay.",
     .min = 1000,
     .max = 7 * 86'400'000LL},
    {},
};

// ---------------------------------------------------------------------------
// Loading: YAML → Node with ${...} expansion

Mark mark_of(const YAML::Mark& m, const std::string& file) {
  if (m.is_null()) return Mark{file, 0, 0};
  return Mark{file, m.line + 1, m.column + 1};
}

class Loader {
 public:
  Loader(std::string file, fs::path config_dir, std::vector<Diagnostic>& problems)
      : file_(std::move(file)), config_dir_(std::move(config_dir)), problems_(problems) {}

  Node convert(const YAML::Node& y, const std::string& path, const Mark& fallback) {
    Node n;
    n.mark = mark_of(y.Mark(), file_);
    if (n.mark.line == 0) n.mark = fallback;
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        n.kind = Node::Kind::Null;
        return n;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::Scalar;
        n.scalar = expand(y.Scalar(), n.mark, path, n.secret);
        return n;
      case YAML::NodeType::Sequence: {
        n.kind = Node::Kind::Sequence;
        size_t i = 0;
        for (const auto& item : y) {
          n.items.push_back(convert(item, path + "[" + std::to_string(i) + "]", n.mark));
          ++i;
        }
        return n;
      }
      case YAML::NodeType::Map: {
        n.kind = Node::Kind::Map;
        for (const auto& kv : y) {
          const Mark key_mark = mark_of(kv.first.Mark(), file_);
          if (!kv.first.IsScalar()) {
            error(key_mark, path, "keys must be plain strings");
            continue;
          }
          const std::string key = kv.first.Scalar();
          const std::string child = path.empty() ? key : path + "." + key;
          if (const Node::Entry* first = n.find(key)) {
            error(key_mark, child,
                  "duplicate key (first defined at line " + std::to_string(first->key_mark.line) +
                      ")");
            continue;
          }
          n.entries.push_back({key, key_mark, convert(kv.second, child, key_mark)});
        }
        return n;
      }
    }
    return n;
  }

 private:
  void error(const Mark& mark, const std::string& path, std::string message) {
    problems_.push_back({Diagnostic::Severity::Error, mark, path, std::move(message)});
  }
  void warning(const Mark& mark, const std::string& path, std::string message) {
    problems_.push_back({Diagnostic::Severity::Warning, mark, path, std::move(message)});
  }

  // ${env:NAME}, ${file:PATH}, ${config_dir}; $${ is a literal ${. The
  // values of env and file expansions are secrets: `secret` is set and they
  // never appear in a message.
  std::string expand(const std::string& in, const Mark& mark, const std::string& path,
                     bool& secret) {
    std::string out;
    size_t pos = 0;
    while (pos < in.size()) {
      const size_t dollar = in.find('$', pos);
      if (dollar == std::string::npos) {
        out.append(in, pos, std::string::npos);
        break;
      }
      out.append(in, pos, dollar - pos);
      if (in.compare(dollar, 3, "$${") == 0) {
        out += "${";
        pos = dollar + 3;
        continue;
      }
      if (in.compare(dollar, 2, "${") != 0) {
        out += '$';
        pos = dollar + 1;
        continue;
      }
      const size_t close = in.find('}', dollar + 2);
      if (close == std::string::npos) {
        error(mark, path, "unterminated \"${\" (write $${ for a literal ${)");
        return out;
      }
      const std::string expr = in.substr(dollar + 2, close - dollar - 2);
      pos = close + 1;
      if (expr == "config_dir") {
        out += config_dir_.string();
      } else if (expr.starts_with("env:")) {
        const std::string name = expr.substr(4);
        const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
        if (value == nullptr) {
          error(mark, path, "environment variable " + name + " is not set");
          continue;
        }
        out += value;
        secret = true;
      } else if (expr.starts_with("file:")) {
        std::string value;
        if (read_secret(expr.substr(5), mark, path, value)) out += value;
        secret = true;
      } else {
        error(mark, path,
              "unknown expansion \"${" + expr +
                  "}\" (use ${env:NAME}, ${file:PATH} or ${config_dir})");
      }
    }
    return out;
  }

  bool read_secret(const std::string& name, const Mark& mark, const std::string& path,
                   std::string& value) {
    if (name.empty()) {
      error(mark, path, "${file:} needs a path");
      return false;
    }
    fs::path p(name);
    if (p.is_relative()) p = config_dir_ / p;
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      error(mark, path, "cannot read " + p.string() + ": " + std::strerror(errno));
      return false;
    }
    constexpr size_t kMaxSecret = 64 * 1024;
    value.assign(kMaxSecret + 1, '\0');
    in.read(value.data(), static_cast<std::streamsize>(value.size()));
    value.resize(static_cast<size_t>(in.gcount()));
    if (value.size() > kMaxSecret) {
      error(mark, path, p.string() + " is larger than 64 KiB; not a secret file");
      return false;
    }
    // One trailing newline is how editors and `echo` end files.
    if (value.ends_with("\r\n"))
      value.resize(value.size() - 2);
    else if (value.ends_with('\n'))
      value.pop_back();
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IROTH))
      warning(mark, path, p.string() + " is readable by every user; chmod o-r it");
    return true;
  }

  std::string file_;
  fs::path config_dir_;
  std::vector<Diagnostic>& problems_;
};

// ---------------------------------------------------------------------------
// Sections

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
    sections(root.find("sources"), "sources", source_fields(), config_.sources);
    sections(root.find("sinks"), "sinks", kSinkFields, config_.sinks);
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
    auto values = validate(kDaemonFields, node, "daemon", where, options(), problems_);
    if (!values) {
      // Keep going with defaults so the rest of the file is still checked.
      std::vector<Diagnostic> ignored;
      values = validate(kDaemonFields, Node{}, "daemon", where, options(), ignored);
    }
    DaemonConfig& d = config_.daemon;
    d.state = std::string(values->string("state"));
    d.state_mark = values->mark("state");
    for (auto p : values->list("plugin_path")) {
      if (fs::path(p).is_relative()) p = (config_dir_ / p).lexically_normal().string();
      d.plugin_path.push_back(p);
    }
    d.plugin_path_mark = values->mark("plugin_path");
    d.http_listen = std::string(values->string("http.listen"));
    d.log_level = std::string(values->string("log_level"));
    d.shutdown_timeout = std::chrono::milliseconds(values->integer("shutdown_timeout"));
    d.workers = static_cast<int>(values->integer("workers"));
    if (!d.http_listen.empty() && d.http_listen.rfind(':') == std::string::npos)
      error(values->mark("http.listen"), "daemon.http.listen",
            "\"" + d.http_listen + "\" is not ADDRESS:PORT (e.g. 127.0.0.1:8088)");
    // The request line is part of the header: a longer line limit could
    // never be reached.
    if (values->integer("http.max_request_line") > values->integer("http.max_header_bytes"))
      error(values->mark("http.max_request_line"), "daemon.http.max_request_line",
            "larger than daemon.http.max_header_bytes (" +
                std::to_string(values->integer("http.max_header_bytes")) +
                " bytes), which includes the request line");
    d.values = std::move(values);
  }

  static bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (unsigned char c : name)
      if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
    return name[0] != '.';
  }

  void sections(const Node::Entry* entry, const std::string& kind, const syndicd_field* host_schema,
                std::map<std::string, PluginSection>& out) {
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
      PluginSection s;
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
  std::vector<std::string> names(const Node::Entry& e, const std::string& path, const char* what,
                                 const std::map<std::string, PluginSection>& known) {
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
      if (const auto* f = e.value.find("filters")) filters(*f, prefix + ".filters", p);
      if (const auto* t = e.value.find("transforms")) transforms(*t, prefix + ".transforms", p);
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

  void filters(const Node::Entry& list, const std::string& path, Pipeline& p) {
    static const std::vector<std::string> kKinds = {"max_age", "include", "exclude"};
    static const std::vector<std::string> kFields = {"title", "lead", "body", "author",
                                                     "tags",  "url",  "any"};
    one_key_items(
        list, path,
        [&](const std::string& kind, const Mark& mark, const Node& v, const std::string& at) {
          Filter f;
          f.mark = mark;
          const std::string kind_path = at + "." + kind;
          if (kind == "max_age") {
            f.kind = Filter::Kind::MaxAge;
            auto d = v.is_scalar() ? parse_duration(v.scalar) : std::nullopt;
            if (!d || *d <= 0) {
              error(v.is_null() ? mark : v.mark, kind_path,
                    (v.is_scalar() ? v.shown() : std::string("this")) +
                        " is not a duration (write e.g. 12h, 3d)");
              return;
            }
            f.max_age = std::chrono::milliseconds(*d);
          } else if (kind == "include" || kind == "exclude") {
            f.kind = kind == "include" ? Filter::Kind::Include : Filter::Kind::Exclude;
            if (!v.is_map() || v.entries.empty()) {
              error(v.is_null() ? mark : v.mark, kind_path,
                    "expected a map of field: [words], e.g. {title: [\"quảng cáo\"]}");
              return;
            }
            for (const auto& fe : v.entries) {
              if (std::find(kFields.begin(), kFields.end(), fe.key) == kFields.end()) {
                unknown_key(fe, kind_path, kFields);
                continue;
              }
              std::vector<std::string> words;
              if (fe.value.is_scalar())
                words.push_back(fe.value.scalar);
              else if (fe.value.is_sequence())
                for (const auto& w : fe.value.items)
                  if (w.is_scalar() && !w.scalar.empty())
                    words.push_back(w.scalar);
                  else
                    error(w.mark, kind_path + "." + fe.key, "expected a word or phrase");
              else
                error(fe.value.mark, kind_path + "." + fe.key,
                      "expected a word or a list of words");
              f.words.emplace_back(fe.key, std::move(words));
            }
          } else {
            std::string message = "unknown filter \"" + kind + "\"";
            if (auto guess = text::did_you_mean(kind, kKinds))
              message += "; did you mean \"" + *guess + "\"?";
            else
              message += " (filters: " + join(kKinds) + ")";
            error(mark, at, message);
            return;
          }
          p.filters.push_back(std::move(f));
        });
  }

  void transforms(const Node::Entry& list, const std::string& path, Pipeline& p) {
    static const std::vector<std::string> kKinds = {"slug", "hashtags", "truncate"};
    one_key_items(
        list, path,
        [&](const std::string& name, const Mark& mark, const Node& v, const std::string& at) {
          if (std::find(kKinds.begin(), kKinds.end(), name) == kKinds.end()) {
            std::string message = "unknown transform \"" + name + "\"";
            if (auto guess = text::did_you_mean(name, kKinds))
              message += "; did you mean \"" + *guess + "\"?";
            else
              message += " (transforms: " + join(kKinds) + ")";
            error(mark, at, message);
            return;
          }
          Transform t;
          t.name = name;
          t.mark = mark;
          if (v.is_map()) {
            for (const auto& o : v.entries) {
              if (!o.value.is_scalar()) {
                error(o.value.mark, at + "." + name + "." + o.key, "expected a single value");
                continue;
              }
              t.options[o.key] = o.value.scalar;
            }
          } else if (!v.is_null()) {
            error(v.mark, at + "." + name, "expected a map of options");
            return;
          }
          p.transforms.push_back(std::move(t));
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
  Loader loader(name, dir, result.diagnostics);
  const Node tree = loader.convert(root, "", Mark{name, 1, 1});
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

const syndicd_field* daemon_schema() {
  return kDaemonFields;
}
const syndicd_field* source_host_schema() {
  return source_fields();
}
const syndicd_field* sink_host_schema() {
  return kSinkFields;
}

}  // namespace syndicd::config
