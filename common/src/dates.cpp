#include "syndicd/common/dates.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "syndicd/common/budget.hpp"

namespace syndicd::common {

// ---------------------------------------------------------------------------
// Calendar arithmetic (http://howardhinnant.github.io/date_algorithms.html)

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, int m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::optional<int64_t> make_instant(int64_t y, int mo, int d, int h, int mi, int s, int ms,
                                    int offset_minutes) {
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, mo)) return {};
  if (h < 0 || mi < 0 || mi > 59 || s < 0 || s > 60 || ms < 0 || ms > 999) return {};
  if (h > 24 || (h == 24 && (mi != 0 || s != 0 || ms != 0))) return {};
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - int64_t{offset_minutes} * 60;
  return secs * 1000 + ms;
}

// ---------------------------------------------------------------------------
// Tokens

namespace {

enum class Kind { Num, Word, Punct };

struct Tok {
  Tok(Kind k, size_t b, size_t e, bool sp) : kind(k), begin(b), end(e), space_before(sp) {}
  Kind kind;
  size_t begin, end;  // byte range in the text
  bool space_before;
  int64_t num = 0;
  int digits = 0;
  char punct = 0;
  std::string word;  // lower-case, NFC
};

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

// Letters in the longest month name ("september").
constexpr size_t kLongestMonth = 9;

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

}  // namespace

// ---------------------------------------------------------------------------
// Public API

std::optional<int> parse_utc_offset(std::string_view text) {
  const auto t = tokenize(text);
  if (t.empty()) return {};
  size_t next = 0;
  auto z = match_zone(t, 0, &next, false);
  if (!z || next != t.size()) return {};
  return z;
}

namespace {

// The number written with exactly the `count` digits at s[i], or -1.
int fixed_digits(std::string_view s, size_t i, size_t count) {
  if (i + count > s.size()) return -1;
  int v = 0;
  for (size_t k = i; k < i + count; ++k) {
    if (s[k] < '0' || s[k] > '9') return -1;
    v = v * 10 + (s[k] - '0');
  }
  return v;
}

// "+07:00" (colon) or "+0700" at s[i..] up to the end: minutes east of UTC.
std::optional<int> fixed_zone(std::string_view s, size_t i, bool colon) {
  if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return {};
  if (s.size() != i + (colon ? 6 : 5) || (colon && s[i + 3] != ':')) return {};
  const int h = fixed_digits(s, i + 1, 2), m = fixed_digits(s, i + (colon ? 4 : 3), 2);
  if (h < 0 || m < 0 || h > 18 || m > 59) return {};
  return (s[i] == '-' ? -1 : 1) * (h * 60 + m);
}

// The two forms nearly every feed writes, exactly as RFC 3339 and RFC 822
// spell them ("2020-04-08T02:46:00+07:00", "Wed, 08 Apr 2020 02:46:00
// +0700"), read without the general scanner's tokens. Anything else, or
// anything odd in these, is left to the scanner (which reads these the same
// way: a test holds them equal).
std::optional<int64_t> parse_canonical(std::string_view s) {
  if (s.size() >= 20 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't') &&
      s[13] == ':' && s[16] == ':') {
    const int y = fixed_digits(s, 0, 4), mo = fixed_digits(s, 5, 2), d = fixed_digits(s, 8, 2);
    const int h = fixed_digits(s, 11, 2), mi = fixed_digits(s, 14, 2), sec = fixed_digits(s, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return {};
    size_t i = 19;
    int ms = 0;
    if (s[i] == '.') {
      const size_t b = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == b || i - b > 9) return {};
      int scale = 100;
      for (size_t k = b; k < b + 3 && k < i; ++k, scale /= 10) ms += (s[k] - '0') * scale;
    }
    std::optional<int> zone;
    if (i + 1 == s.size() && (s[i] == 'Z' || s[i] == 'z'))
      zone = 0;
    else
      zone = fixed_zone(s, i, true);
    if (!zone) return {};
    return make_instant(y, mo, d, h, mi, sec, ms, *zone);
  }
  // "Www, DD Mon YYYY HH:MM:SS +HHMM" or "... GMT".
  if (s.size() >= 29 && s[3] == ',' && s[4] == ' ' && s[7] == ' ' && s[11] == ' ' && s[16] == ' ' &&
      s[19] == ':' && s[22] == ':' && s[25] == ' ') {
    for (size_t k = 0; k < 3; ++k)
      if (!std::isalpha(static_cast<unsigned char>(s[k])) ||
          !std::isalpha(static_cast<unsigned char>(s[8 + k])))
        return {};
    std::string month(s.substr(8, 3));
    for (auto& c : month) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const int mo = month_from_word(month);
    const int d = fixed_digits(s, 5, 2), y = fixed_digits(s, 12, 4);
    const int h = fixed_digits(s, 17, 2), mi = fixed_digits(s, 20, 2), sec = fixed_digits(s, 23, 2);
    if (mo == 0 || d < 0 || y < 0 || h < 0 || mi < 0 || sec < 0) return {};
    const std::string_view z = s.substr(26);
    std::optional<int> zone;
    if (z == "GMT" || z == "UTC" || z == "UT" || z == "Z")
      zone = 0;
    else
      zone = fixed_zone(s, 26, false);
    if (!zone) return {};
    return make_instant(y, mo, d, h, mi, sec, 0, *zone);
  }
  return {};
}

}  // namespace

