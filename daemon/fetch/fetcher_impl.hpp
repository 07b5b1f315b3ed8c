// SPDX-License-Identifier: Apache-2.0
// Fetcher::Impl, the engine behind fetch/fetcher.hpp, declared once for the
// files that define it. The class is one object (one curl multi handle, one
// io_context) but its work falls in four parts, each in a file of its own:
//   fetch_request.cpp     a request's URL check and its curl easy handle, with
//                         the per-transfer curl callbacks (body, headers,
//                         address checks at connect time);
//   fetch_schedule.cpp    host politeness (per-host queues, caps, gaps) and
//                         retries with backoff;
//   fetch_completion.cpp  turning a finished transfer into a Response
//                         (classification, Retry-After, validators, charset);
//   fetch_multi_asio.cpp  curl-multi-on-Asio glue: curl's sockets and timer
//                         watched by the io_context.
// fetcher.cpp keeps the public Fetcher and the Impl's lifetime and entry
// points. Private to daemon/fetch/: nothing outside includes this.
#pragma once

#include <curl/curl.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <random>
#include <unordered_map>

#include "fetch/fetcher.hpp"

namespace syndicd::fetch {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Shared by the Impl files.

inline constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

class Fetcher::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, Settings settings, ValidatorStore& store);
  ~Impl();

  const Settings& settings() const { return *settings_; }

  Stats stats() const;
  std::uint64_t fetch(Request request, Callback done);
  bool cancel(std::uint64_t id);
  void shutdown();

 private:
  struct Host {
    explicit Host(asio::io_context& io) : timer(io) {}
    std::string key;
    std::deque<std::uint64_t> queue;
    std::size_t active = 0;
    std::size_t per_host = 2;
    milliseconds delay{0};
    Clock::time_point next_start{};
    asio::steady_timer timer;
    std::size_t refs = 0;  // transfers that point here
    bool timer_armed = false;
    bool in_ready = false;
  };

  enum class State { queued, running, backoff };

  struct Transfer {
    ~Transfer() {
      impl->buffered_ -= body.size();
      if (easy) impl->recycle(easy);
      if (header_list) curl_slist_free_all(header_list);
    }
    std::uint64_t id = 0;
    Request req;
    std::shared_ptr<const Settings> settings;
    Callback done;
    Impl* impl = nullptr;
    Host* host = nullptr;
    std::string host_key;
    std::string curl_url;  // normalised
    bool file = false;
    State state = State::queued;
    CURL* easy = nullptr;
    curl_slist* header_list = nullptr;
    bool sent_conditional = false;
    std::size_t max_body = 0;
    int attempts = 0;
    Clock::time_point created;
    std::unique_ptr<asio::steady_timer> retry_timer;
    // Per attempt.
    std::string body;
    Headers headers;
    std::size_t header_bytes = 0;
    bool too_large = false;
    bool headers_too_large = false;
    bool forbidden = false;
    std::string forbidden_ip;
    char errbuf[CURL_ERROR_SIZE] = {};
  };

  struct Socket {
    explicit Socket(asio::io_context& io) : sd(io) {}
    asio::posix::stream_descriptor sd;
    curl_socket_t fd = CURL_SOCKET_BAD;
    int want = 0;
    bool owned = false;  // opened by on_open(): on_close() tells us when it goes
    bool reading = false;
    bool writing = false;
    bool released = false;
  };

  using TransferMap = std::unordered_map<std::uint64_t, std::unique_ptr<Transfer>>;

  // ---- request preparation and curl handles (fetch_request.cpp) --------

  Error prepare(Transfer& t, std::string& why);
  void recycle(CURL* e);
  CURL* make_easy(Transfer& t);
  static size_t on_write(char* data, size_t size, size_t count, void* user);
  static size_t on_header(char* data, size_t size, size_t count, void* user);
  static curl_socket_t on_open(void* user, curlsocktype purpose, curl_sockaddr* address);
  static int on_close(void* user, curl_socket_t fd);
  static int on_prereq(void* user, char* primary_ip, char*, int, int);

  // ---- host politeness and retries (fetch_schedule.cpp) ----------------

  Host& host_for(const std::string& key, const Settings& s);
  void prune_hosts();
  void make_ready(Host& h);
  void arm_host_timer(Host& h);
  void pump();
  void start(Transfer& t);
  void flush_failed_starts();
  void detach(Transfer& t);
  milliseconds backoff(const Settings& s, int attempt);
  void schedule_retry(Transfer& t, milliseconds delay);

  // ---- completion (fetch_completion.cpp) -------------------------------

  void drain();
  void on_done(CURL* easy, CURLcode rc);
  Response base_response(const Transfer& t, Error error, std::string_view what);
  void finish(TransferMap::iterator it, Error error, CURLcode rc, int status,
              milliseconds retry_after = milliseconds{0});
  std::string take_body(Transfer& t);
  void complete_early(std::unique_ptr<Transfer> t, Error error, std::string_view why);
  void deliver(std::unique_ptr<Transfer> t, Response r);

  // ---- curl multi on Asio (fetch_multi_asio.cpp) -----------------------

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*);
  std::shared_ptr<Socket> watch(curl_socket_t fd, bool owned);
  static int on_timer(CURLM*, long timeout_ms, void* user);
  void arm_timer();
  void arm(const std::shared_ptr<Socket>& s);
  void on_ready(const std::shared_ptr<Socket>& s, int event, const boost::system::error_code& ec);
  void on_timeout();
  void release(Socket& s);
  void forget_socket(curl_socket_t fd);

  asio::io_context& io_;
  std::shared_ptr<const Settings> settings_;
  ValidatorStore& store_;
  ValidatorStore& validators_for(const Request& req) {
    return req.validators ? *req.validators : store_;
  }
  CURLM* multi_ = nullptr;
  asio::steady_timer timer_;
  std::optional<Clock::time_point> deadline_;  // curl's, when it wants one
  bool timer_armed_ = false;
  bool timeout_posted_ = false;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  TransferMap transfers_;
  std::unordered_map<std::string, std::unique_ptr<Host>> hosts_;
  std::deque<Host*> ready_;
  std::vector<std::uint64_t> failed_starts_;
  std::vector<CURL*> easy_pool_;
  std::minstd_rand rng_;
  std::uint64_t next_id_ = 1;
  std::size_t running_ = 0;
  std::size_t queued_ = 0;
  std::size_t waiting_ = 0;
  std::size_t buffered_ = 0;  // sum of Transfer::body sizes
  Stats stats_;
  bool pumping_ = false;
  bool shut_down_ = false;
};

}  // namespace syndicd::fetch
