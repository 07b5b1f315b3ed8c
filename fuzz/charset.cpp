// SPDX-License-Identifier: Apache-2.0
// Charset detection and decoding of fetched bodies: the first line is the
// charset parameter of the Content-Type header (often absent or wrong), the
// rest the body. The result is UTF-8 NFC whatever the bytes.
#include <syndicd/common/utf8.hpp>

#include "fetch/charset.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syndicd;
  const auto [header, body] = fuzz::split_first_line(fuzz::text_of(data, size));
  const fetch::Decoded d = fetch::decode_to_utf8(body, header);
  SYNDICD_FUZZ_CHECK(common::is_valid_utf8(d.text));
  SYNDICD_FUZZ_CHECK(common::nfc(d.text) == d.text);
  (void)fetch::canonical_charset(header);
  (void)fetch::content_type_charset(header);
  (void)fetch::is_text_media_type(fetch::media_type(header));
  (void)fetch::declared_charset(body);
  bool replaced = false;
  SYNDICD_FUZZ_CHECK(common::is_valid_utf8(fetch::convert_to_utf8(body, header, &replaced)));
  return 0;
}
