// SPDX-License-Identifier: Apache-2.0
// The Atom 1.0 (RFC 4287) rendering of a feed: the same Channel and Items
// as the RSS 2.0 file, so every format says the same thing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rss_writer.hpp"

namespace syndicd::rss {

/// The atom:id of an item with `guid`: the guid itself when it is already an
/// absolute IRI (an article URL, a urn:), else a urn:syndicd: IRI made from
/// it, as RFC 4287 §4.2.6 wants an IRI and a bare id is not one.
std::string atom_entry_id(std::string_view guid);

/// The whole Atom feed, entries in the order given.
std::string render_atom(const Channel& channel, const std::vector<Item>& items);

}  // namespace syndicd::rss
