// SPDX-License-Identifier: Apache-2.0
#include "http/content_coding.hpp"

#include <brotli/encode.h>
#include <zlib.h>

#include <stdexcept>

namespace syndicd::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
// thousandths; -1 when malformed (the element is then ignored).
int parse_q(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  int q = (v[0] - '0') * 1000;
  if (v.size() == 1) return q;
  if (v[1] != '.' || v.size() > 5) return -1;
  int scale = 100;
  for (size_t i = 2; i < v.size(); ++i, scale /= 10) {
    if (v[i] < '0' || v[i] > '9') return -1;
    q += (v[i] - '0') * scale;
  }
  return q > 1000 ? -1 : q;
}

}  // namespace

std::string_view choose_coding(std::string_view field) {
  // -1: not mentioned.
  int br = -1, gz = -1, any = -1;
  while (!field.empty()) {
    const size_t comma = field.find(',');
    std::string_view element = field.substr(0, comma);
    field = comma == std::string_view::npos ? std::string_view() : field.substr(comma + 1);
    int q = 1000;
    const size_t semi = element.find(';');
    if (semi != std::string_view::npos) {
      std::string_view param = trim(element.substr(semi + 1));
      element = element.substr(0, semi);
      if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
      q = parse_q(trim(param.substr(2)));
      if (q < 0) continue;
    }
    const std::string_view name = trim(element);
    // "x-gzip" is gzip (RFC 9110 §8.4.1.3).
    if (iequals(name, "br"))
      br = q;
    else if (iequals(name, "gzip") || iequals(name, "x-gzip"))
      gz = q;
    else if (name == "*")
      any = q;
  }
  if (br < 0) br = any;
  if (gz < 0) gz = any;
  if (br <= 0 && gz <= 0) return "";
  return br >= gz ? "br" : "gzip";
}

std::string gzip(std::string_view data) {
  z_stream zs{};
  // 15 + 16: a gzip wrapper rather than zlib's; level 9, as a file is
  // compressed once per version, not once per request.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate failed");
  out.resize(written);
  return out;
}

std::string brotli(std::string_view data) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) throw std::runtime_error("brotli: input too large");
  std::string out(size, '\0');
  // Quality 9, not 11: 11 costs several times the CPU for a few percent,
  // and this runs on the loop thread once per feed version.
  if (!BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data())))
    throw std::runtime_error("brotli: compression failed");
  out.resize(size);
  return out;
}

std::string coded_entity_tag(std::string_view etag, std::string_view coding) {
  std::string out(etag);
  if (!out.empty() && out.back() == '"') out.insert(out.size() - 1, "-" + std::string(coding));
  return out;
}

}  // namespace syndicd::http
