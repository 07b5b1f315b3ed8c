// SPDX-License-Identifier: Apache-2.0
// curl-multi-on-Asio glue: curl says which sockets to watch and when its
// timeout falls (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION); the io_context
// watches them with stream descriptors and one steady_timer, and hands
// readiness back to curl_multi_socket_action(). No polling loop.
#include "fetch/fetcher_impl.hpp"

#include <boost/asio/post.hpp>

namespace syndicd::fetch {

int Fetcher::Impl::on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
  auto* self = static_cast<Impl*>(user);
  if (what == CURL_POLL_REMOVE) {
    auto it = self->sockets_.find(fd);
    if (it == self->sockets_.end()) return 0;
    if (it->second->owned) {
      // An idle connection in curl's cache: stay registered with epoll
      // (no re-registration per transfer), just stop listening. on_close()
      // releases it when curl closes it.
      it->second->want = 0;
    } else {
      // curl's internal descriptors (e.g. the resolver's socketpair) may be
      // closed behind our back: let go now.
      self->forget_socket(fd);
    }
    return 0;
  }
  std::shared_ptr<Socket> state = self->watch(fd, false);
  if (!state) return -1;
  state->want = what;
  self->arm(state);
  return 0;
}

// The state for `fd`, registered with Asio (created if new).
std::shared_ptr<Fetcher::Impl::Socket> Fetcher::Impl::watch(curl_socket_t fd, bool owned) {
  std::shared_ptr<Socket>& slot = sockets_[fd];
  if (!slot) {
    auto state = std::make_shared<Socket>(io_);
    boost::system::error_code ec;
    state->sd.assign(fd, ec);
    if (ec) {
      sockets_.erase(fd);
      return nullptr;
    }
    state->fd = fd;
    state->owned = owned;
    slot = std::move(state);
  }
  return slot;
}

int Fetcher::Impl::on_timer(CURLM*, long timeout_ms, void* user) {
  auto* self = static_cast<Impl*>(user);
  if (timeout_ms < 0) {
    // Nothing left to time: let the loop go idle (io_context::run() returns).
    self->deadline_.reset();
    if (self->timer_armed_) {
      self->timer_armed_ = false;
      self->timer_.cancel();
    }
    return 0;
  }
  if (timeout_ms == 0) {
    // Never act inside the callback: curl is in the middle of something.
    self->deadline_.reset();
    if (!self->timeout_posted_) {
      self->timeout_posted_ = true;
      asio::post(self->io_, [w = self->weak_from_this()] {
        if (auto s = w.lock()) {
          s->timeout_posted_ = false;
          s->on_timeout();
        }
      });
    }
    return 0;
  }
  self->deadline_ = Clock::now() + milliseconds{timeout_ms};
  self->arm_timer();
  return 0;
}

// curl moves its deadline on almost every call; the Asio timer is only
// re-armed when the deadline comes earlier than the pending wait (a later
// one is picked up when the wait fires), which spares a timerfd update.
void Fetcher::Impl::arm_timer() {
  if (!deadline_) return;
  if (timer_armed_ && timer_.expiry() <= *deadline_) return;
  timer_.expires_at(*deadline_);  // cancels a pending wait
  timer_armed_ = true;
  timer_.async_wait([w = weak_from_this()](const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    auto s = w.lock();
    if (!s) return;
    s->timer_armed_ = false;
    if (!s->deadline_) return;
    if (*s->deadline_ > Clock::now()) {
      s->arm_timer();
      return;
    }
    s->deadline_.reset();
    s->on_timeout();
  });
}

void Fetcher::Impl::arm(const std::shared_ptr<Socket>& s) {
  if ((s->want & CURL_POLL_IN) && !s->reading) {
    s->reading = true;
    s->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                     [w = weak_from_this(), s](const boost::system::error_code& ec) {
                       s->reading = false;
                       if (auto self = w.lock()) self->on_ready(s, CURL_CSELECT_IN, ec);
                     });
  }
  if ((s->want & CURL_POLL_OUT) && !s->writing) {
    s->writing = true;
    s->sd.async_wait(asio::posix::stream_descriptor::wait_write,
                     [w = weak_from_this(), s](const boost::system::error_code& ec) {
                       s->writing = false;
                       if (auto self = w.lock()) self->on_ready(s, CURL_CSELECT_OUT, ec);
                     });
  }
}

void Fetcher::Impl::on_ready(const std::shared_ptr<Socket>& s, int event,
                             const boost::system::error_code& ec) {
  if (s->released || ec == asio::error::operation_aborted) return;
  if (ec) {
    event = CURL_CSELECT_ERR;
  } else if ((s->want & (event == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT)) == 0) {
    return;  // no longer wanted
  }
  int running = 0;
  curl_multi_socket_action(multi_, s->fd, event, &running);
  drain();
  if (!s->released) arm(s);
}

void Fetcher::Impl::on_timeout() {
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  drain();
}

void Fetcher::Impl::release(Socket& s) {
  if (s.released) return;
  s.released = true;
  s.want = 0;
  // Cancels the waits and removes the descriptor from epoll without closing it.
  if (s.sd.is_open()) (void)s.sd.release();
}

void Fetcher::Impl::forget_socket(curl_socket_t fd) {
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  release(*it->second);
  sockets_.erase(it);
}

}  // namespace syndicd::fetch
