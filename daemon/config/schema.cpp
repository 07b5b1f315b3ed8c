// SPDX-License-Identifier: Apache-2.0
#include "config/schema.hpp"

#include <filesystem>
#include <set>

#include "config/config.hpp"
#include "config/units.hpp"
#include "text/suggest.hpp"

namespace syndicd::config {
namespace {

// Schemas come from plugins; a cyclic `children` pointer must not hang us.
constexpr int kMaxDepth = 8;

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::vector<std::string> field_names(const syndicd_field* schema) {
  std::vector<std::string> out;
  for (const syndicd_field* f = schema; f != nullptr && f->name != nullptr; ++f)
    out.emplace_back(f->name);
  return out;
}

std::vector<std::string> choices_of(const syndicd_field& f) {
  std::vector<std::string> out;
  for (const char* const* c = f.choices; c != nullptr && *c != nullptr; ++c) out.emplace_back(*c);
  return out;
}

std::string format_number(syndicd_type type, int64_t n) {
  if (type == SYNDICD_TYPE_DURATION) return units::format_duration(n);
  if (type == SYNDICD_TYPE_SIZE) return units::format_size(n);
  return std::to_string(n);
}

bool has_bounds(const syndicd_field& f) {
  return f.min < f.max;
}

// What a URL-typed value may be: absolute http(s) with a host, or file://
// with an absolute path (the offline demo and saved pages).
bool valid_url(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) return false;
  std::string scheme(url.substr(0, colon));
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view rest = url.substr(colon + 3);
  if (scheme == "http" || scheme == "https") {
    const auto end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, end);
    return !authority.empty() && authority.find_first_of(" \t\r\n") == std::string_view::npos;
  }
  if (scheme == "file") return rest.starts_with("/");
  return false;
}

class Validator {
 public:
  Validator(const ValidateOptions& options, std::vector<Diagnostic>& problems, ConfigValues& out)
      : options_(options), problems_(problems), out_(out) {}

  bool failed() const { return failed_; }

  // `shown` is the key path for messages ("sources.a.list"), `path` the
  // path inside the section ("list"); empty at the top.
  void map(const syndicd_field* schema, const Node& node, const std::string& shown,
           const std::string& path, const Mark& where, int depth) {
    if (depth > kMaxDepth) {
      error(where, shown, "configuration schema nests too deep (plugin bug)");
      return;
    }
    const auto names = field_names(schema);
    if (node.is_map()) {
      for (const auto& e : node.entries) {
        if (depth == 0 && is_skipped(e.key)) continue;
        bool known = false;
        for (const auto& n : names) known = known || n == e.key;
        if (known) continue;
        std::string message = "unknown key \"" + e.key + "\"";
        auto candidates = names;
        if (auto guess = text::did_you_mean(e.key, candidates)) {
          message += "; did you mean \"" + *guess + "\"?";
        } else if (!names.empty()) {
          message += " (expected one of: " + join(names) + ")";
        } else {
          message += " (this section takes no keys)";
        }
        error(e.key_mark, join_path(shown, e.key), message);
      }
    }
    for (const syndicd_field* f = schema; f != nullptr && f->name != nullptr; ++f) {
      const Node::Entry* entry = node.is_map() ? node.find(f->name) : nullptr;
      const std::string child_shown = join_path(shown, f->name);
      const std::string child_path = path.empty() ? f->name : path + "." + f->name;
      if (entry != nullptr && !entry->value.is_null()) {
        value(*f, entry->value, child_shown, child_path, depth);
      } else if (entry != nullptr && is_container(f->type)) {
        value(*f, entry->value, child_shown, child_path, depth);  // `key:` = empty
      } else if (entry != nullptr) {
        error(entry->key_mark, child_shown,
              std::string("expected ") + article(f->type) + ", found nothing");
      } else if (f->flags & SYNDICD_FIELD_REQUIRED) {
        error(where, shown.empty() ? child_shown : shown,
              "missing required key \"" + std::string(f->name) + "\"");
      } else {
        defaults(*f, child_path, where, depth);
      }
    }
  }

 private:
  static bool is_container(syndicd_type t) {
    return t == SYNDICD_TYPE_STRING_LIST || t == SYNDICD_TYPE_STRING_MAP ||
           t == SYNDICD_TYPE_OBJECT;
  }

