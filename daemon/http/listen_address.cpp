// SPDX-License-Identifier: Apache-2.0
#include "http/listen_address.hpp"

#include <stdexcept>

namespace syndicd::http {

boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& listen) {
  auto fail = [&](const std::string& why) -> boost::asio::ip::tcp::endpoint {
    throw std::runtime_error("http: cannot listen on \"" + listen + "\": " + why);
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return fail("not ADDRESS:PORT (e.g. 127.0.0.1:8088)");
  std::string host = listen.substr(0, colon);
  const std::string port_text = listen.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos)
    return fail("the port is not a number from 0 to 65535");
  const unsigned long port = std::stoul(port_text);
  if (port > 65535) return fail("the port is not a number from 0 to 65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return fail("an IPv6 address needs brackets: [::1]:8088");
  }
  // The documented default is loopback; an empty host must not mean "all".
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return fail("\"" + host + "\" is not an IP address");
  return {address, static_cast<unsigned short>(port)};
}

std::string to_string(const boost::asio::ip::tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace syndicd::http
