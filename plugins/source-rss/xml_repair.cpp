// SPDX-License-Identifier: Apache-2.0
#include "xml_repair.hpp"

#include <syndicd/common/budget.hpp>
#include <syndicd/common/entities.hpp>
#include <syndicd/common/utf8.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace syndicd::rss {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_name_start(char c) {
  return is_alpha(c) || c == '_' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) {
  return is_name_start(c) || is_digit(c) || c == '-' || c == '.';
}
// C0 controls are not allowed anywhere in XML 1.0, not even in CDATA.
bool is_bad_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// Bytes that end a run of plain copying: in text, '&', '<' and controls;
// inside a tag also the quotes and '>'.
constexpr std::array<bool, 256> byte_table(std::string_view specials, bool controls) {
  std::array<bool, 256> t{};
  for (char c : specials) t[static_cast<unsigned char>(c)] = true;
  if (controls)
    for (int c = 0; c < 0x20; ++c) t[c] = c != '\t' && c != '\n' && c != '\r';
  return t;
}
constexpr auto kTextSpecial = byte_table("&<", true);
constexpr auto kTagSpecial = byte_table("&<>\"'", true);
constexpr auto kControl = byte_table("", true);

std::string_view local_name(std::string_view qname) {
  const size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// Every code point of UTF-8 `s` as a numeric character reference.
std::string to_char_refs(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    }
    // "&#x%X;" by hand: snprintf was a tenth of repairing an entity-laden feed.
    char hex[8];
    size_t n = 0;
    do {
      hex[n++] = "0123456789ABCDEF"[cp & 0xF];
      cp >>= 4;
    } while (cp != 0);
    out += "&#x";
    while (n > 0) out += hex[--n];
    out += ';';
    i += len;
  }
  return out;
}

class Repairer {
 public:
  Repairer(std::string_view text, const FeedLimits& limits, bool drop_pis)
      : s_(text), limits_(limits), drop_pis_(drop_pis) {
    out_.reserve(text.size() + 64);
  }

  RepairedXml run() {
    while (i_ < s_.size() && !done_) {
      const size_t stop = find_special(i_, kTextSpecial);
      // A checkpoint of read_feed's budget: each markup or reference
      // handled below is a step, the text before it a step a byte.
      common::charge_work(stop - i_ + 1);
      out_.append(s_.substr(i_, stop - i_));
      i_ = stop;
      if (i_ >= s_.size()) break;
      const char c = s_[i_];
      if (c == '&') {
        reference();
      } else if (c == '<') {
        markup();
      } else {  // a control character
        ++controls_;
        ++i_;
      }
    }
    RepairedXml r;
    r.root = std::string(root_);
    r.root_closed = root_closed_;
    if (amps_)
      r.warnings.push_back("escaped " + std::to_string(amps_) +
                           " bare '&' that did not start a valid XML reference");
    if (entities_)
      r.warnings.push_back("converted " + std::to_string(entities_) +
                           " HTML entities undefined in XML (first: &" + first_entity_ +
                           ";) to character references");
    if (lts_) r.warnings.push_back("escaped " + std::to_string(lts_) + " stray '<'");
    if (controls_)
      r.warnings.push_back("removed " + std::to_string(controls_) + " control characters");
    if (dropped_attributes_)
      r.warnings.push_back("dropped " + std::to_string(dropped_attributes_) + " attributes of " +
                           std::to_string(cut_elements_) + " elements past the first " +
                           std::to_string(limits_.max_attributes) + " of each");
    r.over_limit = over_limit_;
    if (pis_)
      r.warnings.push_back("dropped " + std::to_string(pis_) +
                           " processing instructions after the start of the document");
    if (trailing_)
      r.warnings.push_back("ignored content after the end of the root element </" + r.root + ">");
    if (!root_closed_ && item_cut_ > 0) {
      r.truncated = out_.substr(0, item_cut_);
      for (auto it = item_stack_.rbegin(); it != item_stack_.rend(); ++it)
        (r.truncated += "</").append(*it) += '>';
    }
    r.xml = std::move(out_);
    return r;
  }

 private:
  bool at(std::string_view word) const { return s_.compare(i_, word.size(), word) == 0; }