  static const char* article(syndicd_type t) {
    switch (t) {
      case SYNDICD_TYPE_STRING:
        return "a string";
      case SYNDICD_TYPE_INT:
        return "an integer";
      case SYNDICD_TYPE_BOOL:
        return "true or false";
      case SYNDICD_TYPE_DURATION:
        return "a duration";
      case SYNDICD_TYPE_SIZE:
        return "a size";
      case SYNDICD_TYPE_URL:
        return "a URL";
      case SYNDICD_TYPE_ENUM:
        return "one of its choices";
      case SYNDICD_TYPE_STRING_LIST:
        return "a list of strings";
      case SYNDICD_TYPE_STRING_MAP:
        return "a map of strings";
      case SYNDICD_TYPE_OBJECT:
        return "a map";
      case SYNDICD_TYPE_PATH:
        return "a path";
    }
    return "a value";
  }

  static std::string join_path(const std::string& a, const std::string& b) {
    return a.empty() ? b : a + "." + b;
  }

  bool is_skipped(const std::string& key) const {
    for (const auto& s : options_.skip)
      if (s == key) return true;
    return false;
  }

  void error(const Mark& mark, const std::string& path, std::string message) {
    failed_ = true;
    problems_.push_back({Diagnostic::Severity::Error, mark, path, std::move(message)});
  }

  // Apply the default of an absent key (and of an absent object's children).
  void defaults(const syndicd_field& f, const std::string& path, const Mark& where, int depth) {
    if (f.type == SYNDICD_TYPE_OBJECT) {
      if (depth >= kMaxDepth) return;
      for (const syndicd_field* c = f.children; c != nullptr && c->name != nullptr; ++c)
        defaults(*c, path + "." + c->name, where, depth + 1);
      return;
    }
    if (f.default_value == nullptr) return;
    Node fake;
    fake.kind = Node::Kind::Scalar;
    fake.scalar = f.default_value;
    fake.mark = where;
    ConfigValues::Value v;
    // A default that does not parse is a plugin bug; check_schema reports
    // it at load time, so here it is simply left out.
    if (scalar(f, fake, "", v, /*report=*/false)) {
      v.set = false;
      out_.put(path, std::move(v));
    }
  }

  void value(const syndicd_field& f, const Node& node, const std::string& shown,
             const std::string& path, int depth) {
    const Mark& mark = node.mark;
    ConfigValues::Value v;
    v.type = f.type;
    v.mark = mark;
    v.set = true;
    v.secret = node.secret;
    switch (f.type) {
      case SYNDICD_TYPE_OBJECT: {
        if (node.is_scalar() && (f.flags & SYNDICD_FIELD_SHORTHAND) && f.children &&
            f.children->name) {
          // `published: "css:.date"` is `published: {select: "css:.date"}`.
          Node wrapped;
          wrapped.kind = Node::Kind::Map;
          wrapped.mark = mark;
          wrapped.entries.push_back({f.children->name, mark, node});
          out_.put(path, v);
          map(f.children, wrapped, shown, path, mark, depth + 1);
          return;
        }
        if (!node.is_map() && !node.is_null()) {
          error(mark, shown,
                std::string("expected a map") +
                    ((f.flags & SYNDICD_FIELD_SHORTHAND) && f.children && f.children->name
                         ? std::string(" or a string (its \"") + f.children->name + "\")"
                         : std::string()) +
                    ", found " + node.kind_name());
          return;
        }
        out_.put(path, v);
        map(f.children, node, shown, path, mark, depth + 1);
        return;
      }
      case SYNDICD_TYPE_STRING_LIST: {
        std::vector<const Node*> items;
        if (node.is_scalar()) {
          items.push_back(&node);  // a single string is a list of one
        } else if (node.is_sequence()) {
          for (const auto& i : node.items) items.push_back(&i);
        } else if (!node.is_null()) {
          error(mark, shown, "expected a list of strings, found " + std::string(node.kind_name()));
          return;
        }
        size_t index = 0;
        for (const Node* item : items) {
          const std::string item_shown = shown + "[" + std::to_string(index) + "]";
          if (!item->is_scalar()) {
            error(item->mark, item_shown,
                  "expected a string, found " + std::string(item->kind_name()));
            continue;
          }
          ConfigValues::Value iv;
          iv.type = SYNDICD_TYPE_STRING;
          iv.text = item->scalar;
          iv.mark = item->mark;
          iv.set = true;
          iv.secret = item->secret;
          out_.put(path + "[" + std::to_string(index) + "]", std::move(iv));
          ++index;
        }
        v.number = static_cast<int64_t>(index);
        out_.put(path, std::move(v));
        return;
      }
      case SYNDICD_TYPE_STRING_MAP: {
        if (!node.is_map() && !node.is_null()) {
          error(mark, shown, "expected a map of strings, found " + std::string(node.kind_name()));
          return;
        }
        size_t index = 0;
        for (const auto& e : node.entries) {
          if (!e.value.is_scalar()) {
            error(e.value.mark, shown + "." + e.key,
                  "expected a string, found " + std::string(e.value.kind_name()));
            continue;
          }
          ConfigValues::Value iv;
          iv.type = SYNDICD_TYPE_STRING;
          iv.text = e.value.scalar;
          iv.mark = e.value.mark;
          iv.set = true;
          iv.secret = e.value.secret;
          v.keys.push_back(e.key);
          out_.put(path + "[" + std::to_string(index) + "]", std::move(iv));
          ++index;
        }
        v.number = static_cast<int64_t>(index);
        out_.put(path, std::move(v));
        return;
      }
      default:
        break;
    }
    if (!node.is_scalar()) {
      error(mark, shown,
            std::string("expected ") + article(f.type) + ", found " + node.kind_name());
      return;
    }
    if ((f.flags & SYNDICD_FIELD_SECRET) && !node.secret && !node.scalar.empty()) {
      error(mark, shown,
            "secrets are not written in the configuration file; use ${file:PATH}, "
            "${credential:NAME} or ${env:NAME}");
      return;
    }
    current_shown_ = shown;
    if (scalar(f, node, shown, v, /*report=*/true)) out_.put(path, std::move(v));
  }

