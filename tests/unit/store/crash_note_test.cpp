// SPDX-License-Identifier: Apache-2.0
// The crash note from a real dying process: a child installs it and then
// faults, aborts or is sent a crash signal; the note names the signal and
// the child still dies of it (or, under a sanitizer, is reported by it).
#include "store/crash_note.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>

namespace fs = std::filesystem;
using namespace syndicd::store;

#if defined(__SANITIZE_ADDRESS__)
// These tests are about the daemon's own handler. ASan's SEGV/BUS handlers
// would take the signal first (in the daemon that is what one wants: its
// report); here they step aside. Flags named in ASAN_OPTIONS still win.
extern "C" const char* __asan_default_options() {
  return "handle_segv=0:handle_sigbus=0";
}
#endif

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

// A page with no access: the store is a real fault, and not through a null
// pointer, which UBSan would stop at before the signal is raised.
int* no_access_page() {
  void* page = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return page == MAP_FAILED ? nullptr : static_cast<int*>(page);
}

TEST_F(CrashNoteTest, AFaultLeavesANoteAndStillKills) {
  int* volatile target = no_access_page();
  ASSERT_NE(target, nullptr);
  const int status = child([target] { *target = 1; });
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
