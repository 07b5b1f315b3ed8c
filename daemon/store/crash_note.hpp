// SPDX-License-Identifier: Apache-2.0
// The crash note: a small file beside the state file ("<state>.crashed")
// that a dying process writes from its signal handler when it crashes —
// a fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS) or an abort (SIGABRT:
// abort(), std::terminate, an assertion, systemd's watchdog).
//
// It tells the next start why the last process ended: with a note, the
// work it had marked as running crashed it (the quarantine holds that
// against the work, runtime/quarantine.hpp); without one, it was killed
// from outside (SIGKILL, a power cut) or stopped, and nothing is held
// against anyone. The handler does only what a signal handler may (open,
// write, close, sigaction, raise), then hands the signal on to whatever
// handled it before — the default (die, dump core) or a sanitizer's report.
#pragma once

#include <optional>
#include <string>

namespace syndicd::store {

/// "<state_path>.crashed".
std::string crash_note_path(const std::string& state_path);

/// Install the handlers, writing the note for `state_path` (not for
/// ":memory:"). Once per process; a later call changes the path only.
void install_crash_note(const std::string& state_path);

/// Give the calling thread an alternate signal stack, so a stack overflow
/// on it still gets its note written. Cheap after the first call on a
/// thread; the worker pool calls it before each job.
void prepare_crash_stack();

/// What a previous process wrote.
struct CrashNote {
  int signal = 0;
  long pid = 0;
};

/// The note a crashed process left for `state_path`, if any.
std::optional<CrashNote> read_crash_note(const std::string& state_path);
/// Remove it (once its marks have been settled).
void remove_crash_note(const std::string& state_path);

}  // namespace syndicd::store
