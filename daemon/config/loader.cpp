// SPDX-License-Identifier: Apache-2.0
#include "config/loader.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace syndicd::config {
namespace fs = std::filesystem;

Mark mark_of(const YAML::Mark& m, const std::string& file) {
  if (m.is_null()) return Mark{file, 0, 0};
  return Mark{file, m.line + 1, m.column + 1};
}

namespace {

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

  // ${env:NAME}, ${file:PATH}, ${credential:NAME}, ${config_dir}; $${ is a
  // literal ${. The values of env, file and credential expansions are secrets: `secret` is set and
  // they never appear in a message.
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
      } else if (expr.starts_with("credential:")) {
        std::string value;
        if (read_credential(expr.substr(11), mark, path, value)) out += value;
        secret = true;
      } else {
        error(mark, path,
              "unknown expansion \"${" + expr +
                  "}\" (use ${env:NAME}, ${file:PATH}, ${credential:NAME} or ${config_dir})");
      }
    }
    return out;
  }

  // A systemd credential (LoadCredential=NAME:PATH, SetCredential=): the
  // file NAME in $CREDENTIALS_DIRECTORY, which systemd makes readable by the
  // service's (dynamic) user only, so a root-only secret reaches the daemon
  // without loosening its mode.
  bool read_credential(const std::string& name, const Mark& mark, const std::string& path,
                       std::string& value) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
      error(mark, path, "${credential:" + name + "} needs a credential name (no '/')");
      return false;
    }
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0') {
      error(mark, path,
            "${credential:" + name +
                "}: $CREDENTIALS_DIRECTORY is not set (systemd sets it for a unit with "
                "LoadCredential=" +
                name + ":PATH)");
      return false;
    }
    return read_secret((fs::path(dir) / name).string(), mark, path, value);
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

}  // namespace

Node to_tree(const YAML::Node& root, const std::string& file, const fs::path& config_dir,
             std::vector<Diagnostic>& problems) {
  Loader loader(file, config_dir, problems);
  return loader.convert(root, "", Mark{file, 1, 1});
}

}  // namespace syndicd::config
