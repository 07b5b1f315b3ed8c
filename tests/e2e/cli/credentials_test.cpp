// SPDX-License-Identifier: Apache-2.0
// ${credential:NAME} through the real binary: systemd's LoadCredential=
// hands the daemon a secret as a file in $CREDENTIALS_DIRECTORY, and `check`
// reads it there, names the key when it cannot, and never prints the value.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "process.hpp"
#include "scratch.hpp"

namespace fs = std::filesystem;
using syndicd::testing::run_process;

namespace {

const std::string kBinary = SYNDICD_BINARY;

class Credentials : public syndicd::testing::ScratchTest {
 protected:
  fs::path config() {
    return write("c.yaml", "daemon:\n  state: " + (dir_ / "state.db").string() +
                               "\n  plugin_path: [" SYNDICD_PLUGIN_DIR
                               "]\n  http: {listen: \"\"}\n"
                               "sources:\n  news:\n    plugin: rss\n    url: http://127.0.0.1:9/f\n"
                               "sinks:\n  page:\n    plugin: facebook\n    mode: api\n"
                               "    page_id: \"1234567890\"\n"
                               "    access_token: ${credential:fb-token}\n"
                               "pipelines:\n  main: {from: [news], to: [page]}\n");
  }
};

TEST_F(Credentials, CheckReadsTheCredentialsDirectory) {
  fs::create_directories(dir_ / "creds");
  std::ofstream(dir_ / "creds" / "fb-token") << "EAAB-credential-secret-value\n";
  fs::permissions(dir_ / "creds" / "fb-token", fs::perms::owner_read);
  const auto ok = run_process({kBinary, "check", "-c", config().string()},
                              {"CREDENTIALS_DIRECTORY=" + (dir_ / "creds").string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ((ok.out + ok.err).find("EAAB-credential-secret-value"), std::string::npos);
}

TEST_F(Credentials, AMissingCredentialIsAConfigErrorAtTheKey) {
  const fs::path file = config();
  const auto no_dir = run_process({kBinary, "check", "-c", file.string()});
  EXPECT_EQ(no_dir.exit_code, 78);
  EXPECT_NE(no_dir.err.find(file.string() + ":14:19: error: sinks.page.access_token: "
                                            "${credential:fb-token}: $CREDENTIALS_DIRECTORY is "
                                            "not set"),
            std::string::npos)
      << no_dir.err;

  fs::create_directories(dir_ / "empty");
  const auto missing = run_process({kBinary, "check", "-c", file.string()},
                                   {"CREDENTIALS_DIRECTORY=" + (dir_ / "empty").string()});
  EXPECT_EQ(missing.exit_code, 78);
  EXPECT_NE(missing.err.find("cannot read " + (dir_ / "empty" / "fb-token").string()),
            std::string::npos)
      << missing.err;
}

}  // namespace
