// SPDX-License-Identifier: Apache-2.0
// The counters /metrics, /api/status and `once`'s summary show, per source,
// per source and pipeline, and per sink. The Daemon keeps them
// (runtime/daemon.hpp) for the whole process, keyed by section name, and
// each engine counts into the Daemon's: a source runner or sink worker a
// reload replaces, or a whole engine, goes on counting where the one
// before it stopped, so a counter never goes back while the process lives
// (Prometheus reads a drop as a restart and would double the rate).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace syndicd::runtime {

struct SourceCounters {
  uint64_t polls = 0;          ///< polls started
  uint64_t poll_failures = 0;  ///< polls that failed, the state file's refusals included
  /// Articles with a field from a fallback (a guessed date, a body from the
  /// baseline, no lead): a rise means a site's template changed.
  uint64_t articles_guessed = 0;
  uint64_t fetches = 0;      ///< fetches that ended, whatever their outcome
  uint64_t fetch_bytes = 0;  ///< response bodies handed to the plugin
};

/// What one source's articles became in one pipeline.
struct ArticleCounters {
  uint64_t added = 0, updated = 0, seen = 0, filtered = 0;
};

struct SinkCounters {
  uint64_t delivered = 0, retried = 0, dead = 0, reconciled = 0;
  /// When the last delivery succeeded, ms since epoch; 0: none since the start.
  int64_t last_delivery = 0;
};

/// Sums over every source and sink counted, the ones a reload removed
/// included (so they too only go up): the unlabelled syndicd_*_total
/// series and `once`'s summary line.
struct EngineStats {
  uint64_t polls = 0, poll_failures = 0;
  uint64_t articles_added = 0, articles_updated = 0, articles_seen = 0, articles_filtered = 0;
  uint64_t articles_guessed = 0;
  uint64_t delivered = 0, retried = 0, dead = 0, reconciled = 0;
};

/// Entries are created on first use and never removed: a reference to one
/// stays valid as long as the Counters (std::map nodes do not move), which
/// lets a fetch in flight hold one.
class Counters {
 public:
  SourceCounters& source(const std::string& name) { return sources_[name]; }
  ArticleCounters& articles(const std::string& source, const std::string& pipeline) {
    return articles_[{source, pipeline}];
  }
  SinkCounters& sink(const std::string& name) { return sinks_[name]; }

  const std::map<std::string, SourceCounters>& sources() const { return sources_; }
  /// Keyed by (source, pipeline).
  const std::map<std::pair<std::string, std::string>, ArticleCounters>& articles() const {
    return articles_;
  }
  const std::map<std::string, SinkCounters>& sinks() const { return sinks_; }

  EngineStats totals() const;

 private:
  std::map<std::string, SourceCounters> sources_;
  std::map<std::pair<std::string, std::string>, ArticleCounters> articles_;
  std::map<std::string, SinkCounters> sinks_;
};

}  // namespace syndicd::runtime
