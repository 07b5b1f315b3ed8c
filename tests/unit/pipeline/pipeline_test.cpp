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

config::Pipeline load_pipeline(const std::string& yaml) {
  auto r = config::load_string(
      "sources: {s: {plugin: x}}\nsinks: {k: {plugin: x}}\npipelines:\n  p:\n" + yaml,
      "/tmp/p.yaml");
  EXPECT_TRUE(r.ok());
  return r.config->pipelines.at("p");
}

TEST(Pipeline, Filters) {
  pipeline::Pipeline p(
      load_pipeline("    from: [s]\n    to: [k]\n"
                    "    filters:\n"
                    "      - max_age: 3d\n"
                    "      - exclude: { title: [\"quảng cáo\"], body: [\"tài trợ\"] }\n"));
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

  pipeline::Pipeline only(load_pipeline(
      "    from: [s]\n    to: [k]\n    filters: [{include: {any: [Thái Nguyên]}}]\n"));
  a = Article{};
  a.title = "Tin Hà Nội";
  EXPECT_EQ(only.rejects(a, now), "not included by any word");
  a.tags = {"thái nguyên"};
  EXPECT_FALSE(only.rejects(a, now).has_value());
}

TEST(Pipeline, Transforms) {
  pipeline::Pipeline p(
      load_pipeline("    from: [s]\n    to: [k]\n"
                    "    transforms: [slug, hashtags, {truncate: {field: lead, max: 12}}]\n"));
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
