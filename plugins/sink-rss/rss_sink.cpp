// SPDX-License-Identifier: Apache-2.0
// Sink `rss`: an RSS 2.0 file of the newest articles, also served over HTTP,
// and beside it, when asked for, the same feed as Atom 1.0 and JSON Feed 1.1
// (common/feed_files.hpp says where).
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
#include <syndicd/common/feed_files.hpp>
#include <syndicd/common/url.hpp>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "atom_writer.hpp"
#include "json_feed_writer.hpp"
#include "rss_writer.hpp"
#include "websub_publisher.hpp"

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
  // Not a declared default: a list default would need list syntax in the
  // schema, and an absent key simply keeps this.
  std::vector<std::string> formats = {"rss"};
  std::vector<std::string> hubs;
};

namespace key = syndicd::key;
constexpr syndicd::Options kOptions{
    key::text("title", &Settings::title).required().describe("The channel title."),
    key::url("link", &Settings::link)
        .required()
        .describe("The channel link (the site the feed stands for)."),
    key::text("description", &Settings::description)
        .defaults_to("")
        .describe("The channel description; empty: \"Articles from <title>\" (RSS 2.0 "
                  "requires one, and readers show it)."),
    key::path("path", &Settings::path)
        .required()
        .published()
        .describe("Where the feed file is written (atomically); missing directories are "
                  "created."),
    key::url("self_url", &Settings::self_url)
        .describe("The public URL of the RSS feed, for atom:link rel=self; when it ends in "
                  "\".xml\", the Atom and JSON Feed URLs are the same with \".atom\" and "
                  "\".json\" (their rel=self and feed_url). Unset: no self links (pointing "
                  "them at `link` would name the site, not the feed)."),
    key::list("formats", &Settings::formats)
        .describe("Which feeds to write, any of rss, atom, json (default: [rss]). RSS 2.0 "
                  "goes to `path`, Atom 1.0 and JSON Feed 1.1 beside it with the extension "
                  "\".atom\" and \".json\"; served as /feeds/<sink>.xml, .atom, .json."),
    key::list("hub", &Settings::hubs)
        .describe("WebSub hub URL(s): advertised as rel=hub in every format (`hubs` in JSON "
                  "Feed), and told of each rewrite (POST hub.mode=publish, hub.url=<each feed's "
                  "URL>), retried with backoff. Needs the feeds' URLs: `self_url` ending in "
                  "\".xml\", or daemon.http.public_url."),
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
  static constexpr bool kRenders = true;
  RssSink(syndicd::Host host, const syndicd::Config& config)
      : RssSink(host, kOptions.read(config)) {}

  RssSink(syndicd::Host host, const Settings& settings)
      : Sink(host), path_(settings.path), max_items_(static_cast<size_t>(settings.max_items)) {
    outputs_ = outputs(settings);
    stale_ = stale_files(settings.path, outputs_);
    channel_.title = settings.title;
    channel_.link = settings.link;
    // One place for the fallback, so the three formats agree on it.
    channel_.description =
        settings.description.empty() ? "Articles from " + settings.title : settings.description;
    channel_.self_url = settings.self_url;
    // The other formats' URLs are the RSS one with their own suffix, as the
    // server maps them (common/feed_files.hpp).
    namespace common = syndicd::common;
    const std::string_view rss_suffix = common::feed_format_named("rss")->url_suffix;
    if (settings.self_url.ends_with(rss_suffix)) {
      const std::string base =
          settings.self_url.substr(0, settings.self_url.size() - rss_suffix.size());
      channel_.atom_self_url = base + std::string(common::feed_format_named("atom")->url_suffix);
      channel_.json_feed_url = base + std::string(common::feed_format_named("json")->url_suffix);
    }
    for (size_t i = 0; i < settings.hubs.size(); ++i) {
      if (!syndicd::common::is_http_url(settings.hubs[i]))
        throw syndicd::ConfigError(
            "hub[" + std::to_string(i) + "]",
            "\"" + settings.hubs[i] + "\" is not an http:// or https:// URL");
      channel_.hubs.push_back(settings.hubs[i]);
    }
    if (!channel_.hubs.empty()) {
      // The hub is told which URLs changed: those of the files written.
      std::vector<std::string> topics;
      for (const auto& [format, file] : outputs_) {
        const std::string& url = format->name == "atom"   ? channel_.atom_self_url
                                 : format->name == "json" ? channel_.json_feed_url
                                                          : channel_.self_url;
        if (!url.empty()) topics.push_back(url);
      }
      if (topics.empty())
        throw syndicd::ConfigError("hub",
                                   "a hub must be told the feeds' URLs: set self_url (ending in "
                                   "\".xml\") or daemon.http.public_url");
      publisher_.emplace(host, channel_.hubs, std::move(topics));
    }
    channel_.language = settings.language;
    const int64_t ttl_ms = settings.ttl ? settings.ttl->count() : 0;
    channel_.ttl_minutes = (ttl_ms + 59999) / 60000;
  }

  // The feed as it would read with only this item, in each format written
  // (the item is what the delivery adds), for `syndicd review show`.
  std::string render(const syndicd::Delivery& delivery) override {
    const syndicd::rss::Item item =
        syndicd::rss::item_from_article(delivery.article(), host().now());
    if (item.guid.empty())
      throw syndicd::Error(SYNDICD_ERR_PERMANENT,
                           "article has neither an id nor a url; no guid for it");
    syndicd::rss::Channel channel = channel_;
    channel.last_build_date = host().now();
    std::string out;
    for (const auto& [format, file] : outputs_)
      out += "(" + file + ", as the one item)\n" + render(*format, channel, {item});
    return out;
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
  // One file to write per configured format.
  struct Output {
    const syndicd::common::FeedFormat* format;
    std::string file;
  };
  struct Batch {
    std::vector<Output> outputs;
    std::vector<Waiting> deliveries;
    syndicd::rss::Channel channel;
    std::vector<syndicd::rss::Item> items;
    std::vector<std::string> stale;  // to remove before writing
    std::string error;
    std::vector<std::string> removed;      // log lines, not errors: the
    std::vector<std::string> unremovable;  // feed itself is written
  };

  // The files of the formats not asked for: left from before `formats`
  // lost them, they would still be served under /feeds/ (the server maps
  // every format to its file), frozen at their last write. Never one of the
  // files written now (`path: feed.atom` with `formats: [rss]`).
  static std::vector<std::string> stale_files(const std::string& path,
                                              const std::vector<Output>& written) {
    std::vector<std::string> out;
    for (const auto& format : syndicd::common::kFeedFormats) {
      const std::string file = syndicd::common::feed_file(path, format).string();
      if (std::none_of(written.begin(), written.end(),
                       [&](const Output& o) { return o.format == &format || o.file == file; }))
        out.push_back(file);
    }
    return out;
  }

  // The formats asked for, each once, in the order written; a name that is
  // not a format, or a file that would land on the RSS file, is a config
  // error at its place in the file.
  static std::vector<Output> outputs(const Settings& settings) {
    std::vector<Output> out;
    for (size_t i = 0; i < settings.formats.size(); ++i) {
      const std::string key = "formats[" + std::to_string(i) + "]";
      const auto* format = syndicd::common::feed_format_named(settings.formats[i]);
      if (format == nullptr)
        throw syndicd::ConfigError(
            key, "\"" + settings.formats[i] + "\" is not a feed format (rss, atom or json)");
      if (std::any_of(out.begin(), out.end(), [&](const Output& o) { return o.format == format; }))
        throw syndicd::ConfigError(key, settings.formats[i] + " is listed twice");
      const auto file = syndicd::common::feed_file(settings.path, *format);
      if (format->name != "rss" && file == std::filesystem::path(settings.path))
        throw syndicd::ConfigError("path", "ends in " + std::string(format->url_suffix) + ", the " +
                                               std::string(format->name) +
                                               " feed's own file; give the RSS file "
                                               "another extension (feed.xml)");
      out.push_back({format, file.string()});
    }
    if (out.empty()) throw syndicd::ConfigError("formats", "lists no format; give at least one");
    return out;
  }

  static std::string render(const syndicd::common::FeedFormat& format,
                            const syndicd::rss::Channel& channel,
                            const std::vector<syndicd::rss::Item>& items) {
    if (format.name == "atom") return syndicd::rss::render_atom(channel, items);
    if (format.name == "json") return syndicd::rss::render_json_feed(channel, items);
    return syndicd::rss::render(channel, items);
  }

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
    batch->outputs = outputs_;
    batch->deliveries = std::exchange(waiting_, {});
    batch->channel = channel_;
    batch->channel.last_build_date = host().now();
    batch->items = items_->items();
    // Once per instance, with its first write: a reload that drops a
    // format takes its file away when the feed next changes.
    batch->stale = std::exchange(stale_, {});
    host().run_in_worker(
        [batch] {
          for (const auto& file : batch->stale) {
            std::error_code ec;
            if (std::filesystem::remove(file, ec))
              batch->removed.push_back(file);
            else if (ec)
              batch->unremovable.push_back("cannot remove " + file + ": " + ec.message());
          }
          // Every format, even after one fails: each file is whole on its
          // own, and the delivery is retried until all are written.
          for (const auto& [format, file] : batch->outputs) {
            try {
              syndicd::common::write_file_atomically(
                  file, render(*format, batch->channel, batch->items), "feed");
            } catch (const std::exception& e) {
              if (!batch->error.empty()) batch->error += "; ";
              batch->error += e.what();
            }
          }
        },
        [this, batch] {
          writing_ = false;
          for (const auto& file : batch->removed)
            host().info("removed " + file + ": its format is no longer in `formats`");
          for (const auto& problem : batch->unremovable) host().warning(problem);
          if (!batch->error.empty()) host().warning(batch->error);
          for (const auto& [delivery, guid] : batch->deliveries) {
            if (batch->error.empty())
              delivery.succeed(guid);
            else
              delivery.fail(SYNDICD_ERR_TRANSIENT, batch->error);
          }
          // Once the files are whole: the hub fetches them at once.
          if (batch->error.empty() && publisher_) publisher_->published();
          if (!waiting_.empty()) start_write();
        });
  }

  std::string path_;
  std::vector<Output> outputs_;
  std::vector<std::string> stale_;
  size_t max_items_;
  syndicd::rss::Channel channel_;
  std::optional<syndicd::rss::ItemList> items_;
  std::vector<Waiting> waiting_;
  bool writing_ = false;
  std::optional<syndicd::rss::WebSubPublisher> publisher_;
};

}  // namespace

SYNDICD_SINK(RssSink, "rss", "0.3.0",
             "Writes an RSS 2.0 feed (content:encoded, dc:creator, media:content, enclosure, "
             "atom:link rel=self and rel=hub) of the newest articles to a file, atomically, and "
             "the same feed as Atom 1.0 and JSON Feed 1.1 when `formats` asks. The item list "
             "lives in the sink's state, so a restart loses nothing; delivering an article "
             "again replaces its item.",
             kOptions.fields(), SYNDICD_PLUGIN_IDEMPOTENT)
