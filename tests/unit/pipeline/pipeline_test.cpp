// SPDX-License-Identifier: Apache-2.0
// Pipeline stages: canonical URLs, normalisation (NFD → NFC), content hash,
// filters with Vietnamese-aware folding, transforms.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "pipeline/pipeline.hpp"

using namespace syndicd;
using pipeline::canonical_url;

namespace {

TEST(Pipeline, CanonicalUrl) {
  EXPECT_EQ(canonical_url("HTTPS://Example.VN:443/tin-tuc/a.html?utm_source=fb&id=7&fbclid=x#top"),
            "https://example.vn/tin-tuc/a.html?id=7");
  EXPECT_EQ(canonical_url("http://example.vn:80"), "http://example.vn/");
  EXPECT_EQ(canonical_url("http://example.vn:8080/a?utm_medium=x"), "http://example.vn:8080/a");
  EXPECT_EQ(canonical_url("file:///srv/site/a.html#x"), "file:///srv/site/a.html");
  EXPECT_EQ(canonical_url("not a url"), "not a url");
}

TEST(Pipeline, NormaliseMakesNfcAndCollapses) {
  Article a;
  a.title = "  Qua\xcc\x89ng   ca\xcc\x81o \n";  // NFD with stray whitespace
  a.author = "Minh Thu\xcc\x81y";
  a.tags = {"thời sự", "  ", "Thái  Nguyên"};
  pipeline::normalise(a);
  EXPECT_EQ(a.title, "Quảng cáo");
  EXPECT_EQ(a.author, "Minh Thúy");
  EXPECT_EQ(a.tags, (std::vector<std::string>{"thời sự", "Thái Nguyên"}));
}

TEST(Pipeline, ContentHashSeesEditsOnly) {
  Article a;
  a.title = "Tin";
  a.body_html = "<p>Nội dung</p>";
  Article b = a;
  b.source = "another source";  // not content
  EXPECT_EQ(pipeline::content_hash(a), pipeline::content_hash(b));
  b.body_html = "<p>Nội dung (sửa)</p>";
  EXPECT_NE(pipeline::content_hash(a), pipeline::content_hash(b));
}

config::Pipeline load_config(const std::string& yaml) {
  auto r = config::load_string(
      "sources: {s: {plugin: x}}\nsinks: {k: {plugin: x}}\npipelines:\n  p:\n" + yaml,
      "/tmp/p.yaml");
  EXPECT_TRUE(r.ok());
  return r.config->pipelines.at("p");
}

// The steps checked against the registry; problems as `check` prints them.
std::string problems_of(const std::string& yaml) {
  std::vector<config::Diagnostic> problems;
  EXPECT_EQ(pipeline::Pipeline::build(load_config(yaml), problems), nullptr);
  std::string out;
  for (const auto& d : problems) out += d.str() + "\n";
  return out;
}

pipeline::Pipeline load_pipeline(const std::string& yaml) {
  std::vector<config::Diagnostic> problems;
  auto p = pipeline::Pipeline::build(load_config(yaml), problems);
  std::string text;
  for (const auto& d : problems) text += d.str() + "\n";
  EXPECT_NE(p, nullptr) << text;
  if (!p) throw std::runtime_error(text);
  return std::move(*p);
}

TEST(PipelineSteps, UnknownStepsAreNamedWithAGuess) {
  const std::string out = problems_of(
      "    from: [s]\n    to: [k]\n"
      "    filters:\n"
      "      - max_age: 3d\n"
      "      - exclude: { title: [\"quảng cáo\"] }\n"
      "      - max_agee: 1d\n");
  EXPECT_NE(out.find("/tmp/p.yaml:10:9: error: pipelines.p.filters[2]: unknown filter "
                     "\"max_agee\"; did you mean \"max_age\"?"),
            std::string::npos)
      << out;
}

TEST(PipelineSteps, SettingsAreCheckedCompletely) {
  // Once passed `check` and truncated the lead at 300.
  const std::string out = problems_of(
      "    from: [s]\n    to: [k]\n"
      "    transforms:\n"
      "      - truncate: {field: titel, max: 3OO}\n"
      "      - slug: {lang: vi}\n"
      "    filters:\n"
      "      - max_age: soon\n"
      "      - exclude: {title: [\"\"]}\n"
      "      - include: {}\n");
  for (const char* expected :
       {"/tmp/p.yaml:8:27: error: pipelines.p.transforms[0].truncate.field: \"titel\" is not one "
        "of: title, lead, body; did you mean \"title\"?",
        "/tmp/p.yaml:8:39: error: pipelines.p.transforms[0].truncate.max: \"3OO\" is not an "
        "integer",
        "/tmp/p.yaml:9:16: error: pipelines.p.transforms[1].slug.lang: unknown key \"lang\" (this "
        "section takes no keys)",
        "/tmp/p.yaml:11:18: error: pipelines.p.filters[0].max_age: \"soon\" is not a duration",
        "/tmp/p.yaml:12:27: error: pipelines.p.filters[1].exclude.title[0]: expected a word or "
        "phrase",
        "error: pipelines.p.filters[2].include: expected a map of field: [words]"})
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
}

TEST(Pipeline, Filters) {
  const pipeline::Pipeline p = load_pipeline(
      "    from: [s]\n    to: [k]\n"
      "    filters:\n"
      "      - max_age: 3d\n"
      "      - exclude: { title: [\"quảng cáo\"], body: [\"tài trợ\"] }\n");
  const int64_t now = 1'700'000'000'000;
  Article a;
  a.title = "Hội nghị tổng kết";
  a.published = now - 2 * 86'400'000LL;
  EXPECT_FALSE(p.rejects(a, now).has_value());
  a.published = now - 4 * 86'400'000LL;
  EXPECT_EQ(p.rejects(a, now), "older than max_age");
  a.published = SYNDICD_TIME_NONE;  // no date: kept (first-seen time applies)
  EXPECT_FALSE(p.rejects(a, now).has_value());
  a.title = "Qua\xcc\x89ng ca\xcc\x81o: khuyến mại Tết";  // NFD, capitalised
  EXPECT_EQ(p.rejects(a, now), "excluded: title contains \"quảng cáo\"");
  a.title = "Tin";
  a.body_html = "<p>Chương trình do <b>Tài trợ</b> bởi ...</p>";
  EXPECT_EQ(p.rejects(a, now), "excluded: body contains \"tài trợ\"");

  const pipeline::Pipeline only =
      load_pipeline("    from: [s]\n    to: [k]\n    filters: [{include: {any: [Thái Nguyên]}}]\n");
  a = Article{};
  a.title = "Tin Hà Nội";
  EXPECT_EQ(only.rejects(a, now), "not included by any word");
  a.tags = {"thái nguyên"};
  EXPECT_FALSE(only.rejects(a, now).has_value());
}

TEST(Pipeline, Transforms) {
  const pipeline::Pipeline p = load_pipeline(
      "    from: [s]\n    to: [k]\n"
      "    transforms: [slug, hashtags, {truncate: {field: lead, max: 12}}]\n");
  Article a;
  a.title = "Đại Từ: thu hoạch chè";
  a.tags = {"thời sự", "Thái Nguyên"};
  a.lead = "Những ngày đầu tháng Tư, người trồng chè tất bật";
  p.transform(a);
  EXPECT_EQ(a.extra_value("slug"), "dai-tu-thu-hoach-che");
  EXPECT_EQ(a.extra_value("hashtags"), "#ThờiSự #TháiNguyên");
  EXPECT_EQ(a.extra_value("hashtags_ascii"), "#ThoiSu #ThaiNguyen");
  EXPECT_EQ(a.lead, "Những ngày…");
}

}  // namespace
