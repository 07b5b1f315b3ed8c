// SPDX-License-Identifier: Apache-2.0
#include "cli/args.hpp"

#include <gtest/gtest.h>

using namespace syndicd::cli;

namespace {

const std::vector<OptionSpec> kSpecs = {
    {"config", 'c', true, false, "FILE", "config"},
    {"plugin-path", 0, true, true, "DIR", "plugins"},
    {"dry-run", 'n', false, false, "", "dry"},
};

TEST(Args, LongShortInlineAndRepeated) {
  std::string error;
  auto args = parse({"-c", "a.yaml", "--plugin-path=/x", "--plugin-path", "/y", "-n", "pos"},
                    kSpecs, error);
  ASSERT_TRUE(args) << error;
  EXPECT_EQ(args->get("config"), "a.yaml");
  EXPECT_EQ(args->all("plugin-path"), (std::vector<std::string>{"/x", "/y"}));
  EXPECT_TRUE(args->has("dry-run"));
  EXPECT_EQ(args->positionals, std::vector<std::string>{"pos"});
}

TEST(Args, Errors) {
  std::string error;
  EXPECT_FALSE(parse({"--confg", "x"}, kSpecs, error));
  EXPECT_EQ(error, "unknown option --confg; did you mean --config?");
  EXPECT_FALSE(parse({"-c"}, kSpecs, error));
  EXPECT_EQ(error, "option --config needs a value (FILE)");
  EXPECT_FALSE(parse({"-c", "a", "-c", "b"}, kSpecs, error));
  EXPECT_EQ(error, "option --config given more than once");
  EXPECT_FALSE(parse({"--dry-run=yes"}, kSpecs, error));
  EXPECT_EQ(error, "option --dry-run takes no value");
}

TEST(Args, DoubleDashEndsOptions) {
  std::string error;
  auto args = parse({"--", "-c"}, kSpecs, error);
  ASSERT_TRUE(args);
  EXPECT_FALSE(args->has("config"));
  EXPECT_EQ(args->positionals, std::vector<std::string>{"-c"});
}

}  // namespace
