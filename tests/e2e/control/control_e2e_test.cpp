// SPDX-License-Identifier: Apache-2.0
// `syndicd status | deliveries | review` through the real binary: while
// the daemon runs (its control socket, real signals) and on the state
// file with no daemon. A dead delivery retried is delivered; a review
// sink posts nothing until approved, and a rejected delivery never.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <csignal>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "daemon_fixture.hpp"

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace syndicd::testing {
namespace {

class ControlE2e : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    server_.set("/a.xml", FixtureServer::text(rss_feed(1, 2), "application/rss+xml"));
  }
  /// A config whose sink `page` has `more` keys.
  std::filesystem::path config(const std::string& more) {
    return write_config("sources:\n  tin: { plugin: rss, every: 1h, url: \"" +
                        server_.url("/a.xml") + "\" }\nsinks:\n" + record("page", "record", more) +
                        "pipelines:\n  p: { from: [tin], to: [page] }\n");
  }
  Outcome cli(const std::vector<std::string>& words) const {
    std::vector<std::string> argv{SYNDICD_BINARY};
    argv.insert(argv.end(), words.begin(), words.end());
    argv.push_back("-c");
    argv.push_back((dir_ / "syndicd.yaml").string());
    return run_process(argv);
  }
  /// The ids `deliveries list --state STATE` prints as JSON.
  std::vector<int64_t> ids(const std::string& state) const {
    const Outcome o = cli({"deliveries", "list", "--state", state, "--json"});
    if (o.exit_code != 0) return {};
    std::vector<int64_t> out;
    const json answer = json::parse(o.out);  // kept: the loop reads into it
    for (const auto& d : answer["deliveries"]) out.push_back(d["id"].get<int64_t>());
    return out;
  }
  std::vector<int64_t> wait_for(const std::string& state, size_t n) const {
    std::vector<int64_t> found;
    eventually([&] { return (found = ids(state)).size() == n; });
    return found;
  }
  void stop(std::unique_ptr<Child>& daemon) {
    daemon->signal(SIGTERM);
    EXPECT_EQ(exit_code(*daemon), 0) << log();
    daemon.reset();
  }
  /// One raw line to the socket, the answer line.
  std::string raw(const std::string& line) const {
    const std::string path = state() + ".sock";
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      return "(cannot connect)";
    }
    (void)!::write(fd, line.data(), line.size());
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, n);
    ::close(fd);
    return answer;
  }
};

TEST_F(ControlE2e, ARetriedDeadDeliveryIsDeliveredByTheRunningDaemon) {
  auto daemon = start(config(", fail: permanent"));
  const auto dead = wait_for("dead", 2);
  ASSERT_EQ(dead.size(), 2u) << log();
  // The socket is the owner's only.
  struct stat st {};
  ASSERT_EQ(::stat((state() + ".sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The cause fixed (a reload), one of them retried by id.
  config("");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return count_in_log("configuration reloaded") == 1; })) << log();
  const Outcome retried = cli({"deliveries", "retry", std::to_string(dead[0])});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_NE(retried.out.find("queued again"), std::string::npos) << retried.out;
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 1; }, 10s)) << log();
  // The rest: every dead delivery of the sink.
  EXPECT_EQ(cli({"deliveries", "retry", "--sink", "page", "--dead"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 2; }, 10s)) << log();
  EXPECT_EQ(recorded("page"), (std::map<std::string, int>{{"tin-1", 1}, {"tin-2", 1}}));
  // Not dead any more: refused, with the reason, and a failing exit code.
  const Outcome again = cli({"deliveries", "retry", std::to_string(dead[0])});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.out.find("not dead (it is done)"), std::string::npos) << again.out;
  const Outcome status = cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("syndicd daemon, running"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("tin"), std::string::npos) << status.out;
  stop(daemon);
}

TEST_F(ControlE2e, AReviewSinkPostsOnlyWhatIsApprovedWhileTheDaemonRuns) {
  auto daemon = start(config(", review: true"));
  const auto held = wait_for("held", 2);
  ASSERT_EQ(held.size(), 2u) << log();
  EXPECT_TRUE(recorded("page").empty());
  const Outcome shown = cli({"review", "show", std::to_string(held[0])});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("to sink page"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("title: Bài số"), std::string::npos) << shown.out;
  // The post itself, as the running sink renders it.
  EXPECT_NE(shown.out.find("--- what will be posted ---\nrecord to " +
                           (dir_ / "page.log").string() + ": tin-"),
            std::string::npos)
      << shown.out;
  // Which is which: the article ids of the two.
  const json listed = json::parse(cli({"review", "list", "--json"}).out);
  std::map<int64_t, std::string> article;
  for (const auto& d : listed["deliveries"])
    article[d["id"].get<int64_t>()] = d["article_id"].get<std::string>();
  ASSERT_EQ(cli({"review", "reject", std::to_string(held[1])}).exit_code, 0);
  ASSERT_EQ(cli({"review", "approve", std::to_string(held[0])}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 1; }, 10s)) << log();
  EXPECT_EQ(recorded("page").count(article[held[0]]), 1u);
  // The rejected one is kept, shown, and never posted, a restart included.
  stop(daemon);
  daemon = start(dir_ / "syndicd.yaml");
  EXPECT_EQ(ids("rejected"), (std::vector<int64_t>{held[1]}));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(recorded("page").size(), 1u);
  stop(daemon);
}

