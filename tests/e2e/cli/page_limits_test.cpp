// SPDX-License-Identifier: Apache-2.0
// The html source's `limits` (bounded work per page, issue 12) through the
// real binary: a page past a limit is abandoned with an error naming its
// URL and the key to raise, and the same page reads under the defaults.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "process.hpp"
#include "scratch.hpp"

namespace {

namespace fs = std::filesystem;
using syndicd::testing::run_process;

const std::string kBinary = SYNDICD_BINARY;
const std::string kPlugins = SYNDICD_PLUGIN_DIR;

class PageLimits : public syndicd::testing::ScratchTest {
 protected:
  // An article page: `paragraphs` paragraphs inside `depth` nested divs.
  fs::path page(const std::string& name, int paragraphs, int depth) {
    std::string html = "<html><head><title>Giới hạn</title></head><body>";
    for (int i = 0; i < depth; ++i) html += "<div>";
    html += "<article><h1>Giới hạn</h1>";
    for (int i = 0; i < paragraphs; ++i)
      html += "<p>Đoạn " + std::to_string(i) +
              ": tỉnh tổ chức hội nghị tổng kết, với đại biểu các sở, ban, ngành.</p>";
    html += "</article>";
    for (int i = 0; i < depth; ++i) html += "</div>";
    html += "</body></html>";
    const fs::path p = dir_ / name;
    std::ofstream(p) << html;
    return p;
  }

  syndicd::testing::Outcome preview(const fs::path& file, const std::string& set = "") {
    std::vector<std::string> argv{kBinary,    "preview", "--plugin-path", kPlugins,
                                  "--plugin", "html",    "--article"};
    if (!set.empty()) argv.insert(argv.end(), {"--set", set});
    argv.push_back(file.string());
    return run_process(argv);
  }
};

TEST_F(PageLimits, UnderTheDefaultsAPageReads) {
  auto r = preview(page("ok.html", 50, 40));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("title:     Giới hạn"), std::string::npos) << r.out;
}

TEST_F(PageLimits, APageOverMaxSizeIsAbandonedNamingTheKey) {
  const fs::path p = page("big.html", 50, 0);
  auto r = preview(p, "limits.max_bytes=2KiB");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("file://" + p.string() + ": article page abandoned: page of "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("over the limit of 2048 (limits.max_bytes)"), std::string::npos) << r.err;
}

TEST_F(PageLimits, APageNestedTooDeepIsAbandoned) {
  const fs::path p = page("deep.html", 3, 40);
  auto r = preview(p, "limits.max_depth=16");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("elements nested more than 16 levels deep (limits.max_depth)"),
            std::string::npos)
      << r.err;
}

TEST_F(PageLimits, APageOverItsCpuTimeIsAbandoned) {
  // ~4 MB of paragraphs: far more than 10 ms of extraction on any machine.
  const fs::path p = page("slow.html", 40000, 0);
  auto r = preview(p, "limits.parse_time=10ms");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("CPU time budget of 10 ms exceeded (limits.parse_time)"), std::string::npos)
      << r.err;
}

TEST_F(PageLimits, LimitsAreChecked) {
  auto r = preview(page("x.html", 3, 0), "limits.parse_time=1ms");
  EXPECT_EQ(r.exit_code, 78) << r.err;
  EXPECT_NE(r.err.find("sources.preview.limits.parse_time"), std::string::npos) << r.err;
}

}  // namespace
