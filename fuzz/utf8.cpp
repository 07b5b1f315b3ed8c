// SPDX-License-Identifier: Apache-2.0
// UTF-8 and NFC: every scanner path (portable, SSE2, AVX2, as the CPU has
// them) must agree with the others on the same bytes, and the repairing and
// normalising functions must keep their promises (well-formed output, NFC
// idempotent, the quick check never wrong when it says yes). Then the text
// helpers built on them.
#include <syndicd/common/text.hpp>
#include <syndicd/common/utf8.hpp>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd::common;
  namespace u = syndicd::common::utf8;
  const std::string_view text = syndicd::fuzz::text_of(data, size);

  u::set_scan_isa(u::ScanIsa::portable);
  const Utf8Scan ref = scan_utf8(text);
  const bool clean = is_clean_text(text);
  for (const u::ScanIsa isa : {u::ScanIsa::sse2, u::ScanIsa::avx2}) {
    u::set_scan_isa(isa);
    const Utf8Scan s = scan_utf8(text);
    SYNDICD_FUZZ_CHECK(s.valid == ref.valid && s.nfc_quick == ref.nfc_quick &&
                       s.controls == ref.controls);
    SYNDICD_FUZZ_CHECK(is_valid_utf8(text) == ref.valid);
    SYNDICD_FUZZ_CHECK(is_nfc_quick(text) == ref.nfc_quick);
    SYNDICD_FUZZ_CHECK(is_clean_text(text) == clean);
  }

  bool replaced = false;
  const std::string valid = valid_utf8(text, &replaced);
  SYNDICD_FUZZ_CHECK(is_valid_utf8(valid));
  SYNDICD_FUZZ_CHECK(replaced == !ref.valid);
  if (ref.valid) SYNDICD_FUZZ_CHECK(valid == text);

  const std::string n = nfc(text);
  SYNDICD_FUZZ_CHECK(is_valid_utf8(n));
  SYNDICD_FUZZ_CHECK(nfc(n) == n);
  if (ref.nfc_quick) SYNDICD_FUZZ_CHECK(n == text);

  for (const size_t limit : {size_t{0}, size_t{1}, size_t{7}, size_t{40}}) {
    const std::string s = shorten(text, limit);
    SYNDICD_FUZZ_CHECK(is_valid_utf8(s));
    const std::string t = truncate_utf8(text, limit);
    SYNDICD_FUZZ_CHECK(is_valid_utf8(t));
  }
  SYNDICD_FUZZ_CHECK(is_valid_utf8(fold(text)));
  (void)nfc_of_valid(valid);
  (void)make_slug(text);
  (void)make_hashtag(text);
  (void)make_hashtag(text, true);
  (void)contains_phrase(text, "quảng cáo");
  const size_t graphemes = grapheme_count(text);
  SYNDICD_FUZZ_CHECK(grapheme_prefix(text, graphemes) <= text.size());
  return 0;
}