TEST_F(ControlE2e, TheNextPollIsTheDaemonsTimer) {
  syndicd::testing::Behaviour down;
  down.status = 503;
  server_.set("/down.xml", down);
  write_config("sources:\n  down: { plugin: rss, every: 1h, url: \"" + server_.url("/down.xml") +
               "\" }\nsinks:\n" + record("page") +
               "pipelines:\n  p: { from: [down], to: [page] }\n");
  auto daemon = start(dir_ / "syndicd.yaml");
  json source;
  ASSERT_TRUE(eventually([&] {
    const Outcome o = cli({"status", "--json"});
    if (o.exit_code != 0) return false;
    source = json::parse(o.out)["sources"][0];
    return source["failures"] == 1 && source["next_poll_ms"].get<int64_t>() > 0;
  })) << log();
  // One failure: backed off to 2 × every, ±10 % jitter, not `every` after it.
  const int64_t after =
      source["next_poll_ms"].get<int64_t>() - source["last_poll_ms"].get<int64_t>();
  EXPECT_GE(after, 2 * 3'600'000 * 9 / 10 - 1000) << source.dump();
  EXPECT_LE(after, 2 * 3'600'000 * 11 / 10 + 1000) << source.dump();
  stop(daemon);
  // With no daemon: the schedule's plan.
  const json file = json::parse(cli({"status", "--json"}).out)["sources"][0];
  EXPECT_EQ(file["next_poll_ms"].get<int64_t>() - file["last_poll_ms"].get<int64_t>(), 3'600'000)
      << file.dump();
}

TEST_F(ControlE2e, UnderSystemdTheSocketIsInTheRuntimeDirectory) {
  config("");
  const auto run = dir_ / "run";
  std::filesystem::create_directories(run);
  // What systemd's RuntimeDirectory= gives the unit; the commands (run by
  // an operator) have no such variable.
  auto daemon = std::make_unique<Child>(
      std::vector<std::string>{"/usr/bin/env", "RUNTIME_DIRECTORY=" + run.string(), SYNDICD_BINARY,
                               "run", "-c", (dir_ / "syndicd.yaml").string()},
      (dir_ / "daemon.log").string());
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 2; })) << log();
  EXPECT_TRUE(std::filesystem::is_socket(run / "syndicd.sock")) << log();
  EXPECT_TRUE(std::filesystem::is_symlink(state() + ".sock")) << log();
  const Outcome status = cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("syndicd daemon, running"), std::string::npos) << status.out;
  stop(daemon);
  EXPECT_FALSE(std::filesystem::exists(run / "syndicd.sock"));
  EXPECT_FALSE(std::filesystem::is_symlink(state() + ".sock"));
}

TEST_F(ControlE2e, OnTheStateFileWithNoDaemon) {
  auto daemon = start(config(", review: true"));
  const auto held = wait_for("held", 2);
  ASSERT_EQ(held.size(), 2u) << log();
  stop(daemon);
  // No daemon: the commands work on the file.
  const Outcome status = cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("no daemon running"), std::string::npos) << status.out;
  // No daemon: the command makes the sink from the configuration to render.
  const json shown = json::parse(cli({"review", "show", std::to_string(held[0]), "--json"}).out);
  ASSERT_TRUE(shown["rendered"].is_string()) << shown.dump();
  EXPECT_NE(shown["rendered"].get<std::string>().find("\tBài số"), std::string::npos)
      << shown.dump();
  EXPECT_EQ(cli({"review", "approve", std::to_string(held[0])}).exit_code, 0);
  EXPECT_EQ(cli({"review", "reject", std::to_string(held[1])}).exit_code, 0);
  EXPECT_EQ(ids("pending"), (std::vector<int64_t>{held[0]}));
  EXPECT_TRUE(recorded("page").empty());
  // The next daemon delivers the approved one, never the rejected.
  daemon = start(dir_ / "syndicd.yaml");
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 1; }, 10s)) << log();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(recorded("page").size(), 1u);
  stop(daemon);
}

TEST_F(ControlE2e, ADeadDeliveryRetriedOnTheFileIsDeliveredAtTheNextStart) {
  auto daemon = start(config(", fail: permanent"));
  ASSERT_EQ(wait_for("dead", 2).size(), 2u) << log();
  stop(daemon);
  const Outcome retried = cli({"deliveries", "retry", "--sink", "page", "--dead"});
  EXPECT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(ids("pending").size(), 2u);
  const Outcome dropped = cli({"deliveries", "drop", std::to_string(ids("pending").at(0))});
  EXPECT_EQ(dropped.exit_code, 0) << dropped.err;
  daemon = start(config(""));
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 1; }, 10s)) << log();
  stop(daemon);
}

TEST_F(ControlE2e, BadRequestsAreAnsweredAndTheDaemonGoesOn) {
  auto daemon = start(config(""));
  ASSERT_TRUE(eventually([&] { return recorded("page").size() == 2; })) << log();
  const json bad = json::parse(raw("{\"command\":\"review.approve\",\"ids\":[\"x\"]}\n"));
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["error"], "request: \"ids\"[0]: not a delivery id (a positive integer)");
  EXPECT_EQ(json::parse(raw("garbage\n"))["error"], "request: line: not JSON");
  EXPECT_EQ(raw("half a request"), "");  // no newline: dropped after its timeout
  const Outcome unknown = cli({"deliveries", "list", "--sink", "pgae"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("did you mean \"page\""), std::string::npos) << unknown.err;
  const Outcome usage = cli({"deliveries", "retry", "seven"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("not a delivery id: \"seven\""), std::string::npos) << usage.err;
  EXPECT_EQ(cli({"status", "--json"}).exit_code, 0);
  EXPECT_NE(log().find("control socket: bad request"), std::string::npos);
  stop(daemon);
}

}  // namespace
}  // namespace syndicd::testing
