// SPDX-License-Identifier: Apache-2.0
// Typed configuration: one declaration per key.
//
// A plugin (or the daemon itself) describes its configuration section as an
// options struct and one Options object that binds each key to a member:
//
//   struct Settings {
//     std::string url;
//     std::string timezone;
//     int64_t max_items;
//   };
//   namespace key = syndicd::key;
//   constexpr syndicd::Options kOptions{
//       key::url("url", &Settings::url).required().describe("Feed URL."),
//       key::text("timezone", &Settings::timezone).defaults_to("+07:00")
//           .describe("UTC offset for dates that carry no zone."),
//       key::integer("max_items", &Settings::max_items).defaults_to("100").range(1, 10000)
//           .describe("Read at most this many items per poll."),
//   };
//
// The same object is the schema the host validates the operator's YAML
// against (kOptions.fields(), the syndicd_field table of abi.h, also what
// `plugins --describe` prints) and the reader that fills the struct
// (kOptions.read(config)). A key's name is written once, so a read can never
// ask for a key the schema does not declare; the member's C++ type must fit
// the key's type, which the compiler checks. Modelled on Fluent Bit's
// flb_config_map (name, type, default, description, offset into a context
// struct), with member pointers instead of offsets.
//
// Defaults are written in config syntax ("20s", "8MiB", "true"), as the
// operator would write them. The host applies them before the plugin reads,
// so a member initializer in the struct is never what decides a declared
// default; apply_defaults() applies them without a host (tests, and structs
// that are also built in code).
//
// Everything here is header-only and constexpr where it can be: the field
// table of a namespace-scope `constexpr Options` is built by the compiler.
#ifndef SYNDICD_OPTIONS_HPP
#define SYNDICD_OPTIONS_HPP

#include <syndicd/abi.h>
#include <syndicd/units.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace syndicd {

/// A STRING_LIST value.
using StringList = std::vector<std::string>;
/// A STRING_MAP value, in file order.
using StringMap = std::vector<std::pair<std::string, std::string>>;

namespace options_detail {

template <class M>
struct unwrap {
  using type = M;
  static constexpr bool optional = false;
};
template <class M>
struct unwrap<std::optional<M>> {
  using type = M;
  static constexpr bool optional = true;
};
/// The member type without std::optional: what the value converts to.
template <class M>
using value_t = typename unwrap<M>::type;

template <class V>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};

template <class V>
inline constexpr bool is_text = std::is_same_v<V, std::string>;
template <class V>
inline constexpr bool is_number = std::is_integral_v<V> && !std::is_same_v<V, bool>;

/// Store one scalar value into a member. `text` is the value as written
/// (canonical), `number` the host's number for INT, BOOL (0/1), DURATION
/// (ms) and SIZE (bytes).
template <class M>
void store(M& member, std::string_view text, int64_t number) {
  using V = value_t<M>;
  if constexpr (is_text<V>) {
    member = std::string(text);
  } else if constexpr (std::is_same_v<V, bool>) {
    member = number != 0;
  } else if constexpr (is_number<V>) {
    member = static_cast<V>(number);
  } else if constexpr (is_duration<V>::value) {
    // Coarser units round up: "1500ms" into seconds is 2 s, never a
    // stricter 1 s, and never 0 for a positive duration.
    member = std::chrono::ceil<V>(std::chrono::milliseconds(number));
  } else {
    static_assert(sizeof(V) == 0, "this member type cannot hold a scalar configuration value");
  }
}

}  // namespace options_detail

/// One key bound to the member `member` of the options struct `T`. Made by
/// the functions in syndicd::key and refined with the chained setters; each
/// setter returns a changed copy, so a declaration is one constant
/// expression. `Nested` is the Options of an OBJECT key's struct, else void.
template <class T, class M, class Nested = void>
struct Key {
  using Struct = T;
  using Member = M;
  using NestedOptions = Nested;

  syndicd_field field{};
  M T::*member = nullptr;
  const Nested* nested = nullptr;

