// Sink `rss`: an RSS 2.0 file of the newest articles, also served over HTTP.
//
// Each delivery upserts one item into a list kept in the instance's host
// state (SQLite in the daemon), so a restart loses nothing and the file can
// always be rebuilt from the list; then the whole feed is rendered and
// written atomically. Delivering the same article twice replaces its item
// (same guid), which is why the plugin declares itself idempotent: after a
// crash an in_flight delivery is simply retried.
//
// Rendering and the file write (fsync) run on the host's worker pool, never
// on the loop. Writes of one instance never overlap: deliveries that arrive
// while a write is running wait and share the next write, so the file on
// disk only ever moves forward.
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rss_writer.hpp"

namespace {

// The section, one declaration per key (syndicd/options.hpp).
struct Settings {
  std::string title;
  std::string link;
  std::string description;
  std::string path;
  std::string self_url;
  int64_t max_items = 0;
  std::string language;
  std::optional<std::chrono::milliseconds> ttl;
};

namespace key = syndicd::key;
constexpr syndicd::Options kOptions{
    key::text("title", &Settings::title).required().describe("The channel title."),
    key::url("link", &Settings::link)
        .required()
        .describe("The channel link (the site the feed stands for)."),
    key::text("description", &Settings::description)
        .defaults_to("")
        .describe("The channel description."),
    key::path("path", &Settings::path)
        .required()
        .published()
        .describe("Where the feed file is written (atomically); missing directories are "
                  "created."),
    key::url("self_url", &Settings::self_url)
        .describe("The public URL of the feed, for atom:link rel=self; when unset the "
                  "feed has no atom:link (pointing it at `link` would name the site, not "
                  "the feed)."),
    key::integer("max_items", &Settings::max_items)
        .defaults_to("50")
        .range(1, 10000)
        .describe("Keep the newest this many articles in the feed (by published date)."),
    key::text("language", &Settings::language).defaults_to("vi").describe("The channel language."),
    key::duration("ttl", &Settings::ttl)
        .range(0, 7LL * 24 * 3600 * 1000)
        .describe("How long readers may cache the feed (<ttl>, rounded up to whole "
                  "minutes); unset: no <ttl>."),
};

// The host state key holding the item list (JSON, see ItemList::to_json).
constexpr std::string_view kItemsKey = "items";

class RssSink final : public syndicd::Sink {
 public:
  RssSink(syndicd::Host host, const syndicd::Config& config)
      : RssSink(host, kOptions.read(config)) {}

  RssSink(syndicd::Host host, const Settings& settings)
      : Sink(host), path_(settings.path), max_items_(static_cast<size_t>(settings.max_items)) {
    channel_.title = settings.title;
    channel_.link = settings.link;
    channel_.description = settings.description;
    channel_.self_url = settings.self_url;
    channel_.language = settings.language;
    const int64_t ttl_ms = settings.ttl ? settings.ttl->count() : 0;
    channel_.ttl_minutes = (ttl_ms + 59999) / 60000;
  }

  void deliver(syndicd::Delivery delivery) override {
    syndicd::rss::ItemList& items = loaded_items();
    syndicd::rss::Item item = syndicd::rss::item_from_article(delivery.article(), host().now());
    if (item.guid.empty()) {
      delivery.fail(SYNDICD_ERR_PERMANENT, "article has neither an id nor a url; no guid for it");
      return;
    }
    std::string guid = item.guid;
    syndicd::rss::ItemList next = items;
    if (!next.upsert(std::move(item), delivery.previous_external_id()))
      host().debug("article " + guid + " is older than the newest " + std::to_string(max_items_) +
                   " items; not in the feed");
    // The list first: once it is saved the item is in every later render,
    // even if this write fails for good.
    if (!host().state_put(kItemsKey, next.to_json())) {
      delivery.fail(SYNDICD_ERR_TRANSIENT, "cannot save the item list of feed " + path_);
      return;
    }
    items = std::move(next);
    waiting_.push_back({std::move(delivery), std::move(guid)});
    if (!writing_) start_write();
  }

 private:
  struct Waiting {
    syndicd::Delivery delivery;
    std::string guid;
  };
  struct Batch {
    std::vector<Waiting> deliveries;
    syndicd::rss::Channel channel;
    std::vector<syndicd::rss::Item> items;
    std::string error;
  };

  // Read lazily: create() must not do I/O, and the state is only needed
  // once something is delivered.
  syndicd::rss::ItemList& loaded_items() {
    if (!items_) {
      const auto stored = host().state_get(kItemsKey);
      items_.emplace(max_items_);
      if (stored) {
        try {
          items_ = syndicd::rss::ItemList::from_json(*stored, max_items_);
        } catch (const std::exception& e) {
          // Refusing every delivery forever would help nobody; the feed
          // restarts from the articles delivered from now on.
          host().error(std::string(e.what()) + "; feed " + path_ + " starts a new item list");
        }
      }
    }
    return *items_;
  }

  void start_write() {
    writing_ = true;
    auto batch = std::make_shared<Batch>();
    batch->deliveries = std::exchange(waiting_, {});
    batch->channel = channel_;
    batch->channel.last_build_date = host().now();
    batch->items = items_->items();
    host().run_in_worker(
        [batch, path = path_] {
          try {
            syndicd::common::write_file_atomically(
                path, syndicd::rss::render(batch->channel, batch->items), "feed");
          } catch (const std::exception& e) {
            batch->error = e.what();
          }
        },
        [this, batch] {
          writing_ = false;
          if (!batch->error.empty()) host().warning(batch->error);
          for (const auto& [delivery, guid] : batch->deliveries) {
            if (batch->error.empty())
              delivery.succeed(guid);
            else
              delivery.fail(SYNDICD_ERR_TRANSIENT, batch->error);
          }
          if (!waiting_.empty()) start_write();
        });
  }

  std::string path_;
  size_t max_items_;
  syndicd::rss::Channel channel_;
  std::optional<syndicd::rss::ItemList> items_;
  std::vector<Waiting> waiting_;
  bool writing_ = false;
};

}  // namespace

SYNDICD_SINK(RssSink, "rss", "0.2.0",
             "Writes an RSS 2.0 feed (content:encoded, dc:creator, media:content, enclosure, "
             "atom:link rel=self) of the newest articles to a file, atomically. The item list "
             "lives in the sink's state, so a restart loses nothing; delivering an article "
             "again replaces its item.",
             kOptions.fields(), SYNDICD_PLUGIN_IDEMPOTENT)
