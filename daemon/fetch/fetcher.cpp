#include "fetch/fetcher.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <ctime>
#include <deque>
#include <random>
#include <unordered_map>

#include "fetch/address.hpp"
#include "fetch/charset.hpp"

namespace syndicd::fetch {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

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

milliseconds retry_delay(milliseconds base, int attempt, double unit) {
  const double b = static_cast<double>(std::max<std::int64_t>(base.count(), 0));
  double d = b * static_cast<double>(1ull << std::clamp(attempt - 1, 0, 16));
  d = std::min(d, 300000.0);
  const double jitter = 0.5 + 0.5 * std::clamp(unit, 0.0, 1.0);
  return milliseconds{static_cast<std::int64_t>(d * jitter)};
}

const std::string* Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

namespace {

constexpr std::size_t kMaxHeaderBytes = 256 * 1024;

void global_init() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// user:password@ never appears in messages.
std::string redact(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const std::size_t start = scheme + 3;
  const std::size_t end = url.find_first_of("/?#", start);
  const std::size_t at = url.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  return std::string(url.substr(0, start)) + "***" + std::string(url.substr(at));
}

// Retry-After: delta-seconds or an HTTP date.
milliseconds parse_retry_after(const std::string* value) {
  if (value == nullptr) return milliseconds{0};
  const std::string_view v = trim(*value);
  if (v.empty()) return milliseconds{0};
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return milliseconds{std::int64_t{999999999} * 1000};
    return milliseconds{std::stoll(std::string(v)) * 1000};
  }
  const time_t when = curl_getdate(std::string(v).c_str(), nullptr);
  if (when == -1) return milliseconds{0};
  const time_t now = std::time(nullptr);
  return when > now ? milliseconds{(when - now) * 1000} : milliseconds{0};
}

std::string guess_file_type(std::string_view url) {
  std::string path(url.substr(0, url.find_first_of("?#")));
  const std::size_t dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : lower_ascii(path.substr(dot + 1));
  if (ext == "html" || ext == "htm") return "text/html";
  if (ext == "xml") return "application/xml";
  if (ext == "rss") return "application/rss+xml";
  if (ext == "atom") return "application/atom+xml";
  if (ext == "json") return "application/json";
  if (ext == "txt") return "text/plain";
  return "application/octet-stream";
}

bool idempotent(std::string_view method) {
  return method.empty() || method == "GET" || method == "HEAD" || method == "OPTIONS" ||
         method == "PUT" || method == "DELETE";
}

Error classify(CURLcode rc) {
  switch (rc) {
    case CURLE_OK:
      return Error::none;
    case CURLE_URL_MALFORMAT:
      return Error::bad_url;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error::forbidden_scheme;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Error::resolve;
    case CURLE_COULDNT_CONNECT:
      return Error::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return Error::timeout;
    case CURLE_FILESIZE_EXCEEDED:
      return Error::too_large;
    case CURLE_TOO_MANY_REDIRECTS:
      return Error::too_many_redirects;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
      return Error::tls;
    case CURLE_ABORTED_BY_CALLBACK:
      return Error::cancelled;
    case CURLE_FILE_COULDNT_READ_FILE:
    case CURLE_READ_ERROR:
    case CURLE_WRITE_ERROR:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_FAILED_INIT:
      return Error::io;
    default:
      return Error::protocol;
  }
}

// The connection broke or the server did not answer in time: worth another try.
bool transient(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool forbidden_ip_string(const char* ip) {
  if (ip == nullptr || *ip == '\0') return false;
  sockaddr_in v4{};
  if (inet_pton(AF_INET, ip, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return is_forbidden_address(reinterpret_cast<sockaddr*>(&v4), sizeof v4);
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, ip, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return is_forbidden_address(reinterpret_cast<sockaddr*>(&v6), sizeof v6);
  }
  return false;
}

}  // namespace

class Fetcher::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, Settings settings, ValidatorStore& store)
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