  /// This key with `flags` added: what every flag setter below does.
  constexpr Key with_flags(uint32_t flags) const {
    Key k = *this;
    k.field.flags |= flags;
    return k;
  }
  /// The key must be written (SYNDICD_FIELD_REQUIRED).
  constexpr Key required() const { return with_flags(SYNDICD_FIELD_REQUIRED); }
  /// A secret: never printed; must come from ${file:} or ${env:}.
  constexpr Key secret() const { return with_flags(SYNDICD_FIELD_SECRET); }
  /// An OBJECT that may be written as a plain string, setting its first key.
  constexpr Key shorthand() const { return with_flags(SYNDICD_FIELD_SHORTHAND); }
  /// Sources: a URL the source fetches (SYNDICD_FIELD_FETCHED, ABI 1.1).
  constexpr Key fetched() const { return with_flags(SYNDICD_FIELD_FETCHED); }
  /// Sources: a URL the source fetches that may also be a file:// URL, which
  /// then lets the instance read local files (FETCHED | LOCAL_FILES).
  constexpr Key local_files() const {
    return with_flags(SYNDICD_FIELD_FETCHED | SYNDICD_FIELD_LOCAL_FILES);
  }
  /// Sources: the ENUM whose choice "article" makes the source read its
  /// URL as one article page (SYNDICD_FIELD_ARTICLE_PAGE, ABI 1.2).
  constexpr Key article_page() const { return with_flags(SYNDICD_FIELD_ARTICLE_PAGE); }
  /// Sources: the UTC offset the site's times are read in; the host shows
  /// the source's articles in it (SYNDICD_FIELD_TIMEZONE, ABI 1.2).
  constexpr Key timezone() const { return with_flags(SYNDICD_FIELD_TIMEZONE); }
  /// Sinks: a path whose file the daemon's HTTP server serves as
  /// /feeds/<sink>.xml (SYNDICD_FIELD_PUBLISHED).
  constexpr Key published() const { return with_flags(SYNDICD_FIELD_PUBLISHED); }
  /// The default, in config syntax ("20s", "8MiB", "true", "+07:00").
  constexpr Key defaults_to(const char* value) const {
    Key k = *this;
    k.field.default_value = value;
    return k;
  }
  /// One sentence for `plugins --describe` and the docs.
  constexpr Key describe(const char* text) const {
    Key k = *this;
    k.field.description = text;
    return k;
  }
  /// Inclusive bounds of an INT, DURATION (ms) or SIZE (bytes).
  constexpr Key range(int64_t min, int64_t max) const {
    Key k = *this;
    k.field.min = min;
    k.field.max = max;
    return k;
  }
};

/// The keys of one options struct `T`: the schema (fields()) and the reader
/// (read()) in one object. Declare it `constexpr` at namespace scope.
template <class T, class... Keys>
class Options {
  static_assert((std::is_same_v<typename Keys::Struct, T> && ...),
                "every key of an Options must bind a member of the same struct");

 public:
  using Struct = T;

  constexpr explicit Options(Keys... keys)
      : keys_{keys...}, fields_{keys.field..., syndicd_field{}} {}
  Options(const Options&) = delete;  // nested keys point at this object
  Options& operator=(const Options&) = delete;

  /// The schema: an array of syndicd_field ending with a NULL name, as the
  /// plugin descriptor and the host's validator take it.
  constexpr const syndicd_field* fields() const noexcept { return fields_.data(); }

  /// A struct filled from a validated section. `Reader` is syndicd::Config
  /// in a plugin; anything with has(), string(), integer(), list() and map()
  /// taking a dotted key path will do.
  template <class Reader>
  T read(const Reader& config) const {
    T out{};
    read_into(config, out);
    return out;
  }

  /// Set the members whose keys the section has (written, or defaulted by
  /// the host); members of absent keys keep their value. `prefix` ("list.")
  /// is where this struct's keys sit in the section.
  template <class Reader>
  void read_into(const Reader& config, T& out, const std::string& prefix = {}) const {
    std::apply([&](const auto&... k) { (read_key(k, config, out, prefix), ...); }, keys_);
  }

