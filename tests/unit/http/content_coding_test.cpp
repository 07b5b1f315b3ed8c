// SPDX-License-Identifier: Apache-2.0
// Accept-Encoding negotiation with q-values, and the gzip and br
// compressors checked by decoding their output with zlib and libbrotli's
// decoder (not the encoders that made it).
#include "http/content_coding.hpp"

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace syndicd::http {
namespace {

std::string gunzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);  // gzip only, not zlib
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

std::string unbrotli(const std::string& data) {
  std::string out(1 << 20, '\0');
  size_t size = out.size();
  EXPECT_EQ(BrotliDecoderDecompress(data.size(), reinterpret_cast<const uint8_t*>(data.data()),
                                    &size, reinterpret_cast<uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(size);
  return out;
}

TEST(ContentCoding, ChoosesByQValue) {
  EXPECT_EQ(choose_coding(""), "");
  EXPECT_EQ(choose_coding("identity"), "");
  EXPECT_EQ(choose_coding("gzip"), "gzip");
  EXPECT_EQ(choose_coding("x-gzip"), "gzip");
  EXPECT_EQ(choose_coding("GZIP, deflate"), "gzip");
  EXPECT_EQ(choose_coding("gzip, deflate, br"), "br");  // equal q: the smaller
  EXPECT_EQ(choose_coding("br;q=0.5, gzip"), "gzip");
  EXPECT_EQ(choose_coding("br;q=0.5, gzip;q=0.4"), "br");
  EXPECT_EQ(choose_coding("br ; q=0.9 , gzip ; Q=0.95"), "gzip");
  EXPECT_EQ(choose_coding("gzip;q=0"), "");
  EXPECT_EQ(choose_coding("gzip;q=0.000, br;q=0"), "");
  EXPECT_EQ(choose_coding("*"), "br");
  EXPECT_EQ(choose_coding("*;q=0.1, br;q=0"), "gzip");
  EXPECT_EQ(choose_coding("deflate"), "");
  // Malformed q-values drop their element, not the whole field.
  EXPECT_EQ(choose_coding("br;q=2, gzip"), "gzip");
  EXPECT_EQ(choose_coding("br;q=0.5x, gzip;q=0.1"), "gzip");
  EXPECT_EQ(choose_coding("br;level=3"), "");
  EXPECT_EQ(choose_coding(",,, gzip ,"), "gzip");
}

TEST(ContentCoding, CompressedBodiesDecodeToTheOriginal) {
  std::string feed = "<?xml version=\"1.0\"?><rss><channel><title>Tiếng Việt</title>";
  for (int i = 0; i < 500; ++i)
    feed += "<item><title>Bài số " + std::to_string(i) + "</title></item>";
  feed += "</channel></rss>\n";
  const std::string gz = gzip(feed);
  EXPECT_LT(gz.size(), feed.size() / 4);
  EXPECT_EQ(gunzip(gz), feed);
  const std::string br = brotli(feed);
  EXPECT_LT(br.size(), feed.size() / 4);
  EXPECT_EQ(unbrotli(br), feed);
  EXPECT_EQ(gunzip(gzip("")), "");
  EXPECT_EQ(unbrotli(brotli("")), "");
}

TEST(ContentCoding, EachCodingHasItsOwnStrongTag) {
  EXPECT_EQ(coded_entity_tag("\"1-2-3\"", "gzip"), "\"1-2-3-gzip\"");
  EXPECT_EQ(coded_entity_tag("\"1-2-3\"", "br"), "\"1-2-3-br\"");
}

}  // namespace
}  // namespace syndicd::http
