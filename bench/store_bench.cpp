// SPDX-License-Identifier: Apache-2.0
// How long the state store's writes hold the event loop: syndicd's
// SqliteStore operations beside a bare SQLite insert of the same bytes
// (WAL, synchronous=NORMAL, one autocommit statement) in the same run.
//
//   bash scripts/build.sh build-bench -DSYNDICD_BUILD_BENCH=ON
//   build-bench/bench/store_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "store/article_codec.hpp"
#include "store/sqlite_store.hpp"

namespace fs = std::filesystem;
using namespace syndicd;

namespace {

fs::path fresh_dir(const char* name) {
  const fs::path dir =
      fs::temp_directory_path() / ("syndicd-store-bench-" + std::to_string(::getpid()) + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Article sample(int64_t i) {
  Article a;
  a.id = "https://baothainguyen.example/tin-tuc/bai-" + std::to_string(i) + ".html";
  a.url = a.id;
  a.title =
      "Tổng kết công tác dân vận và đánh giá kết quả thực hiện “Năm dân vận chính quyền” 2019";
  a.lead = std::string(400, 'x');
  a.body_html = std::string(6000, 'y');  // a typical article body
  a.body_text = std::string(4000, 'z');
  a.author = "Minh Thúy";
  a.source = "baothainguyen";
  a.published = 1'578'610'680'000 + i;
  a.images.push_back({"https://baothainguyen.example/a.jpg", "alt", "Toàn cảnh Hội nghị"});
  return a;
}

// Baseline: one INSERT of the same encoded article, autocommit.
void BareSqliteInsert(benchmark::State& state) {
  const auto dir = fresh_dir("bare");
  sqlite3* db = nullptr;
  sqlite3_open((dir / "bare.db").c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE t(id TEXT PRIMARY "
               "KEY, data TEXT)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t(id, data) VALUES(?1, ?2)", -1, &st, nullptr);
  int64_t i = 0;
  for (auto _ : state) {
    const Article a = sample(i++);
    const std::string data = store::encode_article(a);
    sqlite3_bind_text(st, 1, a.id.data(), static_cast<int>(a.id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  fs::remove_all(dir);
}
BENCHMARK(BareSqliteInsert)->Unit(benchmark::kMicrosecond);

// A new article and its deliveries to two sinks, in one transaction.
void StoreRecordNewArticle(benchmark::State& state) {
  const auto dir = fresh_dir("record");
  store::SqliteStore s((dir / "state.db").string());
  int64_t i = 0;
  for (auto _ : state) {
    store::ArticleRecord r;
    r.pipeline = "thainguyen";
    r.article = sample(i++);
    r.canonical_url = r.article.url;
    r.content_hash = std::to_string(i);
    benchmark::DoNotOptimize(s.record(r, {"feed", "page"}, {"feed"}, 1000 + i));
  }
  fs::remove_all(dir);
}
BENCHMARK(StoreRecordNewArticle)->Unit(benchmark::kMicrosecond);

// An article seen before (the common case for every poll): one lookup.
void StoreRecordUnchanged(benchmark::State& state) {
  const auto dir = fresh_dir("seen");
  store::SqliteStore s((dir / "state.db").string());
  store::ArticleRecord r;
  r.pipeline = "thainguyen";
  r.article = sample(1);
  r.canonical_url = r.article.url;
  r.content_hash = "h";
  s.record(r, {"feed"}, {}, 1);
  for (auto _ : state) benchmark::DoNotOptimize(s.record(r, {"feed"}, {}, 2));
  fs::remove_all(dir);
}
BENCHMARK(StoreRecordUnchanged)->Unit(benchmark::kMicrosecond);

// One delivery's whole life on the loop: due, in_flight, done.
void StoreDeliveryCycle(benchmark::State& state) {
  const auto dir = fresh_dir("cycle");
  store::SqliteStore s((dir / "state.db").string());
  for (int64_t i = 0; i < 20000; ++i) {
    store::ArticleRecord r;
    r.pipeline = "p";
    r.article = sample(i);
    r.canonical_url = r.article.url;
    r.content_hash = "h";
    s.record(r, {"feed"}, {}, 1);
  }
  for (auto _ : state) {
    auto due = s.due("feed", 10, 1);
    if (due.empty()) {
      state.SkipWithError("ran out of pending deliveries");
      break;
    }
    s.mark_in_flight(due[0].id, 10);
    s.mark_done(due[0].id, "ext", 11);
  }
  fs::remove_all(dir);
}
BENCHMARK(StoreDeliveryCycle)->Unit(benchmark::kMicrosecond)->Iterations(10000);

}  // namespace

BENCHMARK_MAIN();