  // Parse one scalar of a scalar type into `v`. Reports (when asked) and
  // returns false on a bad value.
  bool scalar(const syndicd_field& f, const Node& node, const std::string& shown,
              ConfigValues::Value& v, bool report) {
    v.type = f.type;
    v.mark = node.mark;
    v.secret = node.secret;
    const std::string& s = node.scalar;
    auto bad = [&](const std::string& message) {
      if (report) error(node.mark, shown, message);
      return false;
    };
    const std::string quoted = node.shown();
    switch (f.type) {
      case SYNDICD_TYPE_STRING:
        v.text = s;
        return true;
      case SYNDICD_TYPE_PATH:
        if (s.empty()) return bad("expected a path, found an empty string");
        v.text = s;
        if (!options_.base_dir.empty() && std::filesystem::path(s).is_relative())
          v.text = (std::filesystem::path(options_.base_dir) / s).lexically_normal().string();
        return true;
      case SYNDICD_TYPE_URL:
        if (!valid_url(s)) return bad(quoted + " is not an http://, https:// or file:// URL");
        v.text = s;
        return true;
      case SYNDICD_TYPE_ENUM: {
        const auto choices = choices_of(f);
        for (const auto& c : choices) {
          if (c == s) {
            v.text = s;
            return true;
          }
        }
        std::string message = quoted + " is not one of: " + join(choices);
        if (!node.secret)
          if (auto guess = text::did_you_mean(s, choices))
            message += "; did you mean \"" + *guess + "\"?";
        return bad(message);
      }
      case SYNDICD_TYPE_BOOL: {
        auto b = parse_bool(s);
        if (!b) return bad(quoted + " is not true or false");
        v.number = *b ? 1 : 0;
        v.text = *b ? "true" : "false";
        return true;
      }
      case SYNDICD_TYPE_INT:
      case SYNDICD_TYPE_DURATION:
      case SYNDICD_TYPE_SIZE: {
        std::optional<int64_t> n;
        if (f.type == SYNDICD_TYPE_INT) {
          n = parse_integer(s);
          if (!n) return bad(quoted + " is not an integer");
        } else if (f.type == SYNDICD_TYPE_DURATION) {
          n = parse_duration(s);
          if (!n) return bad(quoted + " is not a duration (write e.g. 500ms, 90s, 10m, 1h, 3d)");
        } else {
          n = parse_size(s);
          if (!n) return bad(quoted + " is not a size (write e.g. 512KiB, 8MiB, 1GiB)");
        }
        if (*n < 0) return bad(quoted + " is negative");
        if (has_bounds(f) && (*n < f.min || *n > f.max))
          return bad(quoted + " is out of range (" + format_number(f.type, f.min) + " to " +
                     format_number(f.type, f.max) + ")");
        v.number = *n;
        v.text = s;
        return true;
      }
      default:
        return bad(std::string("unsupported type in schema (plugin bug)"));
    }
  }

