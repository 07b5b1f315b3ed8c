// SPDX-License-Identifier: Apache-2.0
// The exposition writer (http/exposition.hpp): what a scraper refuses —
// a family typed twice, a series twice, an unescaped quote in a label —
// cannot be written, and what it accepts comes out grouped and in order.
#include "http/exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace syndicd::http {
namespace {

using Type = Exposition::Type;

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(Exposition, WritesHelpTypeAndSamples) {
  Exposition out;
  out.family("syndicd_polls_total", Type::counter, "Polls started.");
  out.sample("syndicd_polls_total", {{"source", "tin"}}, uint64_t{3});
  out.family("syndicd_up", Type::gauge, "Up.");
  out.sample("syndicd_up", int64_t{-1});
  EXPECT_EQ(out.text(),
            "# HELP syndicd_polls_total Polls started.\n"
            "# TYPE syndicd_polls_total counter\n"
            "syndicd_polls_total{source=\"tin\"} 3\n"
            "# HELP syndicd_up Up.\n"
            "# TYPE syndicd_up gauge\n"
            "syndicd_up -1\n");
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value(R"(a"b\c)"
                               "\nd"),
            R"(a\"b\\c\nd)");
  EXPECT_EQ(escape_help("C:\\dir\nnext \"quoted\""), "C:\\\\dir\\nnext \"quoted\"");
  Exposition out;
  out.family("m", Type::gauge, "line one\nline two");
  out.sample("m", {{"source", "Báo \"Thái\" Nguyên\\\n"}}, 1.5);
  const std::string text = out.text();
  EXPECT_NE(text.find("# HELP m line one\\nline two\n"), std::string::npos) << text;
  // UTF-8 passes as it is; only the three characters are escaped.
  EXPECT_NE(text.find("m{source=\"Báo \\\"Thái\\\" Nguyên\\\\\\n\"} 1.5\n"), std::string::npos)
      << text;
  EXPECT_EQ(occurrences(text, "\n"), 3u) << "a line feed in a value broke the line:\n" << text;
}

TEST(Exposition, GroupsEachFamilysSamplesUnderOneTypeLine) {
  // Samples added interleaved still come out under their own family, in
  // the order added, families in the order declared.
  Exposition out;
  out.family("b_total", Type::counter, "B.");
  out.family("a", Type::gauge, "A.");
  out.sample("a", {{"k", "1"}}, uint64_t{1});
  out.sample("b_total", {{"k", "2"}}, uint64_t{2});
  out.sample("a", {{"k", "3"}}, uint64_t{3});
  out.family("b_total", Type::counter, "B.");  // declared again, the same: merged
  out.sample("b_total", {{"k", "4"}}, uint64_t{4});
  EXPECT_EQ(out.text(),
            "# HELP b_total B.\n# TYPE b_total counter\n"
            "b_total{k=\"2\"} 2\nb_total{k=\"4\"} 4\n"
            "# HELP a A.\n# TYPE a gauge\n"
            "a{k=\"1\"} 1\na{k=\"3\"} 3\n");
  EXPECT_EQ(occurrences(out.text(), "# TYPE b_total"), 1u);
}

TEST(Exposition, LabelsKeepTheirOrder) {
  Exposition out;
  out.family("x_total", Type::counter, "X.");
  out.sample("x_total", {{"source", "s"}, {"pipeline", "p"}, {"outcome", "new"}}, uint64_t{1});
  EXPECT_NE(out.text().find("x_total{source=\"s\",pipeline=\"p\",outcome=\"new\"} 1\n"),
            std::string::npos);
}

TEST(Exposition, RefusesWhatAScraperWouldRefuse) {
  Exposition out;
  out.family("a_total", Type::counter, "A.");
  EXPECT_THROW(out.family("a_total", Type::gauge, "A."), std::logic_error);
  EXPECT_THROW(out.family("a_total", Type::counter, "Another help."), std::logic_error);
  EXPECT_THROW(out.family("polls", Type::counter, "no _total"), std::logic_error);
  EXPECT_THROW(out.family("9lives", Type::gauge, "bad name"), std::logic_error);
  EXPECT_THROW(out.family("a-b", Type::gauge, "bad name"), std::logic_error);
  EXPECT_THROW(out.family("", Type::gauge, "empty"), std::logic_error);
  EXPECT_THROW(out.sample("undeclared", uint64_t{1}), std::logic_error);
  EXPECT_THROW(out.sample("a_total", {{"bad-label", "v"}}, uint64_t{1}), std::logic_error);
  EXPECT_THROW(out.sample("a_total", {{"__reserved", "v"}}, uint64_t{1}), std::logic_error);
  out.sample("a_total", {{"k", "v"}}, uint64_t{1});
  EXPECT_THROW(out.sample("a_total", {{"k", "v"}}, uint64_t{2}), std::logic_error);
  out.sample("a_total", {{"k", "w"}}, uint64_t{2});  // another series is fine
  out.family("ns:rule_total", Type::counter, "Colons are allowed in metric names.");
}

TEST(Exposition, FormatsValues) {
  EXPECT_EQ(format_value(0.0), "0");
  EXPECT_EQ(format_value(1764785999.0), "1764785999");
  EXPECT_EQ(format_value(1764785999.125), "1764785999.125");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  Exposition out;
  out.family("big_total", Type::counter, "Exact past 2^53.");
  out.sample("big_total", uint64_t{18446744073709551615u});
  EXPECT_NE(out.text().find("big_total 18446744073709551615\n"), std::string::npos);
}

TEST(Exposition, EmptyWritesNothing) {
  EXPECT_EQ(Exposition().text(), "");
}

}  // namespace
}  // namespace syndicd::http
