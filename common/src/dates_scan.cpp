// SPDX-License-Identifier: Apache-2.0
// Finding a date in text: the text as tokens (numbers, words folded to
// lower-case NFC, punctuation), zone names and offsets, times, dates in
// numeric and month-name orders, and the scan that picks the first date
// with its time and zone. parse_date() and find_date() (dates.cpp) run it.
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "dates_internal.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/common/dates.hpp"

namespace syndicd::common {

// ---------------------------------------------------------------------------
// Tokens

namespace dates_detail {

uint32_t decode_cp(std::string_view s, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  utf8proc_int32_t cp = -1;
  const utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                       static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0 || cp < 0) {
    *len = 1;
    return 0xFFFD;
  }
  *len = static_cast<size_t>(n);
  (void)c;
  return static_cast<uint32_t>(cp);
}

std::string fold_word(std::string_view w, bool ascii) {
  if (ascii) {
    std::string out(w);
    for (auto& ch : out)
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
  }
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(w.data()), static_cast<utf8proc_ssize_t>(w.size()),
      &result,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  std::string out;
  if (n >= 0) out.assign(reinterpret_cast<const char*>(result), static_cast<size_t>(n));
  std::free(result);
  return out;
}

std::vector<Tok> tokenize(std::string_view s) {
  std::vector<Tok> toks;
  size_t i = 0;
  const size_t n = s.size();
  bool space = true;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c <= ' ') {
        space = true;
        ++i;
      } else if (c >= '0' && c <= '9') {
        Tok t(Kind::Num, i, i, space);
        while (i < n && s[i] >= '0' && s[i] <= '9') {
          if (t.digits < 18) t.num = t.num * 10 + (s[i] - '0');
          ++t.digits;
          ++i;
        }
        t.end = i;
        toks.push_back(std::move(t));
        space = false;
      } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
        goto word;
      } else {
        Tok t(Kind::Punct, i, i + 1, space);
        t.punct = static_cast<char>(c);
        toks.push_back(std::move(t));
        space = false;
        ++i;
      }
      continue;
    }
    {
      size_t len;
      const uint32_t cp = decode_cp(s, i, &len);
      const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
      if (cat == UTF8PROC_CATEGORY_ZS || cp == 0x200B || cp == 0xFEFF || cp == 0xFFFD) {
        space = true;
        i += len;
        continue;
      }
      if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME) goto word;
      Tok t(Kind::Punct, i, i + len, space);
      t.punct = cat == UTF8PROC_CATEGORY_PD ? '-' : '?';
      toks.push_back(std::move(t));
      space = false;
      i += len;
      continue;
    }
  word : {
    const size_t b = i;
    bool ascii = true;
    while (i < n) {
      const auto d = static_cast<unsigned char>(s[i]);
      if (d < 0x80) {
        if ((d | 0x20) >= 'a' && (d | 0x20) <= 'z') {
          ++i;
          continue;
        }
        break;
      }
      size_t len;
      const uint32_t cp = decode_cp(s, i, &len);
      const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
      if (!(cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_ME)) break;
      ascii = false;
      i += len;
    }
    Tok t(Kind::Word, b, i, space);
    t.word = fold_word(s.substr(b, i - b), ascii);
    toks.push_back(std::move(t));
    space = false;
  }
  }
  charge_work(toks.size());
  return toks;
}

bool is_punct(const std::vector<Tok>& t, size_t i, char p) {
  return i < t.size() && t[i].kind == Kind::Punct && t[i].punct == p;
}
bool is_word(const std::vector<Tok>& t, size_t i, std::string_view w) {
  return i < t.size() && t[i].kind == Kind::Word && t[i].word == w;
}
bool is_num(const std::vector<Tok>& t, size_t i, int min_digits = 1, int max_digits = 18) {
  return i < t.size() && t[i].kind == Kind::Num && t[i].digits >= min_digits &&
         t[i].digits <= max_digits;
}
// Token i directly follows token i-1 (no whitespace).
bool tight(const std::vector<Tok>& t, size_t i) {
  return i < t.size() && !t[i].space_before;
}

// ---------------------------------------------------------------------------
// Zones

