// SPDX-License-Identifier: Apache-2.0
// The HTML page at `/`: what a person opening the daemon's address in a
// browser wants first — is it healthy, what each source and sink is doing,
// the latest deliveries, the dead letters and the review queue, which feeds
// it serves and how fresh they are, and links to the machine endpoints.
// Server-rendered, no script; it reloads itself every 30 s. Everything
// shown is escaped.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/health.hpp"

namespace syndicd::http {

struct FeedRow {
  std::string name;
  /// Unset when the file is missing (not written yet).
  std::optional<uint64_t> size;
  std::time_t modified = 0;
};

/// The operator's view (control/status_view.hpp: sources, sinks, latest
/// deliveries, dead letters, review queue), read when the page is built.
/// It may throw (the state file refusing): the page then says so.
using OperatorView = std::function<nlohmann::ordered_json()>;

/// What the page offers the person reading it (http/admin_session.hpp).
struct AdminControls {
  enum class Mode {
    none,     ///< no admin token configured: no buttons (the CLI reviews)
    login,    ///< a token configured, not logged in: a link to log in
    session,  ///< logged in: approve / reject buttons and a log-out button
  };
  Mode mode = Mode::none;
  std::string csrf;   ///< the session's, carried by every form
  std::string flash;  ///< what the last action did, shown once
};

/// The page: the health verdict with each failing source or sink and why,
/// the operator's view when there is one, then the feeds.
std::string status_page(const std::vector<FeedRow>& feeds, const Health& health,
                        const OperatorView& view = {}, const AdminControls& admin = {});

/// The operator's view as the page's sections (<h2> and <table>s).
std::string operator_view_html(const nlohmann::ordered_json& view, const AdminControls& admin = {});

}  // namespace syndicd::http
