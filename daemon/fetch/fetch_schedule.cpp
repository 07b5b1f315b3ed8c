// SPDX-License-Identifier: Apache-2.0
// Host politeness and retries: a queue per host name with its own cap and
// minimum gap between starts, the global cap on transfers in flight, the
// pump that starts what may start, and retries after a backoff with jitter
// (retry_delay(), declared in fetcher.hpp for tests).
#include "fetch/fetcher_impl.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace syndicd::fetch {

milliseconds retry_delay(milliseconds base, int attempt, double unit) {
  const double b = static_cast<double>(std::max<std::int64_t>(base.count(), 0));
  double d = b * static_cast<double>(1ull << std::clamp(attempt - 1, 0, 16));
  d = std::min(d, 300000.0);
  const double jitter = 0.5 + 0.5 * std::clamp(unit, 0.0, 1.0);
  return milliseconds{static_cast<std::int64_t>(d * jitter)};
}

Fetcher::Impl::Host& Fetcher::Impl::host_for(const std::string& key, const Settings& s) {
  auto it = hosts_.find(key);
  if (it == hosts_.end()) {
    if (hosts_.size() >= 1024) prune_hosts();
    auto host = std::make_unique<Host>(io_);
    host->key = key;
    it = hosts_.emplace(key, std::move(host)).first;
  }
  Host& h = *it->second;
  if (h.refs == 0) {
    // The first request queued for an idle host sets its politeness.
    const bool file = key == "file://";
    h.per_host = file ? std::max<std::size_t>(settings_->max_connections, 1)
                      : std::max<std::size_t>(s.per_host, 1);
    h.delay = file ? milliseconds{0} : s.delay;
  }
  return h;
}

void Fetcher::Impl::prune_hosts() {
  const auto now = Clock::now();
  for (auto it = hosts_.begin(); it != hosts_.end();) {
    Host& h = *it->second;
    if (h.refs == 0 && !h.timer_armed && !h.in_ready && h.next_start <= now) {
      it = hosts_.erase(it);
    } else {
      ++it;
    }
  }
}

void Fetcher::Impl::make_ready(Host& h) {
  if (h.in_ready || h.queue.empty()) return;
  h.in_ready = true;
  ready_.push_back(&h);
}

void Fetcher::Impl::arm_host_timer(Host& h) {
  if (h.timer_armed) return;
  h.timer_armed = true;
  h.timer.expires_at(h.next_start);
  h.timer.async_wait([w = weak_from_this(), hp = &h](const boost::system::error_code& ec) {
    auto self = w.lock();
    if (!self) return;
    hp->timer_armed = false;
    if (ec || self->shut_down_) return;
    self->make_ready(*hp);
    self->pump();
  });
}

void Fetcher::Impl::pump() {
  if (pumping_ || shut_down_) return;
  pumping_ = true;
  const auto now = Clock::now();
  while (running_ < std::max<std::size_t>(settings_->max_connections, 1) && !ready_.empty()) {
    Host& h = *ready_.front();
    ready_.pop_front();
    h.in_ready = false;
    if (h.queue.empty() || h.active >= h.per_host) continue;  // completion re-adds it
    if (now < h.next_start) {
      arm_host_timer(h);
      continue;
    }
    const std::uint64_t id = h.queue.front();
    h.queue.pop_front();
    --queued_;
    h.next_start = now + h.delay;
    start(*transfers_.at(id));
    if (!h.queue.empty() && h.active < h.per_host) {
      if (h.delay.count() > 0) {
        arm_host_timer(h);
      } else {
        make_ready(h);
      }
    }
  }
  pumping_ = false;
}

void Fetcher::Impl::start(Transfer& t) {
  t.state = State::running;
  ++t.attempts;
  ++stats_.started;
  (void)take_body(t);  // a retry starts afresh
  t.headers.clear();
  t.header_bytes = 0;
  t.too_large = t.headers_too_large = t.forbidden = false;
  t.errbuf[0] = '\0';
  ++t.host->active;
  ++running_;
  if (t.easy == nullptr) t.easy = make_easy(t);
  CURLMcode mc = t.easy ? curl_multi_add_handle(multi_, t.easy) : CURLM_OUT_OF_MEMORY;
  if (mc != CURLM_OK) {
    // Report it from the loop like any completion.
    failed_starts_.push_back(t.id);
    asio::post(io_, [w = weak_from_this()] {
      if (auto self = w.lock()) self->flush_failed_starts();
    });
  }
}

void Fetcher::Impl::flush_failed_starts() {
  auto ids = std::move(failed_starts_);
  failed_starts_.clear();
  for (std::uint64_t id : ids) {
    auto it = transfers_.find(id);
    if (it == transfers_.end() || it->second->state != State::running) continue;
    Transfer& t = *it->second;
    --t.host->active;
    --running_;
    make_ready(*t.host);
    std::snprintf(t.errbuf, sizeof t.errbuf, "could not start the transfer");
    finish(it, Error::io, CURLE_FAILED_INIT, 0);
  }
  pump();
}

// Take a transfer out of whatever it is waiting in.
void Fetcher::Impl::detach(Transfer& t) {
  switch (t.state) {
    case State::queued: {
      auto& q = t.host->queue;
      auto it = std::find(q.begin(), q.end(), t.id);
      if (it != q.end()) {
        q.erase(it);
        --queued_;
      }
      break;
    }
    case State::running:
      if (t.easy) curl_multi_remove_handle(multi_, t.easy);
      --t.host->active;
      --running_;
      make_ready(*t.host);
      break;
    case State::backoff:
      if (t.retry_timer) t.retry_timer->cancel();
      --waiting_;
      break;
  }
}

milliseconds Fetcher::Impl::backoff(const Settings& s, int attempt) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return retry_delay(s.retry_base, attempt, unit(rng_));
}

void Fetcher::Impl::schedule_retry(Transfer& t, milliseconds delay) {
  t.state = State::backoff;
  ++waiting_;
  ++stats_.retried;
  if (!t.retry_timer) t.retry_timer = std::make_unique<asio::steady_timer>(io_);
  t.retry_timer->expires_after(delay);
  t.retry_timer->async_wait([w = weak_from_this(), id = t.id](const boost::system::error_code& ec) {
    if (ec) return;
    auto self = w.lock();
    if (!self || self->shut_down_) return;
    auto it = self->transfers_.find(id);
    if (it == self->transfers_.end() || it->second->state != State::backoff) return;
    Transfer& tr = *it->second;
    --self->waiting_;
    tr.state = State::queued;
    tr.host->queue.push_front(id);
    ++self->queued_;
    self->make_ready(*tr.host);
    self->pump();
  });
}

}  // namespace syndicd::fetch