struct NamedZone {
  std::string_view name;
  int minutes;
};
constexpr NamedZone kZones[] = {
    {"z", 0},       {"ut", 0},      {"utc", 0},    {"gmt", 0},    {"est", -300}, {"edt", -240},
    {"cst", -360},  {"cdt", -300},  {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
    {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"ict", 420},  {"wib", 420},  {"sgt", 480},
    {"hkt", 480},   {"pht", 480},   {"awst", 480}, {"jst", 540},  {"kst", 540},  {"aest", 600},
    {"aedt", 660},  {"wet", 0},     {"west", 60},  {"bst", 60},   {"cet", 60},   {"cest", 120},
    {"met", 60},    {"mest", 120},  {"eet", 120},  {"eest", 180}, {"msk", 180},  {"ist", 330},
    {"nzst", 720},  {"nzdt", 780},
};

std::optional<int> named_zone(std::string_view w) {
  for (const auto& z : kZones)
    if (z.name == w) return z.minutes;
  return {};
}

// "+7", "+07", "+0700", "+700", "+07:00" starting at the sign token i.
// `strict`: the digits follow the sign without space and are not the start
// of a date ("- 10/01/2020", "-10/01").
std::optional<int> match_numeric_zone(const std::vector<Tok>& t, size_t i, size_t* next,
                                      bool strict) {
  if (!(is_punct(t, i, '+') || is_punct(t, i, '-'))) return {};
  const int sign = t[i].punct == '-' ? -1 : 1;
  if (!is_num(t, i + 1, 1, 4)) return {};
  if (strict && !tight(t, i + 1)) return {};
  const Tok& n = t[i + 1];
  int h = 0, m = 0;
  size_t j = i + 2;
  if (n.digits <= 2) {
    h = static_cast<int>(n.num);
    if (is_punct(t, j, ':') && is_num(t, j + 1, 2, 2)) {
      m = static_cast<int>(t[j + 1].num);
      j += 2;
    }
  } else {
    h = static_cast<int>(n.num / 100);
    m = static_cast<int>(n.num % 100);
  }
  if (strict && (is_punct(t, j, '/') || is_punct(t, j, '-') || is_punct(t, j, '.')) &&
      is_num(t, j + 1))
    return {};
  if (h > 18 || m > 59) return {};
  *next = j;
  return sign * (h * 60 + m);
}

std::optional<int> match_zone(const std::vector<Tok>& t, size_t i, size_t* next, bool strict) {
  size_t j = i;
  const bool paren = is_punct(t, j, '(') || is_punct(t, j, '[');
  if (paren) ++j;
  std::optional<int> zone;
  if (j < t.size() && t[j].kind == Kind::Word) {
    zone = named_zone(t[j].word);
    if (zone) {
      const bool can_offset = t[j].word == "gmt" || t[j].word == "utc" || t[j].word == "ut";
      ++j;
      size_t k;
      if (can_offset) {
        if (auto off = match_numeric_zone(t, j, &k, false)) {
          zone = *off;
          j = k;
        }
      }
    }
  } else {
    size_t k;
    zone = match_numeric_zone(t, j, &k, strict);
    if (zone) j = k;
  }
  if (!zone) return {};
  if (paren) {
    if (is_punct(t, j, ')') || is_punct(t, j, ']'))
      ++j;
    else if (strict)
      return {};
  }
  *next = j;
  return zone;
}

// ---------------------------------------------------------------------------
// Times and dates

struct TimeMatch {
  TimeMatch(size_t b, size_t e) : begin(b), end(e) {}
  size_t begin, end;  // token range
  int h = 0, mi = 0, s = 0, ms = 0;
  std::optional<int> zone;
};

struct DateMatch {
  size_t begin, end;
  int64_t y;
  int m, d;
  std::optional<TimeMatch> time;  // a time inside the date form (asctime)
};

int fraction_ms(const Tok& t) {
  int64_t v = t.num;
  int digits = t.digits > 18 ? 18 : t.digits;
  while (digits > 3) {
    v /= 10;
    --digits;
  }
  while (digits < 3) {
    v *= 10;
    ++digits;
  }
  return static_cast<int>(v);
}

// hh:mm[:ss[.fff]] [am|pm] [zone], or 10h15 / 10g15.
std::optional<TimeMatch> match_time(const std::vector<Tok>& t, size_t i) {
  if (!is_num(t, i, 1, 2)) return {};
  if (i > 0 && (is_punct(t, i - 1, ':') || is_punct(t, i - 1, '.')) && tight(t, i)) return {};
  TimeMatch tm(i, i);
  size_t j = i + 1;
  tm.h = static_cast<int>(t[i].num);
  if (is_punct(t, j, ':') && tight(t, j) && is_num(t, j + 1, 2, 2) && tight(t, j + 1)) {
    tm.mi = static_cast<int>(t[j + 1].num);
    j += 2;
    if (is_punct(t, j, ':') && tight(t, j) && is_num(t, j + 1, 2, 2) && tight(t, j + 1)) {
      tm.s = static_cast<int>(t[j + 1].num);
      j += 2;
      if ((is_punct(t, j, '.') || is_punct(t, j, ',')) && tight(t, j) && is_num(t, j + 1) &&
          tight(t, j + 1)) {
        tm.ms = fraction_ms(t[j + 1]);
        j += 2;
      }
    }
    if (is_punct(t, j, ':') && tight(t, j) && is_num(t, j + 1) && tight(t, j + 1)) return {};
  } else if ((is_word(t, j, "h") || is_word(t, j, "g")) && tight(t, j) && is_num(t, j + 1, 2, 2) &&
             tight(t, j + 1)) {
    tm.mi = static_cast<int>(t[j + 1].num);
    j += 2;
  } else {
    return {};
  }
  if (is_punct(t, j, '/') || is_punct(t, j, '.')) {
    if (is_num(t, j + 1) && tight(t, j)) return {};
  }
  if (j < t.size() && t[j].kind == Kind::Word) {
    const std::string& w = t[j].word;
    if (w == "am" || w == "sa") {
      if (tm.h == 12) tm.h = 0;
      ++j;
    } else if (w == "pm" || w == "ch") {
      if (tm.h < 12) tm.h += 12;
      ++j;
    }
  }
  // 24:00:00 is ISO 8601's end of the day; some feeds write it for midnight.
  if (tm.h > 24 || (tm.h == 24 && (tm.mi || tm.s || tm.ms)) || tm.mi > 59 || tm.s > 60) return {};
  size_t k;
  if (auto z = match_zone(t, j, &k, true)) {
    tm.zone = z;
    j = k;
  }
  tm.end = j;
  return tm;
}

int month_from_word(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kShort = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  static constexpr std::array<std::string_view, 12> kLong = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (size_t k = 0; k < 12; ++k)
    if (w == kShort[k] || w == kLong[k]) return static_cast<int>(k + 1);
  if (w == "sept") return 9;
  return 0;
}

int month_at(const std::vector<Tok>& t, size_t i) {
  return i < t.size() && t[i].kind == Kind::Word ? month_from_word(t[i].word) : 0;
}

int64_t expand_year(const Tok& n) {
  if (n.digits == 2) return n.num < 50 ? 2000 + n.num : 1900 + n.num;
  return n.num;
}

bool valid_ymd(int64_t y, int m, int d) {
  return y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
         static_cast<unsigned>(d) <= days_in_month(y, m);
}

bool year_token(const std::vector<Tok>& t, size_t i) {
  return is_num(t, i, 4, 4) || is_num(t, i, 2, 2);
}

std::optional<DateMatch> match_date(const std::vector<Tok>& t, size_t i) {
  if (i >= t.size()) return {};
  // Not in the middle of a longer number run ("110/01/2020" has no date at "10").
  if (t[i].kind == Kind::Num && i > 0 && tight(t, i) &&
      (t[i - 1].kind == Kind::Num ||
       ((is_punct(t, i - 1, '/') || is_punct(t, i - 1, '.') || is_punct(t, i - 1, '-')) && i > 1 &&
        t[i - 2].kind == Kind::Num && tight(t, i - 1))))
    return {};
  // Numeric: Y-M-D, D/M/Y, D-M-Y, D.M.Y (same separator, no spaces).
  if (is_num(t, i, 1, 4) && i + 1 < t.size() && t[i + 1].kind == Kind::Punct) {
    const char sep = t[i + 1].punct;
    if ((sep == '/' || sep == '-' || sep == '.') && tight(t, i + 1) && is_num(t, i + 2, 1, 2) &&
        tight(t, i + 2) && is_punct(t, i + 3, sep) && tight(t, i + 3) && is_num(t, i + 4) &&
        tight(t, i + 4)) {
      // A fourth part ("1.2.3.4") is a version or an address, not a date.
      if (!(is_punct(t, i + 5, sep) && tight(t, i + 5) && is_num(t, i + 6) && tight(t, i + 6))) {
        DateMatch dm{i, i + 5, 0, 0, 0, {}};
        if (t[i].digits == 4 && is_num(t, i + 4, 1, 2)) {
          dm.y = t[i].num;
          dm.m = static_cast<int>(t[i + 2].num);
          dm.d = static_cast<int>(t[i + 4].num);
        } else if (t[i].digits <= 2 && year_token(t, i + 4)) {
          dm.d = static_cast<int>(t[i].num);
          dm.m = static_cast<int>(t[i + 2].num);
          dm.y = expand_year(t[i + 4]);
          if (dm.m > 12 && dm.d <= 12) std::swap(dm.m, dm.d);  // M/D/Y
        }
        if (valid_ymd(dm.y, dm.m, dm.d)) return dm;
      }
    }
  }
  // D Mon Y ("10 Jan 2020", "10-Jan-2020", "10 Jan. 20").
  if (is_num(t, i, 1, 2)) {
    size_t j = i + 1;
    if (is_punct(t, j, '-') || is_punct(t, j, '.')) ++j;
    if (const int m = month_at(t, j)) {
      ++j;
      if (is_punct(t, j, '.') || is_punct(t, j, '-') || is_punct(t, j, ',')) ++j;
      if (year_token(t, j)) {
        DateMatch dm{i, j + 1, expand_year(t[j]), m, static_cast<int>(t[i].num), {}};
        if (valid_ymd(dm.y, dm.m, dm.d)) return dm;
      }
    }
  }
  // Mon D[,] Y ("Jan 10, 2020") and asctime ("Jan 10 05:58:00 2020").
  if (const int m = month_at(t, i)) {
    size_t j = i + 1;
    if (is_punct(t, j, '.')) ++j;
    if (is_num(t, j, 1, 2)) {
      const int d = static_cast<int>(t[j].num);
      size_t k = j + 1;
      if (is_word(t, k, "st") || is_word(t, k, "nd") || is_word(t, k, "rd") || is_word(t, k, "th"))
        ++k;
      if (is_punct(t, k, ',')) ++k;
      if (is_num(t, k, 4, 4) && !(is_punct(t, k + 1, ':'))) {
        DateMatch dm{i, k + 1, t[k].num, m, d, {}};
        if (valid_ymd(dm.y, dm.m, dm.d)) return dm;
      }
      if (auto tm = match_time(t, j + 1)) {
        if (is_num(t, tm->end, 4, 4)) {
          DateMatch dm{i, tm->end + 1, t[tm->end].num, m, d, tm};
          if (valid_ymd(dm.y, dm.m, dm.d)) return dm;
        }
      }
    }
  }
  // Vietnamese: [ngày] D tháng M[,] năm Y.
  {
    size_t j = i;
    if (is_word(t, j, "ngày")) ++j;
    if (is_num(t, j, 1, 2) && is_word(t, j + 1, "tháng") && is_num(t, j + 2, 1, 2)) {
      size_t k = j + 3;
      if (is_punct(t, k, ',')) ++k;
      if (is_word(t, k, "năm") && is_num(t, k + 1, 4, 4)) {
        DateMatch dm{
            i, k + 2, t[k + 1].num, static_cast<int>(t[j + 2].num), static_cast<int>(t[j].num), {}};
        if (valid_ymd(dm.y, dm.m, dm.d)) return dm;
      }
    }
  }
  return {};
}

// Tokens allowed between a date and its time.
bool is_separator(const Tok& t) {
  if (t.kind == Kind::Punct)
    return t.punct == '|' || t.punct == '-' || t.punct == ',' || t.punct == '(' || t.punct == ')' ||
           t.punct == ';' || t.punct == '/' || t.punct == '[' || t.punct == ']';
  if (t.kind == Kind::Word)
    return t.word == "t" || t.word == "ngày" || t.word == "lúc" || t.word == "vào" ||
           t.word == "at" || t.word == "on" || t.word == "giờ";
  return false;
}

bool only_separators(const std::vector<Tok>& t, size_t b, size_t e) {
  if (e - b > 3) return false;
  for (size_t k = b; k < e; ++k)
    if (!is_separator(t[k])) return false;
  return true;
}

std::optional<int64_t> scan(const std::vector<Tok>& t, int default_offset) {
  std::vector<TimeMatch> times;
  for (size_t i = 0; i < t.size(); ++i) {
    if (auto tm = match_time(t, i)) {
      times.push_back(*tm);
      i = tm->end - 1;
    }
  }
  for (size_t i = 0; i < t.size(); ++i) {
    charge_work();
    auto dm = match_date(t, i);
    if (!dm) continue;
    std::optional<TimeMatch> time = dm->time;
    if (!time) {
      // A time just before the date ("05:58 | 10/01/2020"), else just after.
      // `times` is in text order: binary searches, so that a text of many
      // dates and times costs no more than its length.
      const auto after = std::partition_point(
          times.begin(), times.end(), [&](const TimeMatch& tm) { return tm.end <= dm->begin; });
      if (after != times.begin()) {
        const TimeMatch& before = *(after - 1);
        if (only_separators(t, before.end, dm->begin)) time = before;
      }
      if (!time) {
        const auto next = std::partition_point(
            times.begin(), times.end(), [&](const TimeMatch& tm) { return tm.begin < dm->end; });
        if (next != times.end() && only_separators(t, dm->end, next->begin)) time = *next;
      }
    }
    const TimeMatch tm = time.value_or(TimeMatch(0, 0));
    const int offset = tm.zone.value_or(default_offset);
    if (auto v = make_instant(dm->y, dm->m, dm->d, tm.h, tm.mi, tm.s, tm.ms, offset)) return v;
  }
  return {};
}

}  // namespace dates_detail

}  // namespace syndicd::common
