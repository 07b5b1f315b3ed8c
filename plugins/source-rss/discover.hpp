// SPDX-License-Identifier: Apache-2.0
// Feed discovery: the feeds an HTML page announces with
// <link rel="alternate" type="application/rss+xml" href="...">, so an `rss`
// source may be given a site's home page instead of its feed's URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syndicd::rss {

struct FeedLink {
  std::string url;    ///< resolved against the page's URL
  std::string type;   ///< application/rss+xml, application/atom+xml, ...
  std::string title;  ///< the link's title, entities decoded; may be empty
};

/// Whether a fetched document is an HTML page rather than a feed: by its
/// Content-Type when the server names HTML, else by its first markup.
bool looks_like_html(std::string_view body, std::string_view content_type);

/// The feeds `html` announces, in document order, without duplicates.
std::vector<FeedLink> feed_links(std::string_view html, std::string_view page_url);

/// The link to follow: the first whose title contains `title` (compared
/// case-insensitively) when one is asked for, else the first.
std::optional<FeedLink> choose_feed(const std::vector<FeedLink>& links, std::string_view title);

}  // namespace syndicd::rss
