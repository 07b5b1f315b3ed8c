// SPDX-License-Identifier: Apache-2.0
#include "http/settings.hpp"

#include "http/server.hpp"

namespace syndicd::http {

Options to_options(const HttpKeys& k) {
  Options o;
  o.idle_timeout = k.idle_timeout;
  o.header_timeout = k.header_timeout;
  o.write_timeout = k.write_timeout;
  o.max_connections = k.max_connections;
  o.max_connections_per_client = k.max_connections_per_client;
  o.max_requests_per_connection = k.max_requests_per_connection;
  o.request.max_request_line = k.max_request_line;
  o.request.max_header_bytes = k.max_header_bytes;
  o.request.max_headers = k.max_headers;
  o.admin = {k.admin_token, k.public_url};
  return o;
}

}  // namespace syndicd::http
