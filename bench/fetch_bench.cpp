// SPDX-License-Identifier: Apache-2.0
// fetch_bench: N small pages over loopback with K in flight, through
// syndicd's Fetcher and through a bare curl_multi_poll loop doing the same
// transfers (same curl options and limits, easy handles reused through
// curl_easy_reset() as the Fetcher does, headers and body collected), in the
// same run. The fixture server runs in a child process so
// its CPU is not counted; CPU is getrusage(RUSAGE_SELF) user+system.
//
//   fetch_bench [--pages N] [--inflight K] [--rounds R] [--bytes B] [--only 0|1|2]
#include <curl/curl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "fetch/fetcher.hpp"
#include "fixture_server.hpp"

namespace fetch = syndicd::fetch;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  int pages = 2000;
  int inflight = 64;
  int rounds = 5;
  std::size_t bytes = 2048;
  int only = -1;  // run one variant (for profiling): 0 bare, 1 raw, 2 nfc
};

struct Sample {
  double wall = 0;  // seconds
  double cpu = 0;   // seconds, user + system of this process
  int ok = 0;
};

double cpu_now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

template <typename F>
Sample measure(F&& run) {
  const double c0 = cpu_now();
  const auto t0 = Clock::now();
  Sample s;
  s.ok = run();
  s.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  s.cpu = cpu_now() - c0;
  return s;
}

// A small news-like page with Vietnamese text (so the Fetcher's charset and
// NFC work is part of what is measured).
std::string page(std::size_t bytes) {
  std::string p =
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<title>Tin tức Thái Nguyên</title></head><body><article>";
  while (p.size() + 40 < bytes) p += "<p>Người dân Thái Nguyên đón Tết.</p>";
  p += "</article></body></html>";
  return p;
}

// ---- server child -----------------------------------------------------------

pid_t start_server(const Options& o, int& port, int& keepalive_fd) {
  int ports[2];
  int life[2];
  if (pipe(ports) != 0 || pipe(life) != 0) std::exit(2);
  const pid_t pid = fork();
  if (pid < 0) std::exit(2);
  if (pid == 0) {
    close(ports[0]);
    close(life[1]);
    {
      syndicd::testing::FixtureServer server;
      server.set_prefix(
          "/p/", syndicd::testing::FixtureServer::text(page(o.bytes), "text/html; charset=utf-8"));
      const int p = server.port();
      if (write(ports[1], &p, sizeof p) != static_cast<ssize_t>(sizeof p)) _exit(2);
      close(ports[1]);
      char c;
      while (read(life[0], &c, 1) > 0) {
      }
    }
    _exit(0);
  }
  close(ports[1]);
  close(life[0]);
  if (read(ports[0], &port, sizeof port) != static_cast<ssize_t>(sizeof port)) std::exit(2);
  close(ports[0]);
  keepalive_fd = life[1];
  return pid;
}

// ---- bare curl_multi_poll loop --------------------------------------------------

struct BareTransfer {
  char errbuf[CURL_ERROR_SIZE] = {};
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

size_t bare_write(char* d, size_t s, size_t n, void* u) {
  auto* t = static_cast<BareTransfer*>(u);
  if (t->body.size() + s * n > (8u << 20)) return 0;
  t->body.append(d, s * n);
  return s * n;
}

size_t bare_header(char* d, size_t s, size_t n, void* u) {
  auto* t = static_cast<BareTransfer*>(u);
  std::string_view line(d, s * n);
  const auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->headers.emplace_back(std::string(line.substr(0, colon)),
                            std::string(line.substr(colon + 1)));
  }
  return s * n;
}

int run_bare(const std::string& base, const Options& o) {
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(o.inflight));
  int next = 0;
  int done = 0;
  int ok = 0;
  int running = 0;
  std::vector<CURL*> pool;  // easy handles reused, as the Fetcher does
  auto add = [&] {
    auto* t = new BareTransfer;
    CURL* e = nullptr;
    if (pool.empty()) {
      e = curl_easy_init();
    } else {
      e = pool.back();
      pool.pop_back();
      curl_easy_reset(e);
    }
    const std::string url = base + "/p/" + std::to_string(next++);
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_USERAGENT,
                     fetch::Settings{}.user_agent.c_str());  // same bytes sent
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    // The same limits the Fetcher sets, so only the engines differ.
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 64L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 15L);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(8u << 20));
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, bare_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, bare_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_multi_add_handle(multi, e);
  };
  while (next < o.pages && next < o.inflight) add();
  while (done < o.pages) {
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* e = m->easy_handle;
      long status = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
      if (m->data.result == CURLE_OK && status == 200) ++ok;
      BareTransfer* t = nullptr;
      curl_easy_getinfo(e, CURLINFO_PRIVATE, &t);
      curl_multi_remove_handle(multi, e);
      pool.push_back(e);
      delete t;
      ++done;
      if (next < o.pages) add();
    }
    if (done < o.pages) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  for (CURL* e : pool) curl_easy_cleanup(e);
  curl_multi_cleanup(multi);
  return ok;
}