  const ValidateOptions& options_;
  std::vector<Diagnostic>& problems_;
  ConfigValues& out_;
  std::string current_shown_;
  bool failed_ = false;
};

// A default as the notes show it: as written when that reads unambiguously
// on one line, else double-quoted with \n, \t, \" and \\ escapes (an empty
// string, a multi-line template, surrounding spaces, or the "; " and ")"
// that separate the notes).
std::string shown_default(std::string_view v) {
  const bool plain = !v.empty() && v.front() != ' ' && v.back() != ' ' &&
                     v.find_first_of("\n\t\"") == std::string_view::npos &&
                     v.find("; ") == std::string_view::npos &&
                     v.find(')') == std::string_view::npos;
  if (plain) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '"' || c == '\\')
      (out += '\\') += c;
    else
      out += c;
  }
  return out + '"';
}

void describe_fields(const syndicd_field* schema, int indent, int depth, std::string& out) {
  if (depth > kMaxDepth) return;
  const std::string pad(static_cast<size_t>(indent), ' ');
  for (const syndicd_field* f = schema; f != nullptr && f->name != nullptr; ++f) {
    std::vector<std::string> notes;
    if (f->type == SYNDICD_TYPE_ENUM) {
      notes.push_back("one of: " + join(choices_of(*f), " | "));
    } else {
      notes.emplace_back(type_name(f->type));
    }
    if (f->flags & SYNDICD_FIELD_REQUIRED) notes.emplace_back("required");
    if (has_bounds(*f))
      notes.push_back(format_number(f->type, f->min) + " to " + format_number(f->type, f->max));
    if (f->default_value != nullptr && !(f->flags & SYNDICD_FIELD_SECRET))
      notes.push_back("default: " + shown_default(f->default_value));
    if (f->flags & SYNDICD_FIELD_SECRET)
      notes.emplace_back("secret: give it as ${file:PATH}, ${credential:NAME} or ${env:NAME}");
    if ((f->flags & SYNDICD_FIELD_SHORTHAND) && f->children && f->children->name)
      notes.push_back(std::string("a plain string sets ") + f->children->name);
    // The capabilities (abi.h): what the daemon does with the key's value.
    if (f->flags & SYNDICD_FIELD_FETCHED)
      notes.emplace_back((f->flags & SYNDICD_FIELD_LOCAL_FILES) ? "fetched; file:// allowed"
                                                                : "fetched");
    if (f->flags & SYNDICD_FIELD_PUBLISHED) notes.emplace_back("served as /feeds/<sink>.xml");
    if (f->flags & SYNDICD_FIELD_ARTICLE_PAGE) notes.emplace_back("set by preview --article");
    out += pad + f->name + "  (" + join(notes, "; ") + ")\n";
    if (f->description != nullptr) out += pad + "    " + f->description + "\n";
    if (f->type == SYNDICD_TYPE_OBJECT) describe_fields(f->children, indent + 4, depth + 1, out);
  }
}