  /// Set every member whose key declares a default to that default, read
  /// with the host's syntax (syndicd/units.hpp). Other members are left.
  void apply_defaults(T& out) const {
    std::apply([&](const auto&... k) { (default_key(k, out), ...); }, keys_);
  }
  /// A struct with every declared default applied.
  T defaults() const {
    T out{};
    apply_defaults(out);
    return out;
  }

  /// The key path of a member, for ConfigError: path(&S::timezone) is
  /// "timezone", path(&S::list, &List::links) is "list.links". Throws
  /// std::logic_error for a member no key binds (a bug in the plugin).
  template <class M, class... More>
  std::string path(M T::*member, More... more) const {
    std::string out;
    std::apply([&](const auto&... k) { (match(k, out, member, more...), ...); }, keys_);
    if (out.empty()) throw std::logic_error("syndicd::Options::path: a member no key binds");
    return out;
  }

 private:
  template <class K, class Reader>
  static void read_key(const K& k, const Reader& config, T& out, const std::string& prefix) {
    using M = typename K::Member;
    using V = options_detail::value_t<M>;
    const std::string p = prefix + k.field.name;
    M& member = out.*(k.member);
    if constexpr (!std::is_void_v<typename K::NestedOptions>) {
      k.nested->read_into(config, member, p + ".");
    } else if constexpr (std::is_same_v<V, StringList>) {
      if (config.has(p.c_str())) member = config.list(p.c_str());
    } else if constexpr (std::is_same_v<V, StringMap>) {
      if (config.has(p.c_str())) member = config.map(p.c_str());
    } else {
      if (!config.has(p.c_str())) return;
      const std::string text(config.string(p.c_str()));
      options_detail::store(member, text, config.integer(p.c_str()));
    }
  }

  template <class K>
  static void default_key(const K& k, T& out) {
    using M = typename K::Member;
    using V = options_detail::value_t<M>;
    M& member = out.*(k.member);
    if constexpr (!std::is_void_v<typename K::NestedOptions>) {
      k.nested->apply_defaults(member);
    } else if constexpr (!std::is_same_v<V, StringList> && !std::is_same_v<V, StringMap>) {
      const char* value = k.field.default_value;
      if (value == nullptr) return;
      std::optional<int64_t> number = 0;
      switch (k.field.type) {
        case SYNDICD_TYPE_INT:
          number = units::parse_integer(value);
          break;
        case SYNDICD_TYPE_BOOL:
          if (auto b = units::parse_bool(value))
            number = *b ? 1 : 0;
          else
            number.reset();
          break;
        case SYNDICD_TYPE_DURATION:
          number = units::parse_duration(value);
          break;
        case SYNDICD_TYPE_SIZE:
          number = units::parse_size(value);
          break;
        default:
          break;
      }
      // A default that does not parse is a schema bug the host reports when
      // it loads the plugin; here it is simply not applied.
      if (number) options_detail::store(member, value, *number);
    }
  }

  template <class K, class M, class... More>
  static void match(const K& k, std::string& out, M T::*member, More... more) {
    if constexpr (std::is_same_v<typename K::Member, M>) {
      if (!out.empty() || k.member != member) return;
      if constexpr (sizeof...(More) == 0) {
        out = k.field.name;
      } else if constexpr (!std::is_void_v<typename K::NestedOptions>) {
        out = std::string(k.field.name) + "." + k.nested->path(more...);
      }
    }
  }

  std::tuple<Keys...> keys_;
  std::array<syndicd_field, sizeof...(Keys) + 1> fields_;
};

template <class K, class... Ks>
Options(K, Ks...) -> Options<typename K::Struct, K, Ks...>;