  // Index of the first byte at or after `from` that `special` flags. Runs
  // of text are long: whole words holding none of the bytes any table here
  // flags ('&', '<', '>', quotes, controls) are stepped over eight at a time.
  size_t find_special(size_t from, const std::array<bool, 256>& special, size_t to) const {
    const auto* p = reinterpret_cast<const unsigned char*>(s_.data());
    using common::utf8::bytes_below;
    using common::utf8::bytes_equal;
    while (from < to) {
      if (special[p[from]]) return from;
      ++from;
      while (from + 8 <= to) {
        uint64_t w;
        std::memcpy(&w, p + from, 8);
        const uint64_t m = bytes_below(w, 0x20) | bytes_equal(w, '&') | bytes_equal(w, '<') |
                           bytes_equal(w, '>') | bytes_equal(w, '"') | bytes_equal(w, '\'');
        if (m != 0) {
          from += static_cast<size_t>(std::countr_zero(m)) / 8;
          break;
        }
        from += 8;
      }
    }
    return to;
  }
  size_t find_special(size_t from, const std::array<bool, 256>& special) const {
    return find_special(from, special, s_.size());
  }

  // Copy up to and including `end` (or to the end of the text).
  void copy_until(std::string_view end) {
    const size_t stop = s_.find(end, i_);
    const size_t to = stop == std::string_view::npos ? s_.size() : stop + end.size();
    while (i_ < to) {
      const size_t bad = find_special(i_, kControl, to);
      out_.append(s_.substr(i_, bad - i_));
      if (bad < to) ++controls_;
      i_ = bad + 1;
    }
    i_ = to;
  }

