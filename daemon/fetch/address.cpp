// SPDX-License-Identifier: Apache-2.0
#include "fetch/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace syndicd::fetch {
namespace {

bool forbidden_v4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  return in(0x00000000, 8)      // "this" network, 0.0.0.0
         || in(0x0A000000, 8)   // 10/8
         || in(0x64400000, 10)  // 100.64/10 carrier-grade NAT
         || in(0x7F000000, 8)   // loopback
         || in(0xA9FE0000, 16)  // link-local (cloud metadata 169.254.169.254)
         || in(0xAC100000, 12)  // 172.16/12
         || in(0xC0000000, 24)  // 192.0.0/24 IETF protocol assignments
         || in(0xC0000200, 24)  // TEST-NET-1
         || in(0xC0A80000, 16)  // 192.168/16
         || in(0xC6120000, 15)  // 198.18/15 benchmarking
         || in(0xC6336400, 24)  // TEST-NET-2
         || in(0xCB007100, 24)  // TEST-NET-3
         || in(0xE0000000, 4)   // multicast
         || in(0xF0000000, 4);  // reserved + broadcast
}

}  // namespace

bool is_forbidden_address(const sockaddr* address, socklen_t length) {
  if (address == nullptr) return true;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    return forbidden_v4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    const unsigned char* b = v6.sin6_addr.s6_addr;
    auto embedded_v4 = [b](int at) {
      return forbidden_v4((std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
                          (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]});
    };
    static const unsigned char zero[16] = {};
    if (std::memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(b, mapped, 12) == 0) return embedded_v4(12);  // ::ffff:a.b.c.d
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (std::memcmp(b, nat64, 12) == 0) return embedded_v4(12);  // 64:ff9b::/96
    if ((b[0] & 0xFE) == 0xFC) return true;                      // fc00::/7 unique local
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;      // fe80::/10 link-local
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return true;      // fec0::/10 site-local
    if (b[0] == 0xFF) return true;                               // multicast
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return true;  // doc
    if (b[0] == 0x20 && b[1] == 0x02) {  // 6to4 embeds an IPv4 address
      return embedded_v4(2);
    }
    return false;
  }
  return true;  // unix sockets and anything unknown
}

std::string address_to_string(const sockaddr* address, socklen_t length) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (address != nullptr && address->sa_family == AF_INET &&
      length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, buf, sizeof buf);
  } else if (address != nullptr && address->sa_family == AF_INET6 &&
             length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, buf, sizeof buf);
  }
  return buf;
}

}  // namespace syndicd::fetch
