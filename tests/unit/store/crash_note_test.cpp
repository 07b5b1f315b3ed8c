// The crash note from a real dying process: a child installs it and then
// faults, aborts or is sent a crash signal; the note names the signal and
// the child still dies of it (or, under a sanitizer, is reported by it).
#include "store/crash_note.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>

namespace fs = std::filesystem;
using namespace syndicd::store;

namespace {

class CrashNoteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("syndicd-crash-note-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    state_ = (dir_ / "state.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `die` in a child that installed the note; its wait status.
  int child(const std::function<void()>& die) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      install_crash_note(state_);
      die();
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  }

  fs::path dir_;
  std::string state_;
};

// Through a pointer the compiler cannot see through, so the fault is real.
int* volatile g_nowhere = nullptr;

TEST_F(CrashNoteTest, AFaultLeavesANoteAndStillKills) {
  const int status = child([] { *g_nowhere = 1; });
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const auto note = read_crash_note(state_);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->signal, SIGSEGV);
  EXPECT_GT(note->pid, 0);
}

TEST_F(CrashNoteTest, AnAbortLeavesANoteAndStillKills) {
  const int status = child([] { std::abort(); });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGABRT);
  ASSERT_TRUE(read_crash_note(state_).has_value());
  EXPECT_EQ(read_crash_note(state_)->signal, SIGABRT);
}

TEST_F(CrashNoteTest, ACrashSignalSentFromOutsideStillKills) {
  // Sent, not a fault: returning from the handler would carry on.
  const int status = child([] {
    ::raise(SIGBUS);
    ::_exit(42);  // never reached
  });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGBUS);
  EXPECT_EQ(read_crash_note(state_)->signal, SIGBUS);
}

TEST_F(CrashNoteTest, ACleanExitOrAKillLeavesNone) {
  EXPECT_EQ(child([] {}), 0);
  EXPECT_FALSE(read_crash_note(state_).has_value());
  const int status = child([] { ::raise(SIGKILL); });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(read_crash_note(state_).has_value());
}

TEST_F(CrashNoteTest, RemovedOnceSettled) {
  child([] { std::abort(); });
  ASSERT_TRUE(read_crash_note(state_).has_value());
  remove_crash_note(state_);
  EXPECT_FALSE(read_crash_note(state_).has_value());
  EXPECT_EQ(crash_note_path(state_), state_ + ".crashed");
}

}  // namespace