// ---- syndicd Fetcher --------------------------------------------------------------

int run_fetcher(const std::string& base, const Options& o, std::uint32_t flags) {
  boost::asio::io_context io;
  fetch::MemoryValidatorStore store;
  fetch::Settings s;
  s.max_connections = static_cast<std::size_t>(o.inflight);
  s.per_host = static_cast<std::size_t>(o.inflight);
  s.delay = std::chrono::milliseconds{0};
  s.allow_private = true;
  fetch::Fetcher fetcher(io, s, store);
  int next = 0;
  int ok = 0;
  std::function<void()> issue = [&] {
    fetch::Request r;
    r.url = base + "/p/" + std::to_string(next++);
    r.flags = flags;
    fetcher.fetch(std::move(r), [&](fetch::Response resp) {
      if (resp.error == fetch::Error::none && resp.status == 200 && !resp.body.empty()) ++ok;
      if (std::getenv("FETCH_BENCH_DEBUG") && resp.elapsed.count() > 20) {
        std::fprintf(stderr, "slow fetch: %s %lld ms\n", resp.url.c_str(),
                     static_cast<long long>(resp.elapsed.count()));
      }
      if (next < o.pages) issue();
    });
  };
  while (next < o.pages && next < o.inflight) issue();
  io.run();
  return ok;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const long v = std::strtol(argv[i + 1], nullptr, 10);
    if (k == "--pages")
      o.pages = static_cast<int>(v);
    else if (k == "--inflight")
      o.inflight = static_cast<int>(v);
    else if (k == "--rounds")
      o.rounds = static_cast<int>(v);
    else if (k == "--bytes")
      o.bytes = static_cast<std::size_t>(v);
    else if (k == "--only")
      o.only = static_cast<int>(v);
    else {
      std::fprintf(stderr,
                   "usage: %s [--pages N] [--inflight K] [--rounds R] [--bytes B] [--only 0|1|2]\n",
                   argv[0]);
      return 2;
    }
  }
  // Fork the server before this process starts any thread.
  int port = 0;
  int keepalive = -1;
  const pid_t server = start_server(o, port, keepalive);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);

  struct Variant {
    const char* name;
    std::function<int()> run;
    std::vector<double> wall, cpu;
    int failures = 0;
  };
  std::vector<Variant> variants;
  variants.push_back({"bare curl_multi_poll loop", [&] { return run_bare(base, o); }, {}, {}, 0});
  variants.push_back(
      {"syndicd Fetcher (RAW)", [&] { return run_fetcher(base, o, fetch::kRaw); }, {}, {}, 0});
  variants.push_back(
      {"syndicd Fetcher (UTF-8 NFC)", [&] { return run_fetcher(base, o, 0); }, {}, {}, 0});

  if (o.only >= 0) {
    Variant keep = variants.at(static_cast<std::size_t>(o.only));
    variants.assign(1, keep);
  }
  for (auto& v : variants) v.run();  // warm-up: page cache, allocator, server
  for (int round = 0; round < o.rounds; ++round) {
    for (auto& v : variants) {  // interleaved, so drift hits every variant alike
      const Sample s = measure(v.run);
      v.wall.push_back(s.wall);
      v.cpu.push_back(s.cpu);
      v.failures += o.pages - s.ok;
    }
  }
  close(keepalive);
  waitpid(server, nullptr, 0);

  std::printf("fetch_bench: %d pages of %zu bytes, %d in flight, median of %d rounds\n", o.pages,
              o.bytes, o.inflight, o.rounds);
  std::printf("%-30s %10s %12s %16s %9s\n", "variant", "wall s", "pages/s", "CPU s/1000 pages",
              "failures");
  const double bare_cpu = median(variants[0].cpu);  // the first variant run
  for (auto& v : variants) {
    const double wall = median(v.wall);
    const double cpu = median(v.cpu);
    std::printf("%-30s %10.3f %12.0f %16.4f %9d\n", v.name, wall, o.pages / wall,
                cpu * 1000.0 / o.pages, v.failures);
  }
  for (std::size_t i = 1; i < variants.size(); ++i) {
    std::printf("CPU per fetch, %s / bare: %.2fx\n", variants[i].name,
                median(variants[i].cpu) / bare_cpu);
  }
  int failures = 0;
  for (auto& v : variants) failures += v.failures;
  return failures == 0 ? 0 : 1;
}
