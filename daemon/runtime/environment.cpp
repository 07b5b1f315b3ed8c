#include "runtime/environment.hpp"

namespace syndicd::runtime {
namespace {

// TODO(fetch settings): replaced by fetch::settings_from_config once it lands.
fetch::Settings settings_from_config(const config::ConfigValues& daemon,
                                     const config::ConfigValues* source) {
  auto pick = [&](const char* key) -> const config::ConfigValues& {
    const std::string path = std::string("fetch.") + key;
    return source != nullptr && source->is_set(path) ? *source : daemon;
  };
  auto integer = [&](const char* key) { return pick(key).integer(std::string("fetch.") + key); };
  fetch::Settings s;
  s.user_agent = std::string(pick("user_agent").string("fetch.user_agent"));
  s.max_connections = static_cast<size_t>(integer("max_connections"));
  s.per_host = static_cast<size_t>(integer("per_host"));
  s.delay = std::chrono::milliseconds(integer("delay"));
  s.timeout = std::chrono::milliseconds(integer("timeout"));
  s.connect_timeout = std::chrono::milliseconds(integer("connect_timeout"));
  s.low_speed_limit = static_cast<long>(integer("low_speed_limit"));
  s.low_speed_time = std::chrono::seconds(integer("low_speed_time") / 1000);
  s.max_body = static_cast<size_t>(integer("max_body"));
  s.max_redirects = static_cast<int>(integer("max_redirects"));
  s.retries = static_cast<int>(integer("retries"));
  s.retry_base = std::chrono::milliseconds(integer("retry_base"));
  s.allow_private = integer("allow_private") != 0;
  s.proxy = std::string(pick("proxy").string("fetch.proxy"));
  return s;
}

}  // namespace

Environment::Environment(int threads)
    : fetcher_(std::make_unique<fetch::Fetcher>(io_, fetch::Settings{}, validators_)),
      fetch_service_(std::make_unique<plugin_host::FetcherService>(*fetcher_)),
      workers_(static_cast<size_t>(threads > 0 ? threads : 1)) {}

Environment::~Environment() {
  fetcher_->shutdown();
  // Cancelled fetches complete on the loop; let them, then stop the pool.
  io_.restart();
  io_.poll();
  workers_.join();
}

plugin_host::Services Environment::services() {
  plugin_host::Services s;
  s.io = &io_;
  s.fetch = fetch_service_.get();
  s.state = &state_;
  s.workers = &workers_;
  return s;
}

void Environment::configure_sources(const config::Config& config) {
  for (const auto& [name, section] : config.sources) {
    fetch::Settings settings = settings_from_config(*config.daemon.values, section.host.get());
    const auto* url = section.body.find("url");
    settings.allow_file =
        url != nullptr && url->value.is_scalar() && url->value.scalar.starts_with("file://");
    fetch_service_->set_settings(name, std::move(settings));
  }
}

}  // namespace syndicd::runtime