/// The key declarations: each binds a key name to a member whose type fits
/// the key's type (std::optional<...> for a key that may be absent).
namespace key {

namespace detail {
template <syndicd_type Type, class T, class M>
constexpr Key<T, M> make(const char* name, M T::*member) {
  Key<T, M> k;
  k.field.name = name;
  k.field.type = Type;
  k.member = member;
  return k;
}
}  // namespace detail

/// STRING: any text.
template <class T, class M>
constexpr Key<T, M> text(const char* name, M T::*member) {
  static_assert(options_detail::is_text<options_detail::value_t<M>>, "text keys bind strings");
  return detail::make<SYNDICD_TYPE_STRING>(name, member);
}
/// URL: absolute http(s):// or file://.
template <class T, class M>
constexpr Key<T, M> url(const char* name, M T::*member) {
  static_assert(options_detail::is_text<options_detail::value_t<M>>, "url keys bind strings");
  return detail::make<SYNDICD_TYPE_URL>(name, member);
}
/// PATH: a file system path, made absolute against the config file's folder.
template <class T, class M>
constexpr Key<T, M> path(const char* name, M T::*member) {
  static_assert(options_detail::is_text<options_detail::value_t<M>>, "path keys bind strings");
  return detail::make<SYNDICD_TYPE_PATH>(name, member);
}
/// ENUM: one of `choices` (a NULL-terminated array of static strings).
template <class T, class M>
constexpr Key<T, M> choice(const char* name, M T::*member, const char* const* choices) {
  static_assert(options_detail::is_text<options_detail::value_t<M>>, "choice keys bind strings");
  Key<T, M> k = detail::make<SYNDICD_TYPE_ENUM>(name, member);
  k.field.choices = choices;
  return k;
}
/// INT: a whole number, into any integer type.
template <class T, class M>
constexpr Key<T, M> integer(const char* name, M T::*member) {
  static_assert(options_detail::is_number<options_detail::value_t<M>>,
                "integer keys bind integer types");
  return detail::make<SYNDICD_TYPE_INT>(name, member);
}
/// SIZE: "8MiB", "512KiB", into any integer type (bytes).
template <class T, class M>
constexpr Key<T, M> size(const char* name, M T::*member) {
  static_assert(options_detail::is_number<options_detail::value_t<M>>,
                "size keys bind integer types");
  return detail::make<SYNDICD_TYPE_SIZE>(name, member);
}
/// BOOL: true/false.
template <class T, class M>
constexpr Key<T, M> boolean(const char* name, M T::*member) {
  static_assert(std::is_same_v<options_detail::value_t<M>, bool>, "boolean keys bind bool");
  return detail::make<SYNDICD_TYPE_BOOL>(name, member);
}
/// DURATION: "90s", "10m", into a std::chrono::duration (rounded up).
template <class T, class M>
constexpr Key<T, M> duration(const char* name, M T::*member) {
  static_assert(options_detail::is_duration<options_detail::value_t<M>>::value,
                "duration keys bind std::chrono::duration types");
  return detail::make<SYNDICD_TYPE_DURATION>(name, member);
}
/// STRING_LIST: a list of strings (a single string is a list of one).
template <class T>
constexpr Key<T, StringList> list(const char* name, StringList T::*member) {
  return detail::make<SYNDICD_TYPE_STRING_LIST>(name, member);
}
/// STRING_MAP: string keys to string values, in file order.
template <class T>
constexpr Key<T, StringMap> map(const char* name, StringMap T::*member) {
  return detail::make<SYNDICD_TYPE_STRING_MAP>(name, member);
}
/// OBJECT: a nested section, bound to a member struct by its own Options
/// (which must outlive this one: declare both at namespace scope).
template <class T, class M, class... Keys>
constexpr Key<T, M, Options<M, Keys...>> object(const char* name, M T::*member,
                                                const Options<M, Keys...>& nested) {
  Key<T, M, Options<M, Keys...>> k;
  k.field.name = name;
  k.field.type = SYNDICD_TYPE_OBJECT;
  k.field.children = nested.fields();
  k.member = member;
  k.nested = &nested;
  return k;
}

}  // namespace key
}  // namespace syndicd

#endif  // SYNDICD_OPTIONS_HPP
