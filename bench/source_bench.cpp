// SPDX-License-Identifier: Apache-2.0
// source_bench: throughput of the two source plugins' parsing on the test
// fixtures, each beside the bare parser it is built on, fed the same bytes
// in the same run (issue #4's targets: feed parsing >= 0.5x bare tinyxml2,
// article extraction >= 0.3x bare libxml2). Google Benchmark; see
// README.md "Sources" for the command and the figures.
//
// Feeds: every fixture feed that is well-formed XML (tinyxml2 must accept
// it, or the bare side would stop at the first error and measure nothing),
// parsed one after the other per iteration; bytes/s is the MB/s figure.
// Pages: every article page of the sample sites as the fetcher hands it
// over (UTF-8; the windows-1258 ones decoded once at start-up), one
// automatic extraction each per iteration; items/s is pages/s on one core.
#include <benchmark/benchmark.h>
#include <libxml/HTMLparser.h>
#include <tinyxml2.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "feed_parser.hpp"
#include "sites/pages.hpp"
#include "syndicd/html_extract/dom.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = SYNDICD_TEST_FIXTURES;

using syndicd::testing::sites::from_windows_1258;

std::string slurp(const fs::path& p) {
  return syndicd::testing::sites::read_bytes(p.string());
}

struct Doc {
  std::string name;
  std::string url;
  std::string bytes;
};

std::vector<Doc> load_feeds() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kFixtures / "feeds"))
    if (e.path().extension() == ".xml") files.push_back(e.path());
  files.push_back(kFixtures / "sites/thainguyen/feed.rss");
  files.push_back(kFixtures / "sites/thainguyen/feed-atom.xml");
  std::sort(files.begin(), files.end());
  std::vector<Doc> out;
  for (const auto& f : files) {
    Doc d{f.filename().string(), "https://tin.example.vn/" + f.filename().string(), slurp(f)};
    tinyxml2::XMLDocument probe;
    if (probe.Parse(d.bytes.data(), d.bytes.size()) != tinyxml2::XML_SUCCESS) {
      std::fprintf(stderr, "source_bench: feed %s left out (not well-formed XML)\n",
                   d.name.c_str());
      continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<Doc> load_pages() {
  std::vector<Doc> out;
  for (const char* site : {"thainguyen", "bacgiang-cp1258", "langson-nfd"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kFixtures / "sites" / site / "articles"))
      files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string bytes = slurp(f);
      // What the fetcher would have decoded (meta charset windows-1258).
      if (bytes.find("charset=windows-1258") != std::string::npos) bytes = from_windows_1258(bytes);
      out.push_back(
          {std::string(site) + "/" + f.filename().string(),
           "https://" + std::string(site) + ".example.vn/articles/" + f.filename().string(),
           std::move(bytes)});
    }
  }
  return out;
}

const std::vector<Doc>& feeds() {
  static const std::vector<Doc> d = load_feeds();
  return d;
}

const std::vector<Doc>& pages() {
  static const std::vector<Doc> d = load_pages();
  return d;
}

int64_t total_bytes(const std::vector<Doc>& docs) {
  int64_t n = 0;
  for (const auto& d : docs) n += static_cast<int64_t>(d.bytes.size());
  return n;
}

// ---------------------------------------------------------------------------
// Feeds

void BM_FeedBareTinyxml2(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& d : feeds()) {
      tinyxml2::XMLDocument doc;
      const auto rc = doc.Parse(d.bytes.data(), d.bytes.size());
      benchmark::DoNotOptimize(rc);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(feeds()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(feeds().size()));
}

