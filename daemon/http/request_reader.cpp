// SPDX-License-Identifier: Apache-2.0
#include "http/request_reader.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

namespace syndicd::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// Beast's parser with our own callbacks: the limits it lacks are checked
// where the parts arrive (Beast 1.74 has one header limit, and it does not
// count the request line, which it consumes on its own).
class RequestReader::Parser final : public bhttp::basic_parser<true> {
 public:
  explicit Parser(const RequestLimits& limits) : limits_(limits) {
    header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    body_limit(limits.max_form_bytes);
  }

  Request message;
  std::string body;
  std::optional<Refusal> refusal;
  bool line_done = false;

 private:
  void on_request_impl(bhttp::verb method, beast::string_view method_text,
                       beast::string_view target, int version, beast::error_code& ec) override {
    line_done = true;
    // "METHOD SP target SP HTTP/1.x": the parts are all that was on the line.
    if (method_text.size() + target.size() + 10 > limits_.max_request_line) {
      refusal = Refusal{bhttp::status::uri_too_long, "request line too long"};
      ec = bhttp::error::bad_target;
      return;
    }
    if (method == bhttp::verb::unknown)
      message.method_string(method_text);
    else
      message.method(method);
    message.target(target);
    message.version(version);
  }

  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_method;  // a request parser sees no status lines
  }

  void on_field_impl(bhttp::field name, beast::string_view name_text, beast::string_view value,
                     beast::error_code& ec) override {
    if (++fields_ > limits_.max_headers) {
      refusal = Refusal{bhttp::status::request_header_fields_too_large, "too many header fields"};
      ec = bhttp::error::header_limit;
      return;
    }
    message.insert(name, name_text, value);
  }

  void on_header_impl(beast::error_code&) override {}

  // Beast refuses a body over body_limit() itself (whatever its framing);
  // these refuse any body where none is taken, and keep the form's.
  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code& ec) override {
    if (length && *length > 0 && !takes_body()) refuse_body(ec);
  }
  size_t on_body_impl(beast::string_view body, beast::error_code& ec) override {
    return keep(body, ec);
  }
  void on_chunk_header_impl(std::uint64_t size, beast::string_view,
                            beast::error_code& ec) override {
    if (size > 0 && !takes_body()) refuse_body(ec);
  }
  size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                            beast::error_code& ec) override {
    return keep(body, ec);
  }
  void on_finish_impl(beast::error_code&) override {}

  // A form posted to the admin pages (router.hpp) is the one body taken.
  bool takes_body() const {
    const std::string_view target(message.target().data(), message.target().size());
    return message.method() == bhttp::verb::post && target.starts_with(kFormPathPrefix) &&
           limits_.max_form_bytes > 0;
  }
  size_t keep(beast::string_view part, beast::error_code& ec) {
    if (part.empty()) return 0;
    if (!takes_body() || body.size() + part.size() > limits_.max_form_bytes) {
      refuse_body(ec);
      return part.size();
    }
    body.append(part.data(), part.size());
    return part.size();
  }

  void refuse_body(beast::error_code& ec) {
    refusal = Refusal{bhttp::status::payload_too_large, "request bodies are not accepted"};
    ec = bhttp::error::body_limit;
  }

  RequestLimits limits_;
  size_t fields_ = 0;
};

RequestReader::RequestReader(RequestLimits limits)
    : limits_(limits), parser_(std::make_unique<Parser>(limits_)) {}

RequestReader::~RequestReader() = default;

Request& RequestReader::request() {
  return parser_->message;
}

const std::string& RequestReader::body() const {
  return parser_->body;
}

RequestReader::Progress RequestReader::refuse(bhttp::status status, std::string_view reason) {
  refusal_ = Refusal{status, reason};
  return Progress::refused;
}

RequestReader::Progress RequestReader::parse(std::string_view bytes, size_t& consumed) {
  consumed = 0;
  if (!bytes.empty()) started_ = true;
  Parser& parser = *parser_;
  // A body (even an empty chunked one) takes more than one put().
  for (;;) {
    if (!line_checked_ && !parser.line_done) {
      // Beast parses the request line only once the whole header is in, so
      // a line too long is caught here as it arrives: it ends at the first
      // LF, which must come within the limit (and its CR).
      const size_t window = std::min(bytes.size(), limits_.max_request_line + 2);
      const size_t end = bytes.substr(0, window).find('\n');
      if (end == std::string_view::npos) {
        if (bytes.size() >= limits_.max_request_line + 2)
          return refuse(bhttp::status::uri_too_long, "request line too long");
      } else {
        const size_t length = end > 0 && bytes[end - 1] == '\r' ? end - 1 : end;
        if (length > limits_.max_request_line)
          return refuse(bhttp::status::uri_too_long, "request line too long");
        line_checked_ = true;
      }
    }
    beast::error_code ec;
    const size_t n = parser.put(boost::asio::const_buffer(bytes.data(), bytes.size()), ec);
    consumed += n;
    bytes.remove_prefix(n);
    if (parser.refusal) return refuse(parser.refusal->status, parser.refusal->reason);
    if (!header_done_) {
      // Beast counts the fields only, not the request line it consumed.
      header_bytes_ += n;
      if (parser.is_header_done()) {
        header_done_ = true;
        if (header_bytes_ > limits_.max_header_bytes)
          return refuse(bhttp::status::request_header_fields_too_large,
                        "request header fields too large");
      }
    }
    if (ec == bhttp::error::need_more) {
      if (!header_done_ && header_bytes_ + bytes.size() > limits_.max_header_bytes)
        return refuse(bhttp::status::request_header_fields_too_large,
                      "request header fields too large");
      // The framing of an empty chunked body, grown past any header:
      // endless chunk extensions or trailers.
      if (header_done_ && bytes.size() > limits_.max_header_bytes)
        return refuse(bhttp::status::payload_too_large, "request bodies are not accepted");
      return Progress::need_more;
    }
    if (ec == bhttp::error::header_limit)
      return refuse(bhttp::status::request_header_fields_too_large,
                    "request header fields too large");
    if (ec == bhttp::error::body_limit || ec == bhttp::error::unexpected_body)
      return refuse(bhttp::status::payload_too_large, "request bodies are not accepted");
    if (ec) return refuse(bhttp::status::bad_request, "bad request");
    if (parser.is_done()) return Progress::complete;
    if (n == 0) return Progress::need_more;
  }
}

}  // namespace syndicd::http
