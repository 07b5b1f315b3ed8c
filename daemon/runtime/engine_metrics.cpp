// SPDX-License-Identifier: Apache-2.0
#include "runtime/engine_metrics.hpp"

#include <optional>
#include <set>
#include <utility>

#include "http/exposition.hpp"
#include "http/process_metrics.hpp"

namespace syndicd::runtime {

namespace {

using http::Exposition;
using Type = Exposition::Type;

double seconds(int64_t ms) {
  return static_cast<double>(ms) / 1000.0;
}

// The unlabelled sums (the names syndicd has always exported).
void write_totals(Exposition& out, const EngineStats& t) {
  auto counter = [&](const char* name, const char* help, uint64_t value) {
    out.family(name, Type::counter, help);
    out.sample(name, value);
  };
  counter("syndicd_polls_total", "Source polls started, all sources.", t.polls);
  counter("syndicd_poll_failures_total", "Source polls that failed, all sources.", t.poll_failures);
  counter("syndicd_articles_added_total", "New articles stored, all sources and pipelines.",
          t.articles_added);
  counter("syndicd_articles_updated_total",
          "Stored articles changed at the source, all sources and pipelines.", t.articles_updated);
  counter("syndicd_articles_filtered_total",
          "Articles dropped by a pipeline's filter, all sources and pipelines.",
          t.articles_filtered);
  counter("syndicd_articles_guessed_total",
          "Articles emitted with a field from a fallback (date, body or lead), all sources.",
          t.articles_guessed);
  counter("syndicd_delivered_total", "Deliveries made, all sinks.", t.delivered);
  counter("syndicd_retries_total", "Delivery attempts that failed and will be retried, all sinks.",
          t.retried);
}

class Writer {
 public:
  explicit Writer(const MetricsInput& in) : in_(in) {}

  std::string text() {
    write_totals(out_, in_.counters->totals());
    if (in_.engine) {
      sources();
      articles();
      sinks();
    }
    http::write_process_metrics(out_, http::sample_process(), SYNDICD_VERSION);
    out_.family("syndicd_metrics_state_read_failures", Type::gauge,
                "Reads of the state file that failed while writing this page; the series they "
                "feed are left out of it.");
    out_.sample("syndicd_metrics_state_read_failures", failures_);
    return out_.text();
  }

 private:
  // A state file read, or nothing when it fails (counted).
  template <class F>
  auto read(F f) -> std::optional<decltype(f())> {
    if (!in_.store) return std::nullopt;
    try {
      return f();
    } catch (const std::exception&) {
      ++failures_;
      return std::nullopt;
    }
  }

  void counter(const char* name, const char* help) { out_.family(name, Type::counter, help); }
  void gauge(const char* name, const char* help) { out_.family(name, Type::gauge, help); }

  void sources() {
    counter("syndicd_source_polls_total", "Polls started.");
    counter("syndicd_source_poll_failures_total",
            "Polls that failed (the source's answer, or the state file refusing its articles).");
    counter("syndicd_source_articles_guessed_total",
            "Articles emitted with a field from a fallback: a guessed date, a body from the "
            "baseline extractor, no lead. A rise means the site's template changed.");
    counter("syndicd_source_fetches_total", "Fetches the source's plugin made that ended.");
    counter("syndicd_source_fetch_bytes_total",
            "Bytes of response bodies handed to the source's plugin (decompressed, decoded).");
    gauge("syndicd_source_last_attempt_timestamp_seconds",
          "When the last poll ended, successful or not, seconds since the epoch; 0: never.");
    gauge("syndicd_source_last_success_timestamp_seconds",
          "When the last successful poll ended, seconds since the epoch; 0: never.");
    gauge("syndicd_source_consecutive_failures", "Polls failed in a row since the last success.");
    for (const auto& name : in_.engine->sources()) {
      const http::Labels labels{{"source", name}};
      const auto found = in_.counters->sources().find(name);
      const SourceCounters c =
          found == in_.counters->sources().end() ? SourceCounters{} : found->second;
      out_.sample("syndicd_source_polls_total", labels, c.polls);
      out_.sample("syndicd_source_poll_failures_total", labels, c.poll_failures);
      out_.sample("syndicd_source_articles_guessed_total", labels, c.articles_guessed);
      out_.sample("syndicd_source_fetches_total", labels, c.fetches);
      out_.sample("syndicd_source_fetch_bytes_total", labels, c.fetch_bytes);
      if (auto st = read([&] { return in_.store->source_state(name); })) {
        out_.sample("syndicd_source_last_attempt_timestamp_seconds", labels,
                    seconds(st->last_poll));
        out_.sample("syndicd_source_last_success_timestamp_seconds", labels,
                    seconds(st->last_success));
        out_.sample("syndicd_source_consecutive_failures", labels,
                    static_cast<int64_t>(st->failures));
      }
    }
  }

