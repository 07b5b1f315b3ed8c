// SPDX-License-Identifier: Apache-2.0
// Reading one HTTP/1.x request from the bytes a client sent, within limits
// (DESIGN.md §7). No sockets and no clock here: the server feeds it what it
// read and acts on the outcome, and tests and the fuzz target feed it bytes
// in-process.
//
// Every limit is checked as the bytes arrive, before the request is
// complete, so a client can make the server hold at most max_header_bytes
// of one request: a request line that will not fit is refused while it is
// still being sent (414), as are header fields past their count or size
// (431). The server takes one kind of request body only, a form POSTed to
// /admin/... (the status page's buttons), up to max_form_bytes; any other
// announced or chunked body with content is refused (413) before a byte of
// it is read.
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace syndicd::http {

/// A request as the server sees it: a header (a form's body is beside it,
/// RequestReader::body()).
using Request = boost::beast::http::request<boost::beast::http::empty_body>;

/// The targets that may carry a body: POST /admin/..., a form.
inline constexpr std::string_view kFormPathPrefix = "/admin/";

/// Bounds on one request; the defaults are the server's.
struct RequestLimits {
  /// Method, target and version, without the CRLF.
  size_t max_request_line = 4 * 1024;
  /// The request line and all header fields together, CRLFs included.
  size_t max_header_bytes = 8 * 1024;
  /// Header fields (a repeated name counts each time).
  size_t max_headers = 100;
  /// A form POSTed to /admin/... (ids and a CSRF token); 0: none taken.
  size_t max_form_bytes = 16 * 1024;
};

/// Why a request is answered with an error instead of served.
struct Refusal {
  boost::beast::http::status status = boost::beast::http::status::bad_request;
  /// One line for the response body and the debug log.
  std::string_view reason;
};

/// One request, read incrementally. Make a new one for each request of a
/// connection (what it did not consume belongs to the next one).
class RequestReader {
 public:
  explicit RequestReader(RequestLimits limits = {});
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  enum class Progress {
    need_more,  ///< give it more bytes (or tell it the client closed)
    complete,   ///< request() is ready; the rest of the bytes are not its
    refused,    ///< refusal() says why; the connection should be closed after the answer
  };

  /// Parse as much of `bytes` as belongs to this request and set `consumed`
  /// to how many it took. Call again with the unconsumed bytes plus new
  /// ones while it says need_more; not after complete or refused.
  Progress parse(std::string_view bytes, size_t& consumed);

  /// Whether any byte of this request has arrived (false: the client may
  /// close now without having broken off a request).
  bool started() const { return started_; }

  /// After complete.
  Request& request();
  /// After complete: the form a POST to /admin/... carried; else empty.
  const std::string& body() const;
  /// After refused.
  const Refusal& refusal() const { return refusal_; }

 private:
  class Parser;
  Progress refuse(boost::beast::http::status status, std::string_view reason);

  RequestLimits limits_;
  std::unique_ptr<Parser> parser_;
  size_t header_bytes_ = 0;  ///< consumed so far by the header
  bool header_done_ = false;
  bool line_checked_ = false;  ///< the request line ended within its limit
  bool started_ = false;
  Refusal refusal_;
};

}  // namespace syndicd::http