void check_fields(const syndicd_field* schema, const std::string& prefix, int depth,
                  std::vector<std::string>& out) {
  if (depth > kMaxDepth) {
    out.push_back(prefix + ": schema nests deeper than " + std::to_string(kMaxDepth) + " levels");
    return;
  }
  std::set<std::string> seen;
  for (const syndicd_field* f = schema; f != nullptr && f->name != nullptr; ++f) {
    const std::string name = prefix.empty() ? f->name : prefix + "." + f->name;
    if (!seen.insert(f->name).second) out.push_back(name + ": declared twice");
    if (f->type < SYNDICD_TYPE_STRING || f->type > SYNDICD_TYPE_PATH) {
      out.push_back(name + ": unknown type " + std::to_string(static_cast<int>(f->type)));
      continue;
    }
    if (f->type == SYNDICD_TYPE_ENUM && (f->choices == nullptr || f->choices[0] == nullptr))
      out.push_back(name + ": enum without choices");
    if (f->type == SYNDICD_TYPE_OBJECT) {
      if (f->children == nullptr)
        out.push_back(name + ": object without children");
      else
        check_fields(f->children, name, depth + 1, out);
    }
    if (f->default_value != nullptr && f->type != SYNDICD_TYPE_OBJECT) {
      std::vector<Diagnostic> problems;
      ConfigValues values(Mark{});
      ValidateOptions options;
      Node n;
      n.kind = Node::Kind::Map;
      n.entries.push_back(
          {f->name, Mark{}, Node{Node::Kind::Scalar, Mark{}, f->default_value, false, {}, {}}});
      syndicd_field copy[2] = {*f, {}};
      copy[0].flags &= ~SYNDICD_FIELD_SECRET;
      Validator v(options, problems, values);
      v.map(copy, n, "", "", Mark{}, 0);
      if (v.failed()) out.push_back(name + ": default " + problems.front().message);
    }
  }
}

}  // namespace

const char* type_name(syndicd_type type) {
  switch (type) {
    case SYNDICD_TYPE_STRING:
      return "string";
    case SYNDICD_TYPE_INT:
      return "integer";
    case SYNDICD_TYPE_BOOL:
      return "boolean";
    case SYNDICD_TYPE_DURATION:
      return "duration";
    case SYNDICD_TYPE_SIZE:
      return "size";
    case SYNDICD_TYPE_URL:
      return "url";
    case SYNDICD_TYPE_ENUM:
      return "enum";
    case SYNDICD_TYPE_STRING_LIST:
      return "list of strings";
    case SYNDICD_TYPE_STRING_MAP:
      return "map of strings";
    case SYNDICD_TYPE_OBJECT:
      return "object";
    case SYNDICD_TYPE_PATH:
      return "path";
  }
  return "unknown";
}

std::unique_ptr<ConfigValues> validate(const syndicd_field* schema, const Node& node,
                                       const std::string& prefix, const Mark& section_mark,
                                       const ValidateOptions& options,
                                       std::vector<Diagnostic>& problems) {
  auto values = std::make_unique<ConfigValues>(section_mark);
  if (!node.is_map() && !node.is_null()) {
    problems.push_back({Diagnostic::Severity::Error, node.mark, prefix,
                        std::string("expected a map, found ") + node.kind_name()});
    return nullptr;
  }
  Validator v(options, problems, *values);
  v.map(schema, node, prefix, "", section_mark, 0);
  if (v.failed()) return nullptr;
  return values;
}

std::unique_ptr<ConfigValues> validate_section(const syndicd_field* schema,
                                               const PluginSection& section,
                                               const std::string& prefix,
                                               std::vector<Diagnostic>& problems) {
  ValidateOptions options;
  const std::filesystem::path file(section.mark.file);
  options.base_dir = file.has_parent_path() ? std::filesystem::absolute(file).parent_path().string()
                                            : std::filesystem::current_path().string();
  return validate(schema, section.body, prefix, section.mark, options, problems);
}

std::vector<std::string> check_schema(const syndicd_field* schema) {
  std::vector<std::string> out;
  check_fields(schema, "", 0, out);
  return out;
}

bool declares(const syndicd_field* schema, std::string_view path) {
  for (int depth = 0; depth <= kMaxDepth && schema != nullptr; ++depth) {
    const auto dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    part = part.substr(0, part.find('['));
    const syndicd_field* found = nullptr;
    for (const syndicd_field* f = schema; f->name != nullptr; ++f)
      if (part == f->name) found = f;
    if (found == nullptr) return false;
    if (dot == std::string_view::npos) return true;
    if (found->type != SYNDICD_TYPE_OBJECT) return false;
    schema = found->children;
    path.remove_prefix(dot + 1);
  }
  return false;
}

std::string describe_schema(const syndicd_field* schema) {
  std::string out;
  describe_fields(schema, 2, 0, out);
  if (out.empty()) out = "  (no keys)\n";
  return out;
}

}  // namespace syndicd::config