  ~Impl() {
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

  const Settings& settings() const { return *settings_; }

  Stats stats() const {
    Stats s = stats_;
    s.queued = queued_;
    s.running = running_;
    s.waiting = waiting_;
    s.buffered = buffered_;
    return s;
  }

  std::uint64_t fetch(Request request, Callback done) {
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

  bool cancel(std::uint64_t id) {
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

  void shutdown() {
    shut_down_ = true;
    std::vector<std::uint64_t> ids;
    ids.reserve(transfers_.size());
    for (const auto& [id, t] : transfers_) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (std::uint64_t id : ids) cancel(id);
    for (auto& [key, host] : hosts_) host->timer.cancel();
    ready_.clear();
  }

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

  // ---- request preparation ---------------------------------------------

  // Checks the scheme and finds the host key (the host name) without a
  // full parse: curl parses the URL once, when the transfer starts, and a
  // URL it finds malformed then fails with Error::bad_url.
  Error prepare(Transfer& t, std::string& why) {
    const std::string_view url = trim(t.req.url);
    std::string& out = t.curl_url;
    out.reserve(url.size() + 8);
    for (char c : url) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F) {
        why = "bad URL: control character";
        return Error::bad_url;
      }
      if (c == ' ') {
        out += "%20";
      } else {
        out += c;
      }
    }
    const std::size_t colon = out.find(':');
    auto scheme_char = [](char c, bool first) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (!first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    };
    bool scheme_ok = colon != std::string::npos && colon > 0;
    for (std::size_t i = 0; scheme_ok && i < colon; ++i) scheme_ok = scheme_char(out[i], i == 0);
    if (!scheme_ok) {
      why = "bad URL: no scheme";
      return Error::bad_url;
    }
    const std::string scheme = lower_ascii(std::string_view(out).substr(0, colon));
    if (scheme != "http" && scheme != "https" && scheme != "file") {
      why = "scheme \"" + scheme + "\" is not allowed (http and https only)";
      return Error::forbidden_scheme;
    }
    if (out.compare(colon, 3, "://") != 0) {
      why = "bad URL: expected \"" + scheme + "://\"";
      return Error::bad_url;
    }
    const std::size_t start = colon + 3;
    const std::size_t end = std::min(out.find_first_of("/?#", start), out.size());
    std::string_view authority = std::string_view(out).substr(start, end - start);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
      const std::size_t close = authority.find(']');
      if (close == std::string_view::npos) {
        why = "bad URL: unterminated IPv6 address";
        return Error::bad_url;
      }
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size()) {
        if (authority[close + 1] != ':') {
          why = "bad URL: junk after IPv6 address";
          return Error::bad_url;
        }
        port = authority.substr(close + 2);
      }
    } else if (const std::size_t pc = authority.rfind(':'); pc != std::string_view::npos) {
      host = authority.substr(0, pc);
      port = authority.substr(pc + 1);
    }
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      why = "bad URL: bad port";
      return Error::bad_url;
    }
    if (scheme == "file") {
      t.file = true;
      t.host_key = "file://";
      if (!t.settings->allow_file) {
        why = "file:// URLs are not allowed for this source";
        return Error::forbidden_scheme;
      }
      return Error::none;
    }
    if (host.empty()) {
      why = "bad URL: no host";
      return Error::bad_url;
    }
    if (!port.empty()) {
      if (const unsigned long n = std::stoul(std::string(port)); n == 0 || n > 65535) {
        why = "bad URL: bad port";
        return Error::bad_url;
      }
    }
    // Politeness is per host name, not per origin: http:// and https://, or
    // two ports, of one host are one server to be polite to. (curl still
    // reuses connections per origin.)
    t.host_key = lower_ascii(host);
    return Error::none;
  }

  Host& host_for(const std::string& key, const Settings& s) {
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

  void prune_hosts() {
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

  // Easy handles are reused (curl_easy_reset() keeps their buffers), which
  // spares an allocation of curl's per-handle state for every fetch.
  void recycle(CURL* e) {
    if (easy_pool_.size() < std::max<std::size_t>(settings_->max_connections, 8)) {
      easy_pool_.push_back(e);
    } else {
      curl_easy_cleanup(e);
    }
  }

  CURL* make_easy(Transfer& t) {
    CURL* e = nullptr;
    if (!easy_pool_.empty()) {
      e = easy_pool_.back();
      easy_pool_.pop_back();
      curl_easy_reset(e);
    } else {
      e = curl_easy_init();
    }
    if (e == nullptr) return nullptr;
    const Settings& s = *t.settings;
    curl_easy_setopt(e, CURLOPT_URL, t.curl_url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, t.file ? "file" : "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, t.file ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(s.max_redirects));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl decodes
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_USERAGENT, s.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_PROXY, s.proxy.c_str());
    const milliseconds timeout = t.req.timeout.value_or(s.timeout);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(s.connect_timeout.count()));
    if (s.low_speed_limit > 0 && s.low_speed_time.count() > 0) {
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, s.low_speed_limit);
      curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(s.low_speed_time.count()));
    }
    // Early refusal when Content-Length already says too much; the write
    // callback enforces the cap on decompressed bytes in every case.
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.max_body));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
    // Connections outlive transfers: the close callback gets the Impl.
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &Impl::on_prereq);
    curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);

    const std::string& m = t.req.method;
    if (m == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (!m.empty() && m != "GET") {
      if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
      if (m == "POST" || m == "PUT" || m == "PATCH" || !t.req.body.empty()) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(t.req.body.size()));
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.req.body.data());
      }
    } else if (!t.req.body.empty()) {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "GET");
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.req.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.req.body.data());
    }

    auto has_header = [&t](std::string_view name) {
      return std::any_of(t.req.headers.begin(), t.req.headers.end(),
                         [&](const auto& h) { return lower_ascii(h.first) == name; });
    };
    auto add = [&t](const std::string& line) {
      curl_slist* next = curl_slist_append(t.header_list, line.c_str());
      if (next) t.header_list = next;
    };
    for (const auto& [name, value] : t.req.headers) {
      add(value.empty() ? name + ";" : name + ": " + value);
    }
    const bool sends_body = (m == "POST" || m == "PUT" || m == "PATCH" || !t.req.body.empty());
    if (sends_body && !has_header("expect")) add("Expect:");  // no 100-continue round trip
    if ((t.req.flags & kConditional) != 0 && !t.file) {
      if (std::optional<Validators> v = validators_for(t.req).get(t.req.url)) {
        if (!v->etag.empty() && !has_header("if-none-match")) {
          add("If-None-Match: " + v->etag);
          t.sent_conditional = true;
        }
        if (!v->last_modified.empty() && !has_header("if-modified-since")) {
          add("If-Modified-Since: " + v->last_modified);
          t.sent_conditional = true;
        }
      }
    }
    if (t.header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list);
    return e;
  }

  // ---- scheduling ------------------------------------------------------

  void make_ready(Host& h) {
    if (h.in_ready || h.queue.empty()) return;
    h.in_ready = true;
    ready_.push_back(&h);
  }

  void arm_host_timer(Host& h) {
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

  void pump() {
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

  void start(Transfer& t) {
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

  void flush_failed_starts() {
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
  void detach(Transfer& t) {
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

  milliseconds backoff(const Settings& s, int attempt) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return retry_delay(s.retry_base, attempt, unit(rng_));
  }

  void schedule_retry(Transfer& t, milliseconds delay) {
    t.state = State::backoff;
    ++waiting_;
    ++stats_.retried;
    if (!t.retry_timer) t.retry_timer = std::make_unique<asio::steady_timer>(io_);
    t.retry_timer->expires_after(delay);
    t.retry_timer->async_wait(
        [w = weak_from_this(), id = t.id](const boost::system::error_code& ec) {
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

  // ---- completion -------------------------------------------------------

  void drain() {
    int pending = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &pending)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* easy = m->easy_handle;
      const CURLcode rc = m->data.result;
      on_done(easy, rc);
    }
    pump();
  }

  void on_done(CURL* easy, CURLcode rc) {
    Transfer* tp = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &tp);
    auto it = tp ? transfers_.find(tp->id) : transfers_.end();
    curl_multi_remove_handle(multi_, easy);
    if (it == transfers_.end()) return;
    Transfer& t = *it->second;
    --t.host->active;
    --running_;
    make_ready(*t.host);

    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    Error error = classify(rc);
    if (t.forbidden) {
      error = Error::forbidden_address;
    } else if (t.too_large || (rc == CURLE_WRITE_ERROR && t.headers_too_large)) {
      error = Error::too_large;
    }
    const Settings& s = *t.settings;
    const auto now = Clock::now();
    milliseconds retry_after{0};
    if (error == Error::none && (status == 429 || status == 503)) {
      for (const auto& [name, value] : t.headers) {
        if (name == "retry-after") {
          retry_after = parse_retry_after(&value);
          break;
        }
      }
      // Slow down for that host whether or not this request is retried.
      const milliseconds pause = std::min(
          retry_after.count() > 0 ? retry_after : backoff(s, t.attempts), s.max_retry_after);
      t.host->next_start = std::max(t.host->next_start, now + pause);
    }
    const bool is_transient =
        (error == Error::connect || error == Error::timeout ||
         (error == Error::protocol && transient(rc))) ||
        (error == Error::none && ((status >= 500 && status <= 599) || status == 429));
    // A request that may have reached the server is repeated only when the
    // method is idempotent; a refused connection or a 429 never did.
    const bool safe = idempotent(t.req.method) || error == Error::connect ||
                      (error == Error::none && status == 429);
    if (is_transient && safe && t.attempts <= s.retries && !shut_down_ &&
        retry_after <= s.max_retry_after) {
      schedule_retry(t, std::max(backoff(s, t.attempts), retry_after));
      return;
    }
    finish(it, error, rc, static_cast<int>(status), retry_after);
  }

  using TransferMap = std::unordered_map<std::uint64_t, std::unique_ptr<Transfer>>;

  Response base_response(const Transfer& t, Error error, std::string_view what) {
    Response r;
    r.error = error;
    r.url = t.req.url;
    r.attempts = t.attempts;
    r.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - t.created);
    if (error != Error::none) {
      r.error_message =
          redact(t.req.url) + ": " + std::string(to_string(error)) + ": " + std::string(what);
      if (t.attempts > 1) r.error_message += " (after " + std::to_string(t.attempts) + " attempts)";
    }
    return r;
  }

  void finish(TransferMap::iterator it, Error error, CURLcode rc, int status,
              milliseconds retry_after = milliseconds{0}) {
    Transfer& t = *it->second;
    std::string what;
    switch (error) {
      case Error::none:
        break;
      case Error::forbidden_address:
        what = "refused to connect to private or reserved address " + t.forbidden_ip;
        break;
      case Error::too_large:
        what = t.headers_too_large
                   ? "response headers larger than " + std::to_string(kMaxHeaderBytes) + " bytes"
                   : "body larger than " + std::to_string(t.max_body) + " bytes";
        break;
      default:
        what = t.errbuf[0] ? std::string(t.errbuf) : std::string(curl_easy_strerror(rc));
    }
    Response r = base_response(t, error, what);
    r.status = status;
    r.retry_after = retry_after;
    char* final_url = nullptr;
    if (t.easy && curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK &&
        final_url != nullptr && error == Error::none) {
      r.url = final_url;
    }
    char* ct = nullptr;
    std::string content_type;
    if (t.easy && curl_easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
      content_type = ct;
    }
    if (t.file && content_type.empty()) content_type = guess_file_type(t.curl_url);
    if (t.file && error == Error::none && status == 0) r.status = 200;  // plugins check 2xx
    r.content_type = media_type(content_type);
    const std::string declared = content_type_charset(content_type);
    r.headers = std::move(t.headers);
    if (error == Error::none) {
      const bool conditional = (t.req.flags & kConditional) != 0;
      if (status == 304 && conditional) {
        r.not_modified = true;
      } else {
        if (conditional && status == 200) {
          Validators v;
          if (const std::string* etag = r.header("etag")) v.etag = *etag;
          if (const std::string* lm = r.header("last-modified")) v.last_modified = *lm;
          validators_for(t.req).put(t.req.url, v);
        }
        std::string body = take_body(t);
        if ((t.req.flags & kRaw) == 0 && is_text_media_type(r.content_type) && !body.empty()) {
          Decoded d = decode_to_utf8(body, declared, t.settings->fallback_charset);
          std::string().swap(body);
          r.body = std::move(d.text);
          r.charset = std::move(d.charset);
        } else {
          r.body = std::move(body);
          r.charset = canonical_charset(declared);
        }
      }
    }
    deliver(std::move(it->second), std::move(r));
    transfers_.erase(it);
  }

  // The body received so far, no longer counted as buffered.
  std::string take_body(Transfer& t) {
    std::string body = std::move(t.body);
    t.body.clear();
    buffered_ -= body.size();
    return body;
  }

  void complete_early(std::unique_ptr<Transfer> t, Error error, std::string_view why) {
    Response r = base_response(*t, error, why);
    deliver(std::move(t), std::move(r));
  }

  void deliver(std::unique_ptr<Transfer> t, Response r) {
    ++stats_.completed;
    if (t->host) --t->host->refs;
    asio::post(io_, [done = std::move(t->done), r = std::move(r)]() mutable {
      if (done) done(std::move(r));
    });
  }

  // ---- curl callbacks ---------------------------------------------------

  static size_t on_write(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->body.size() + n > t->max_body) {
      t->too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    Impl& self = *t->impl;
    self.buffered_ += n;
    self.stats_.peak_buffered = std::max(self.stats_.peak_buffered, self.buffered_);
    return n;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    t->header_bytes += n;
    if (t->header_bytes > kMaxHeaderBytes) {
      t->headers_too_large = true;
      return 0;
    }
    std::string_view line(data, n);
    if (line.substr(0, 5) == "HTTP/") {
      t->headers.clear();  // a new answer (after a redirect or a 1xx)
      return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n;
    t->headers.emplace_back(lower_ascii(trim(line.substr(0, colon))),
                            std::string(trim(line.substr(colon + 1))));
    return n;
  }

  static curl_socket_t on_open(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(user);
    if (purpose != CURLSOCKTYPE_IPCXN) return CURL_SOCKET_BAD;
    const Settings& s = *t->settings;
    if (!s.allow_private && s.proxy.empty() &&
        is_forbidden_address(&address->addr, address->addrlen)) {
      t->forbidden = true;
      t->forbidden_ip = address_to_string(&address->addr, address->addrlen);
      return CURL_SOCKET_BAD;
    }
    const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    // A number curl reuses may still carry state from an internal descriptor
    // that curl closed without telling us: start afresh.
    t->impl->forget_socket(fd);
    t->impl->watch(fd, true);
    return fd;
  }

  static int on_close(void* user, curl_socket_t fd) {
    static_cast<Impl*>(user)->forget_socket(fd);
    return ::close(fd);
  }

  // Runs for new and reused connections alike, before the request is sent.
  static int on_prereq(void* user, char* primary_ip, char*, int, int) {
    auto* t = static_cast<Transfer*>(user);
    const Settings& s = *t->settings;
    if (!s.allow_private && s.proxy.empty() && !t->file && forbidden_ip_string(primary_ip)) {
      t->forbidden = true;
      t->forbidden_ip = primary_ip;
      return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
  }

  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
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
  std::shared_ptr<Socket> watch(curl_socket_t fd, bool owned) {
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

  static int on_timer(CURLM*, long timeout_ms, void* user) {
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
  void arm_timer() {
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

  // ---- Asio side --------------------------------------------------------

  void arm(const std::shared_ptr<Socket>& s) {
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

  void on_ready(const std::shared_ptr<Socket>& s, int event, const boost::system::error_code& ec) {
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

  void on_timeout() {
    int running = 0;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    drain();
  }

  void release(Socket& s) {
    if (s.released) return;
    s.released = true;
    s.want = 0;
    // Cancels the waits and removes the descriptor from epoll without closing it.
    if (s.sd.is_open()) (void)s.sd.release();
  }

  void forget_socket(curl_socket_t fd) {
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    release(*it->second);
    sockets_.erase(it);
  }

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
