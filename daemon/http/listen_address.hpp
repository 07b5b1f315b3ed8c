// SPDX-License-Identifier: Apache-2.0
// `daemon.http.listen` turned into an endpoint: "127.0.0.1:8088",
// "[::1]:8088", "localhost:8088", ":8088" (127.0.0.1). Literal addresses
// only: a name lookup would block the loop and could bind somewhere the
// configuration never said.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace syndicd::http {

/// Throws std::runtime_error naming `listen` and what is wrong with it.
boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& listen);

/// "127.0.0.1:8088", "[::1]:8088".
std::string to_string(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace syndicd::http
