// SPDX-License-Identifier: Apache-2.0
// A finished transfer becomes a Response: curl's result classified into an
// Error, Retry-After honoured (slowing the host), transient failures sent
// back for a retry, validators stored after a 200 and a 304 reported as not
// modified, the body decoded to UTF-8; then the callback is posted.
#include "fetch/fetcher_impl.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <ctime>

#include "fetch/charset.hpp"

namespace syndicd::fetch {

namespace {

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

}  // namespace

void Fetcher::Impl::drain() {
  int pending = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &pending)) {
    if (m->msg != CURLMSG_DONE) continue;
    CURL* easy = m->easy_handle;
    const CURLcode rc = m->data.result;
    on_done(easy, rc);
  }
  pump();
}

void Fetcher::Impl::on_done(CURL* easy, CURLcode rc) {
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
    const milliseconds pause =
        std::min(retry_after.count() > 0 ? retry_after : backoff(s, t.attempts), s.max_retry_after);
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

Response Fetcher::Impl::base_response(const Transfer& t, Error error, std::string_view what) {
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

void Fetcher::Impl::finish(TransferMap::iterator it, Error error, CURLcode rc, int status,
                           milliseconds retry_after) {
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
std::string Fetcher::Impl::take_body(Transfer& t) {
  std::string body = std::move(t.body);
  t.body.clear();
  buffered_ -= body.size();
  return body;
}

void Fetcher::Impl::complete_early(std::unique_ptr<Transfer> t, Error error, std::string_view why) {
  Response r = base_response(*t, error, why);
  deliver(std::move(t), std::move(r));
}

void Fetcher::Impl::deliver(std::unique_ptr<Transfer> t, Response r) {
  ++stats_.completed;
  if (t->host) --t->host->refs;
  asio::post(io_, [done = std::move(t->done), r = std::move(r)]() mutable {
    if (done) done(std::move(r));
  });
}

}  // namespace syndicd::fetch