// The least any reader built on tinyxml2 pays: the parse, then every text
// node's and attribute's value read once (tinyxml2 decodes text lazily, on
// the first read; the bare parse above never reads, so never decodes).
void read_all(const tinyxml2::XMLNode* n, size_t& bytes) {
  for (const tinyxml2::XMLNode* c = n->FirstChild(); c; c = c->NextSibling()) {
    if (const auto* t = c->ToText()) {
      bytes += std::strlen(t->Value());
    } else if (const auto* e = c->ToElement()) {
      bytes += std::strlen(e->Name());
      for (const auto* a = e->FirstAttribute(); a; a = a->Next()) bytes += std::strlen(a->Value());
      read_all(e, bytes);
    }
  }
}

void BM_FeedTinyxml2ReadEverything(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& d : feeds()) {
      tinyxml2::XMLDocument doc;
      doc.Parse(d.bytes.data(), d.bytes.size());
      read_all(&doc, bytes);
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetBytesProcessed(state.iterations() * total_bytes(feeds()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(feeds().size()));
}

// The rss source's parse: dialects, dates, entities, sanitising, NFC.
// The options of each feed, as a source holds them (not part of the parse).
std::vector<syndicd::rss::ParseOptions> feed_options() {
  std::vector<syndicd::rss::ParseOptions> out;
  for (const auto& d : feeds()) {
    syndicd::rss::ParseOptions o;
    o.feed_url = d.url;
    o.now_ms = 1586288760000;
    out.push_back(std::move(o));
  }
  return out;
}

void BM_FeedParse(benchmark::State& state) {
  const auto options = feed_options();
  size_t articles = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < feeds().size(); ++i) {
      const auto r = syndicd::rss::parse_feed(feeds()[i].bytes, options[i]);
      articles += r.articles.size();
      benchmark::DoNotOptimize(r.articles.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(feeds()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(feeds().size()));
  state.counters["articles/feed"] =
      static_cast<double>(articles) / static_cast<double>(state.iterations() * feeds().size());
}

// What the plugin does per fetched feed: charset decoding + parse.
void BM_FeedDecodeAndParse(benchmark::State& state) {
  const auto options = feed_options();
  for (auto _ : state) {
    for (size_t i = 0; i < feeds().size(); ++i) {
      const auto text = syndicd::rss::decode_feed_bytes(feeds()[i].bytes, "");
      const auto r = syndicd::rss::parse_feed(text.text, options[i]);
      benchmark::DoNotOptimize(r.articles.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(feeds()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(feeds().size()));
}

// ---------------------------------------------------------------------------
// Article pages

// The same parse the extractor starts with (options and encoding alike).
void BM_PageBareLibxml2(benchmark::State& state) {
  syndicd::html::init_libxml();
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;
  for (auto _ : state) {
    for (const auto& d : pages()) {
      htmlDocPtr doc = htmlReadMemory(d.bytes.data(), static_cast<int>(d.bytes.size()),
                                      d.url.c_str(), "UTF-8", options);
      benchmark::DoNotOptimize(doc);
      xmlFreeDoc(doc);
    }
  }
  state.SetBytesProcessed(state.iterations() * total_bytes(pages()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(pages().size()));
}

// Automatic extraction (no selectors): the heavier of the two modes.
void BM_PageExtract(benchmark::State& state) {
  const syndicd::html::ArticleRules rules;
  size_t failed = 0;
  for (auto _ : state) {
    for (const auto& d : pages()) {
      const auto x = syndicd::html::extract_article(d.bytes, d.url, rules);
      if (!x.article) ++failed;
      benchmark::DoNotOptimize(x.article);
    }
  }
  if (failed != 0) state.SkipWithError("an article page did not extract");
  state.SetBytesProcessed(state.iterations() * total_bytes(pages()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(pages().size()));
}

BENCHMARK(BM_FeedBareTinyxml2);
BENCHMARK(BM_FeedTinyxml2ReadEverything);
BENCHMARK(BM_FeedParse);
BENCHMARK(BM_FeedDecodeAndParse);
BENCHMARK(BM_PageBareLibxml2);
BENCHMARK(BM_PageExtract);

}  // namespace

BENCHMARK_MAIN();
