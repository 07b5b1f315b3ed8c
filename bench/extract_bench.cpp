// SPDX-License-Identifier: Apache-2.0
// extract_bench: automatic article extraction over directories of real
// pages (the extraction development sets that score.py unpacks), beside a
// bare libxml2 parse of the same bytes, in pages per CPU-second.
//
//   extract_bench [--rounds N] [--dump FILE] DIR|FILE...
//
// Every *.html file below each DIR is a page, except expected.html (the
// layout of Readability's test pages: source.html beside the expected
// article). Pages are read and decoded to UTF-8 once, as the fetcher would
// hand them over (fetch::decode_to_utf8, no HTTP header); only the parse and
// the extraction are timed. Each round runs the bare parse over every page,
// then the extraction over every page; the median round of each is printed.
// --dump writes one JSON line per page (file, title, lead, author,
// body_text) so that a scorer can read the extractions without the daemon.
// The pages are read from where they are, never copied.
#include <libxml/HTMLparser.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fetch/charset.hpp"
#include "syndicd/html_extract/dom.hpp"
#include "syndicd/html_extract/extract.hpp"

namespace fs = std::filesystem;

namespace {

struct Page {
  std::string path, url, text;
};

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::vector<Page> load(const std::vector<std::string>& dirs) {
  std::vector<fs::path> files;
  for (const auto& d : dirs) {
    if (fs::is_regular_file(d)) {
      files.push_back(fs::absolute(d));  // one page, to study it
      continue;
    }
    for (const auto& e : fs::recursive_directory_iterator(d))
      if (e.is_regular_file() && e.path().extension() == ".html" &&
          e.path().filename() != "expected.html")
        files.push_back(fs::absolute(e.path()));
  }
  std::sort(files.begin(), files.end());
  std::vector<Page> out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back(
        {f.string(), "file://" + f.string(), syndicd::fetch::decode_to_utf8(ss.str()).text});
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 3;
  std::string dump;
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else if (a.rfind("--", 0) == 0) {
      std::cerr << "usage: extract_bench [--rounds N] [--dump FILE] DIR|FILE...\n";
      return 2;
    } else {
      dirs.push_back(a);
    }
  }
  if (dirs.empty()) {
    std::cerr << "usage: extract_bench [--rounds N] [--dump FILE] DIR|FILE...\n";
    return 2;
  }
  const std::vector<Page> pages = load(dirs);
  if (pages.empty()) {
    std::cerr << "extract_bench: no *.html pages below the given directories\n";
    return 1;
  }
  size_t bytes = 0;
  for (const auto& p : pages) bytes += p.text.size();

  syndicd::html::init_libxml();
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;
  const syndicd::html::ArticleRules rules;  // no selectors: automatic extraction
  std::vector<double> bare, extract;
  size_t failed = 0;
  for (int r = 0; r < rounds; ++r) {
    double t0 = cpu_seconds();
    for (const auto& p : pages) {
      htmlDocPtr doc = htmlReadMemory(p.text.data(), static_cast<int>(p.text.size()), p.url.c_str(),
                                      "UTF-8", options);
      xmlFreeDoc(doc);
    }
    bare.push_back(cpu_seconds() - t0);
    t0 = cpu_seconds();
    failed = 0;
    for (const auto& p : pages)
      if (!syndicd::html::extract_article(p.text, p.url, rules).article) ++failed;
    extract.push_back(cpu_seconds() - t0);
  }
  const double n = static_cast<double>(pages.size());
  const double bare_s = median(bare), extract_s = median(extract);
  std::printf("%zu pages, %.1f MB (UTF-8), %d rounds, median round:\n", pages.size(),
              static_cast<double>(bytes) / 1e6, rounds);
  std::printf("  bare libxml2 parse   %8.3f CPU-s  %8.1f pages/CPU-s\n", bare_s, n / bare_s);
  std::printf(
      "  automatic extraction %8.3f CPU-s  %8.1f pages/CPU-s  (%.2fx bare; %zu gave no "
      "article)\n",
      extract_s, n / extract_s, bare_s / extract_s, failed);

  if (!dump.empty()) {
    std::ofstream out(dump);
    for (const auto& p : pages) {
      const auto x = syndicd::html::extract_article(p.text, p.url, rules);
      nlohmann::json j = {{"file", p.path}};
      if (x.article) {
        j["title"] = x.article->title;
        j["lead"] = x.article->lead;
        j["author"] = x.article->author;
        j["body_text"] = x.article->body_text;
      } else {
        j["error"] = x.error;
      }
      out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
  }
  return 0;
}
