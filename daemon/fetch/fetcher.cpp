// SPDX-License-Identifier: Apache-2.0
// The public Fetcher (fetch/fetcher.hpp) and its engine's lifetime and entry
// points: taking a request in, cancelling, shutting down. The rest of
// Fetcher::Impl is declared in fetcher_impl.hpp and defined beside it.
#include "fetch/fetcher_impl.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace syndicd::fetch {

namespace {

void global_init() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

}  // namespace

std::string_view to_string(Error error) {
  switch (error) {
    case Error::none:
      return "none";
    case Error::bad_url:
      return "bad_url";
    case Error::forbidden_scheme:
      return "forbidden_scheme";
    case Error::forbidden_address:
      return "forbidden_address";
    case Error::resolve:
      return "resolve";
    case Error::connect:
      return "connect";
    case Error::timeout:
      return "timeout";
    case Error::too_large:
      return "too_large";
    case Error::too_many_redirects:
      return "too_many_redirects";
    case Error::tls:
      return "tls";
    case Error::protocol:
      return "protocol";
    case Error::cancelled:
      return "cancelled";
    case Error::io:
      return "io";
  }
  return "io";
}

const std::string* Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

Fetcher::Impl::Impl(asio::io_context& io, Settings settings, ValidatorStore& store)
    : io_(io),
      settings_(std::make_shared<const Settings>(std::move(settings))),
      store_(store),
      timer_(io),
      rng_(std::random_device{}()) {
  global_init();
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Idle connections kept for reuse (HTTP/1.1 keep-alive).
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(std::max<std::size_t>(settings_->max_connections, 8)));
}

Fetcher::Impl::~Impl() {
  shutdown();
  transfers_.clear();
  for (CURL* e : easy_pool_) curl_easy_cleanup(e);
  easy_pool_.clear();
  // Closing the cached connections calls on_close(), which releases the
  // descriptors from Asio; anything left is released here, never closed
  // by Asio (the descriptors belong to curl).
  curl_multi_cleanup(multi_);
  for (auto& [fd, state] : sockets_) release(*state);
  sockets_.clear();
}

Fetcher::Stats Fetcher::Impl::stats() const {
  Stats s = stats_;
  s.queued = queued_;
  s.running = running_;
  s.waiting = waiting_;
  s.buffered = buffered_;
  return s;
}

std::uint64_t Fetcher::Impl::fetch(Request request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->id = next_id_++;
  t->created = Clock::now();
  t->settings = request.settings ? request.settings : settings_;
  t->req = std::move(request);
  t->done = std::move(done);
  t->impl = this;
  t->max_body = t->req.max_body.value_or(t->settings->max_body);
  const std::uint64_t id = t->id;

  if (shut_down_) {
    complete_early(std::move(t), Error::cancelled, "the fetcher is shut down");
    return id;
  }
  std::string why;
  const Error error = prepare(*t, why);
  if (error != Error::none) {
    complete_early(std::move(t), error, why);
    return id;
  }
  Host& host = host_for(t->host_key, *t->settings);
  t->host = &host;
  ++host.refs;
  host.queue.push_back(id);
  ++queued_;
  transfers_.emplace(id, std::move(t));
  make_ready(host);
  pump();
  return id;
}

bool Fetcher::Impl::cancel(std::uint64_t id) {
  auto it = transfers_.find(id);
  if (it == transfers_.end()) return false;
  Transfer& t = *it->second;
  detach(t);
  Response r = base_response(t, Error::cancelled, "cancelled");
  deliver(std::move(it->second), std::move(r));
  transfers_.erase(it);
  pump();
  return true;
}

void Fetcher::Impl::shutdown() {
  shut_down_ = true;
  std::vector<std::uint64_t> ids;
  ids.reserve(transfers_.size());
  for (const auto& [id, t] : transfers_) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (std::uint64_t id : ids) cancel(id);
  for (auto& [key, host] : hosts_) host->timer.cancel();
  ready_.clear();
}

Fetcher::Fetcher(asio::io_context& io, Settings settings, ValidatorStore& validators)
    : impl_(std::make_shared<Impl>(io, std::move(settings), validators)) {}

Fetcher::~Fetcher() {
  impl_.reset();
}

std::uint64_t Fetcher::fetch(Request request, Callback done) {
  return impl_->fetch(std::move(request), std::move(done));
}

bool Fetcher::cancel(std::uint64_t id) {
  return impl_->cancel(id);
}

void Fetcher::shutdown() {
  impl_->shutdown();
}

const Settings& Fetcher::settings() const {
  return impl_->settings();
}

Fetcher::Stats Fetcher::stats() const {
  return impl_->stats();
}

}  // namespace syndicd::fetch
