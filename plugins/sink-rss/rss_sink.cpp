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
#include <syndicd/plugin.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rss_writer.hpp"

namespace {

constexpr syndicd_field kSchema[] = {
    {.name = "title",
     .type = SYNDICD_TYPE_STRING,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "The channel title."},
    {.name = "link",
     .type = SYNDICD_TYPE_URL,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "The channel link (the site the feed stands for)."},
    {.name = "description",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "",
     .description = "The channel description."},
    {.name = "path",
     .type = SYNDICD_TYPE_PATH,
     .flags = SYNDICD_FIELD_REQUIRED,
     .description = "Where the feed file is written (atomically); missing directories are "
                    "created."},
    {.name = "self_url",
     .type = SYNDICD_TYPE_URL,
     .description = "The public URL of the feed, for atom:link rel=self; when unset the "
                    "feed has no atom:link (pointing it at `link` would name the site, not "
                    "the feed)."},
    {.name = "max_items",
     .type = SYNDICD_TYPE_INT,
     .default_value = "50",
     .description = "Keep the newest this many articles in the feed (by published date).",
     .min = 1,
     .max = 10000},
    {.name = "language",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "vi",
     .description = "The channel language."},
    {.name = "ttl",
     .type = SYNDICD_TYPE_DURATION,
     .description = "How long readers may cache the feed (<ttl>, rounded up to whole "
                    "minutes); unset: no <ttl>.",
     .min = 0,
     .max = 7LL * 24 * 3600 * 1000},
    {},
};

// The host state key holding the item list (JSON, see ItemList::to_json).
constexpr std::string_view kItemsKey = "items";

class RssSink final : public syndicd::Sink {
 public:
  RssSink(syndicd::Host host, const syndicd::Config& config)
      : Sink(host),
        path_(config.string("path")),
        max_items_(static_cast<size_t>(config.integer("max_items"))) {
    channel_.title = config.string("title");
    channel_.link = config.string("link");
    channel_.description = config.string("description");
    channel_.self_url = config.string("self_url");
    channel_.language = config.string("language");
    const int64_t ttl_ms = config.has("ttl") ? config.integer("ttl") : 0;
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
            syndicd::rss::write_file_atomically(path,
                                                syndicd::rss::render(batch->channel, batch->items));
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
             kSchema, SYNDICD_PLUGIN_IDEMPOTENT)