std::optional<int64_t> parse_date(std::string_view text, int default_offset_minutes) {
  if (auto v = parse_canonical(text)) return v;
  return scan(tokenize(text), default_offset_minutes);
}

std::optional<int64_t> find_date(std::string_view text, int default_offset_minutes) {
  return scan(tokenize(text), default_offset_minutes);
}

namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Whitespace (ASCII, U+00A0, U+2000-U+200B, U+202F, U+3000) at s[i]: its length, else 0.
size_t space_len(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (is_ascii_space(s[i])) return 1;
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
  if (c == 0xE2 && i + 2 < s.size()) {
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    const auto c2 = static_cast<unsigned char>(s[i + 2]);
    if (c1 == 0x80 && (c2 <= 0x8B || c2 == 0xAF)) return 3;
  }
  if (c == 0xE3 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x80)
    return 3;
  return 0;
}

size_t skip_spaces(std::string_view s, size_t i) {
  while (size_t l = space_len(s, i)) i += l;
  return i;
}

bool read_num(std::string_view s, size_t& i, int min_digits, int max_digits, int64_t* out) {
  size_t j = i;
  int64_t v = 0;
  while (j < s.size() && j - i < static_cast<size_t>(max_digits) && s[j] >= '0' && s[j] <= '9') {
    v = v * 10 + (s[j] - '0');
    ++j;
  }
  if (j - i < static_cast<size_t>(min_digits)) return false;
  if (j < s.size() && s[j] >= '0' && s[j] <= '9') return false;  // too many digits
  *out = v;
  i = j;
  return true;
}

struct FormatState {
  int64_t y = -1;
  int m = -1, d = -1, h = 0, mi = 0, s = 0;
  int pm = -1;  // -1 none, 0 am, 1 pm
  std::optional<int> zone;
};

// The whitespace run a step of the format skipped last: s[from, to) is
// whitespace and s[to] is not. Start positions after one another reach the
// same runs (for " %d", every position of a run of spaces reaches its end),
// so each step reads each run once and parse_date_format stays linear.
struct RunMemo {
  size_t from = 1, to = 0;  // empty

  size_t skip(std::string_view s, size_t i) {
    // A position inside a multi-byte space is no space itself (their
    // continuation bytes are none of the lead bytes space_len knows), so a
    // position that is a space and lies in the run is one of its
    // characters, and the run ends where it did.
    if (space_len(s, i) == 0) return i;
    if (i >= from && i < to) return to;
    from = i;
    to = skip_spaces(s, i);
    charge_work(to - from);
    return to;
  }
};

// One RunMemo per place in the format that skips whitespace: two per
// character (before and after a punctuation literal).
using RunMemos = std::vector<RunMemo>;

