// SPDX-License-Identifier: Apache-2.0
// The date parsers: the first line is a date format (article.published.format)
// and a zone, the rest the page text it is applied to; the whole input also
// goes through parse_date and find_date, the automatic readers.
#include <syndicd/common/dates.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::common;
  const std::string_view input = syndicd::fuzz::text_of(data, size);
  const auto [format, text] = syndicd::fuzz::split_first_line(input);
  const int offset = parse_utc_offset(format).value_or(7 * 60);
  // The printable range of format_rfc3339: four-digit years, a zone under a day.
  static const int64_t kFirst = *make_instant(1, 1, 1, 0, 0, 0, 0, 0);
  static const int64_t kLast = *make_instant(9999, 12, 31, 0, 0, 0, 0, 0);
  const bool printable = offset > -24 * 60 && offset < 24 * 60;
  for (const auto& ms : {parse_date_format(text, format, offset), parse_date(input, offset),
                         find_date(input, offset), parse_date(text, offset)}) {
    if (!ms || !printable || *ms < kFirst || *ms > kLast) continue;
    // Whatever was read prints and reads back as the same instant.
    const std::string iso = format_rfc3339(*ms, offset);
    const auto back = parse_date(iso, 0);
    SYNDICD_FUZZ_CHECK(back && *back == *ms);
    (void)format_rfc822(*ms);
  }
  return 0;
}