  void reference() {
    size_t j = i_ + 1;
    if (j < s_.size() && s_[j] == '#') {
      ++j;
      const bool hex = j < s_.size() && (s_[j] == 'x' || s_[j] == 'X');
      if (hex) ++j;
      const size_t db = j;
      while (j < s_.size() && (hex ? is_hex(s_[j]) : is_digit(s_[j]))) ++j;
      if (j > db) {
        out_.append(s_.substr(i_, j - i_));
        if (j < s_.size() && s_[j] == ';') {
          ++j;
        } else {
          ++entities_;
          if (first_entity_.empty()) first_entity_ = std::string(s_.substr(i_ + 1, j - i_ - 1));
        }
        out_ += ';';
        i_ = j;
        return;
      }
    } else if (j < s_.size() && is_alpha(s_[j])) {
      while (j < s_.size() && j - i_ <= 32 && (is_alpha(s_[j]) || is_digit(s_[j]))) ++j;
      const std::string_view name = s_.substr(i_ + 1, j - i_ - 1);
      if (j < s_.size() && s_[j] == ';') {
        if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
          out_.append(s_.substr(i_, j + 1 - i_));
          i_ = j + 1;
          return;
        }
        const std::string ref(s_.substr(i_, j + 1 - i_));
        const std::string decoded = common::decode_html_entities(ref);
        if (decoded != ref) {
          out_ += to_char_refs(decoded);
          ++entities_;
          if (first_entity_.empty()) first_entity_ = std::string(name);
          i_ = j + 1;
          return;
        }
      }
    }
    out_ += "&amp;";
    ++amps_;
    ++i_;
  }

  void markup() {
    if (at("<!--")) return count_node(), copy_until("-->");
    if (at("<![CDATA[")) return count_node(), copy_until("]]>");
    if (at("<?")) return processing_instruction();
    if (at("<!")) return doctype();
    const char d = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
    if (d == '/' && i_ + 2 < s_.size() && is_name_start(s_[i_ + 2])) return end_tag();
    if (is_name_start(d)) return start_tag();
    out_ += "&lt;";
    ++lts_;
    ++i_;
  }

  // Only the one at the very start is kept when dropping: the others
  // (xml-stylesheet, a declaration out of place) carry nothing a feed
  // reader uses.
  void processing_instruction() {
    if (!drop_pis_ || i_ == s_.find_first_not_of(" \t\r\n")) return count_node(), copy_until("?>");
    const size_t end = s_.find("?>", i_ + 2);
    i_ = end == std::string_view::npos ? s_.size() : end + 2;
    ++pis_;
  }

  void doctype() {
    // An internal subset "[...]" may contain '>'.
    size_t j = i_;
    while (j < s_.size() && s_[j] != '>' && s_[j] != '[') ++j;
    if (j < s_.size() && s_[j] == '[') {
      const size_t close = s_.find(']', j);
      j = close == std::string_view::npos ? s_.size() : close;
    }
    const size_t gt = s_.find('>', j);
    const size_t to = gt == std::string_view::npos ? s_.size() : gt + 1;
    out_.append(s_.substr(i_, to - i_));
    i_ = to;
  }

  std::string_view read_name(size_t from, size_t* end) const {
    size_t j = from;
    while (j < s_.size() && is_name_char(s_[j])) ++j;
    *end = j;
    return s_.substr(from, j - from);
  }

  // Past a limit on the document's size the rest is not read.
  void count_node() {
    if (++nodes_ > limits_.max_nodes) stop(RepairedXml::Limit::Nodes);
  }
  void stop(RepairedXml::Limit limit) {
    over_limit_ = limit;
    done_ = true;
    i_ = s_.size();
  }

  void start_tag() {
    count_node();
    if (done_) return;
    size_t j;
    const std::string_view name = read_name(i_ + 1, &j);
    out_ += '<';
    out_ += name;
    i_ = j;
    char quote = 0;
    size_t attributes = 0;
    bool self_closing = false;
    while (i_ < s_.size()) {
      const size_t stop = find_special(i_, kTagSpecial);
      out_.append(s_.substr(i_, stop - i_));
      i_ = stop;
      if (i_ >= s_.size()) break;
      const char c = s_[i_];
      if (is_bad_control(c)) {
        ++controls_;
        ++i_;
        continue;
      }
      if (quote) {
        if (c == quote) {
          quote = 0;
          if (++attributes == limits_.max_attributes) {
            out_ += c;
            ++i_;
            self_closing = drop_attributes();
            break;
          }
        } else if (c == '&') {
          reference();
          continue;
        } else if (c == '<') {
          out_ += "&lt;";
          ++lts_;
          ++i_;
          continue;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        self_closing = !out_.empty() && out_.back() == '/';
        out_ += c;
        ++i_;
        break;
      }
      out_ += c;
      ++i_;
    }
    if (root_.empty()) root_ = name;
    if (self_closing) return;
    if (stack_.size() >= limits_.max_depth) return stop(RepairedXml::Limit::Depth);
    stack_.push_back(name);
  }

  // The rest of a start tag that has all the attributes it may have: up to
  // its '>' (past quoted values), ended as it was. Returns whether the tag
  // closes itself.
  bool drop_attributes() {
    bool more = false;
    char quote = 0;
    size_t last = std::string_view::npos;  // the last byte outside quotes and spaces
    for (; i_ < s_.size(); ++i_) {
      const char c = s_[i_];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
        more = true;
        ++dropped_attributes_;
      } else if (c == '>') {
        break;
      } else if (!is_space(c)) {
        last = i_;
      }
    }
    if (more) ++cut_elements_;
    const bool self_closing = last != std::string_view::npos && s_[last] == '/' && !quote;
    out_ += self_closing ? "/>" : ">";
    if (i_ < s_.size()) ++i_;
    return self_closing;
  }

  void end_tag() {
    size_t j;
    const std::string_view name = read_name(i_ + 2, &j);
    const size_t gt = s_.find('>', j);
    const size_t to = gt == std::string_view::npos ? s_.size() : gt + 1;
    out_.append(s_.substr(i_, to - i_));
    i_ = to;
    for (size_t k = stack_.size(); k-- > 0;) {
      if (stack_[k] == name) {
        stack_.resize(k);
        break;
      }
    }
    if (name == root_ && stack_.empty()) {
      root_closed_ = true;
      done_ = true;
      size_t k = i_;
      while (k < s_.size() && is_space(s_[k])) ++k;
      if (k < s_.size())
        trailing_ = true;
      else
        out_.append(s_.substr(i_));  // a well-formed document comes out unchanged
      return;
    }
    const std::string_view local = local_name(name);
    if (local == "item" || local == "entry") {
      item_cut_ = out_.size();
      item_stack_ = stack_;
    }
  }

  std::string_view s_;
  FeedLimits limits_;
  bool drop_pis_;
  size_t nodes_ = 0;
  size_t dropped_attributes_ = 0, cut_elements_ = 0;
  RepairedXml::Limit over_limit_ = RepairedXml::Limit::None;
  size_t i_ = 0;
  std::string out_;
  std::string_view root_;  // names are views into s_
  std::vector<std::string_view> stack_;
  bool root_closed_ = false;
  bool done_ = false;
  bool trailing_ = false;
  size_t item_cut_ = 0;
  std::vector<std::string_view> item_stack_;
  int amps_ = 0, entities_ = 0, lts_ = 0, controls_ = 0, pis_ = 0;
  std::string first_entity_;
};

}  // namespace

RepairedXml repair_xml(std::string_view text, const FeedLimits& limits, bool drop_pis) {
  return Repairer(text, limits, drop_pis).run();
}

}  // namespace syndicd::rss