bool match_format_at(std::string_view s, size_t i, std::string_view f, FormatState& st,
                     RunMemos& runs) {
  size_t k = 0;
  while (k < f.size()) {
    if (const size_t fl = space_len(f, k)) {
      i = runs[2 * k].skip(s, i);
      k += fl;
      while (size_t more = space_len(f, k)) k += more;
      continue;
    }
    if (f[k] == '%' && k + 1 < f.size()) {
      const char d = f[k + 1];
      k += 2;
      int64_t v = 0;
      switch (d) {
        case 'd':
        case 'e':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.d = static_cast<int>(v);
          break;
        case 'm':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.m = static_cast<int>(v);
          break;
        case 'Y':
          if (!read_num(s, i, 4, 4, &v)) return false;
          st.y = v;
          break;
        case 'y':
          if (!read_num(s, i, 2, 2, &v)) return false;
          st.y = v < 50 ? 2000 + v : 1900 + v;
          break;
        case 'H':
        case 'I':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.h = static_cast<int>(v);
          break;
        case 'M':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.mi = static_cast<int>(v);
          break;
        case 'S':
          if (!read_num(s, i, 1, 2, &v)) return false;
          st.s = static_cast<int>(v);
          break;
        case 'b':
        case 'B':
        case 'h': {
          // No month name is longer than kLongestMonth letters: a longer word
          // fails here without being read to its end (a page of letters
          // would be read again from each start position).
          size_t j = i;
          while (j < s.size() && j - i <= kLongestMonth &&
                 std::isalpha(static_cast<unsigned char>(s[j])))
            ++j;
          if (j - i > kLongestMonth) return false;
          std::string w(s.substr(i, j - i));
          for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          const int m = month_from_word(w);
          if (!m) return false;
          st.m = m;
          i = j;
          if (i < s.size() && s[i] == '.') ++i;
          break;
        }
        case 'p': {
          if (i + 1 >= s.size()) return false;
          const char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
          const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
          if ((a == 'a' && b == 'm') || (a == 's' && b == 'a'))
            st.pm = 0;
          else if ((a == 'p' && b == 'm') || (a == 'c' && b == 'h'))
            st.pm = 1;
          else
            return false;
          i += 2;
          break;
        }
        case 'z':
        case 'Z': {
          const std::string_view rest = s.substr(i, std::min<size_t>(s.size() - i, 24));
          const auto t = tokenize(rest);
          size_t next = 0;
          auto z = match_zone(t, 0, &next, false);
          if (!z) return false;
          st.zone = z;
          i += t[next - 1].end;
          break;
        }
        case '%':
          if (i >= s.size() || s[i] != '%') return false;
          ++i;
          break;
        default:
          return false;
      }
      continue;
    }
    // Literal: optional whitespace around punctuation; ASCII letters case-insensitive.
    const char fc = f[k];
    const bool punct = std::ispunct(static_cast<unsigned char>(fc)) != 0;
    if (punct) i = runs[2 * k].skip(s, i);
    if (i >= s.size()) return false;
    const char sc = s[i];
    const bool same = sc == fc || (static_cast<unsigned char>(fc) < 0x80 &&
                                   std::tolower(static_cast<unsigned char>(sc)) ==
                                       std::tolower(static_cast<unsigned char>(fc)));
    if (!same) return false;
    ++i;
    if (punct) i = runs[2 * k + 1].skip(s, i);
    ++k;
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_date_format(std::string_view text, std::string_view format,
                                         int default_offset_minutes) {
  if (format.empty()) return {};
  const bool numeric_start =
      format.size() >= 2 && format[0] == '%' &&
      std::string_view("dmYyHMSIe").find(format[1]) != std::string_view::npos;
  RunMemos runs(2 * format.size());
  for (size_t i = 0; i < text.size(); ++i) {
    // Start on a character boundary, and never inside a number.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (numeric_start && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9') continue;
    charge_work();
    FormatState st;
    if (!match_format_at(text, i, format, st, runs)) continue;
    if (st.y < 0 || st.m < 0 || st.d < 0) return {};
    int h = st.h;
    if (st.pm == 0 && h == 12) h = 0;
    if (st.pm == 1 && h < 12) h += 12;
    if (auto v = make_instant(st.y, st.m, st.d, h, st.mi, st.s, 0,
                              st.zone.value_or(default_offset_minutes)))
      return v;
  }
  return {};
}

std::string format_rfc3339(int64_t ms, int offset_minutes) {
  const int64_t local_ms = ms + int64_t{offset_minutes} * 60000;
  const int64_t secs = floor_div(local_ms, 1000);
  const int frac = static_cast<int>(local_ms - secs * 1000);
  const int64_t days = floor_div(secs, 86400);
  const int64_t rem = secs - days * 86400;
  const Civil c = civil_from_days(days);
  char buf[64];
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char fbuf[8] = "";
  if (frac) std::snprintf(fbuf, sizeof fbuf, ".%03d", frac);
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d%s%c%02d:%02d",
                static_cast<long long>(c.y), c.m, c.d, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), fbuf,
                offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
  return buf;
}

std::string format_rfc822(int64_t ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t secs = floor_div(ms, 1000);
  const int64_t days = floor_div(secs, 86400);
  const int64_t rem = secs - days * 86400;
  const Civil c = civil_from_days(days);
  const int64_t wd = ((days % 7) + 7) % 7;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02d:%02d:%02d GMT", kDays[wd], c.d,
                kMonths[c.m - 1], static_cast<long long>(c.y), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

}  // namespace syndicd::common
