// SPDX-License-Identifier: Apache-2.0
// The dialect readers: one item or entry → one Article. Each file holds
// one dialect's rules; what they share is in fields.hpp.
#pragma once

#include <syndicd/plugin.hpp>

#include "parse/dom.hpp"
#include "parse/fields.hpp"

namespace syndicd::rss::detail {

/// The dates of an RSS item, as read_rss_item reads them; `ns` is the
/// dialect's own namespace.
void read_rss_dates(const XMLElement* item, Ns ns, Dates& dates);
/// The dates of an Atom entry, as read_atom_entry reads them.
void read_atom_dates(const XMLElement* entry, Ns ns, Dates& dates);

/// Reads one RSS (0.9x, 1.0, 2.0) item into `a`; false when it is skipped.
bool read_rss_item(const XMLElement* item, size_t index, const Context& ctx, Article& a);
/// Reads one Atom (0.3, 1.0) entry into `a`; false when it is skipped.
bool read_atom_entry(const XMLElement* entry, size_t index, const Context& ctx, Article& a);

}  // namespace syndicd::rss::detail