  // Per source and pipeline: what the pipeline made of the source's articles.
  void articles() {
    counter("syndicd_source_articles_total",
            "Articles a source emitted, by what a pipeline made of them: new (stored, "
            "deliveries queued), updated (changed at the source), seen (known and unchanged) or "
            "filtered (dropped by a filter).");
    const auto running = in_.engine->sources();
    const std::set<std::string> current(running.begin(), running.end());
    std::set<std::pair<std::string, std::string>> pairs;
    if (in_.config)
      for (const auto& [pipeline, p] : in_.config->pipelines)
        for (const auto& source : p.from)
          if (current.count(source)) pairs.emplace(source, pipeline);
    for (const auto& [key, a] : in_.counters->articles())
      if (current.count(key.first)) pairs.insert(key);
    for (const auto& key : pairs) {
      const auto found = in_.counters->articles().find(key);
      const ArticleCounters a =
          found == in_.counters->articles().end() ? ArticleCounters{} : found->second;
      for (const auto& [outcome, n] :
           {std::pair{"new", a.added}, std::pair{"updated", a.updated}, std::pair{"seen", a.seen},
            std::pair{"filtered", a.filtered}})
        out_.sample("syndicd_source_articles_total",
                    {{"source", key.first}, {"pipeline", key.second}, {"outcome", outcome}}, n);
    }
  }

  void sinks() {
    gauge("syndicd_deliveries", "Deliveries in the state file, by sink and state.");
    counter("syndicd_sink_delivered_total", "Deliveries made.");
    counter("syndicd_sink_retries_total", "Delivery attempts that failed and will be retried.");
    counter("syndicd_sink_dead_total",
            "Deliveries parked as dead (failed for good, out of attempts, or interrupted on a "
            "sink that cannot check what it posted).");
    counter("syndicd_sink_reconciled_total",
            "Deliveries interrupted by a stop that the sink found it had made.");
    gauge("syndicd_sink_paused", "Whether a sink is paused (1) or running (0).");
    gauge("syndicd_sink_paused_until_timestamp_seconds",
          "When a sink's pause ends, seconds since the epoch; 0: not paused.");
    gauge("syndicd_sink_last_delivery_timestamp_seconds",
          "When the sink last delivered, seconds since the epoch; 0: not since the daemon "
          "started.");
    for (const auto& k : in_.engine->sinks()) {
      const http::Labels labels{{"sink", k.name}};
      if (auto c = read([&] { return in_.store->counts(k.name); }))
        for (const auto& [state, n] :
             {std::pair{"pending", c->pending}, std::pair{"in_flight", c->in_flight},
              std::pair{"done", c->done}, std::pair{"dead", c->dead}, std::pair{"held", c->held},
              std::pair{"rejected", c->rejected}})
          out_.sample("syndicd_deliveries", {{"sink", k.name}, {"state", state}}, n);
      const auto found = in_.counters->sinks().find(k.name);
      const SinkCounters s = found == in_.counters->sinks().end() ? SinkCounters{} : found->second;
      out_.sample("syndicd_sink_delivered_total", labels, s.delivered);
      out_.sample("syndicd_sink_retries_total", labels, s.retried);
      out_.sample("syndicd_sink_dead_total", labels, s.dead);
      out_.sample("syndicd_sink_reconciled_total", labels, s.reconciled);
      const bool paused = k.paused_until > in_.now_ms;
      out_.sample("syndicd_sink_paused", labels, uint64_t{paused ? 1u : 0u});
      out_.sample("syndicd_sink_paused_until_timestamp_seconds", labels,
                  paused ? seconds(k.paused_until) : 0.0);
      out_.sample("syndicd_sink_last_delivery_timestamp_seconds", labels, seconds(s.last_delivery));
    }
  }

  const MetricsInput& in_;
  Exposition out_;
  uint64_t failures_ = 0;
};

}  // namespace

std::string engine_metrics_text(const MetricsInput& input) {
  static const Counters none;
  MetricsInput in = input;
  if (!in.counters) in.counters = &none;
  return Writer(in).text();
}

}  // namespace syndicd::runtime
