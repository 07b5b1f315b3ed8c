// SPDX-License-Identifier: Apache-2.0
// Which socket addresses the fetcher refuses to connect to unless a source
// is allowed private addresses: loopback, private, link-local, CGNAT,
// unspecified, multicast, reserved and documentation ranges (IPv4 and IPv6,
// including IPv4-mapped and NAT64-embedded IPv4). Checked on the resolved
// address at connect time, so DNS rebinding does not get around it.
#pragma once

#include <sys/socket.h>

#include <string>

namespace syndicd::fetch {

bool is_forbidden_address(const sockaddr* address, socklen_t length);
/// "127.0.0.1" / "::1" for messages; "?" when the family is unknown.
std::string address_to_string(const sockaddr* address, socklen_t length);

}  // namespace syndicd::fetch
