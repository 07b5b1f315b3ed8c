// SPDX-License-Identifier: Apache-2.0
// The crash quarantine (issue 12): one poisoned page costs one restart,
// never a loop.
//
// While syndicd works it keeps marks in the state file: a source being
// polled has its polling_since set (Store::mark_polling, cleared by the
// write that ends the poll), a delivery at its sink is in_flight. When the
// process crashes, the marks stay, and the crash note (store/crash_note.hpp)
// says it was a crash. At the next start, settle_previous_run() holds the
// marked work responsible:
//   - a source whose poll was running is not polled for every × 2^crashes
//     (capped at a day; `crashes` counts such polls in a row and goes back
//     to 0 when one ends), logged as an error naming the source and its URL;
//   - a delivery in flight counts a crash; at its second it is parked as
//     dead ("crashed the daemon twice"), else it is settled as after any
//     unclean stop (retried, reconciled or parked, by its sink's kind).
// Without a crash note (killed from outside, a power cut) the marks are
// cleared and nothing is held against the work. Everything that was
// running is held responsible: the crash cannot say which one it was.
#pragma once

#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "runtime/assembly.hpp"
#include "store/store.hpp"

namespace syndicd::runtime {

/// What settle_previous_run() found.
struct Settled {
  bool crashed = false;
  int signal = 0;
  size_t sources_held = 0;
  size_t deliveries_counted = 0;
  size_t deliveries_parked = 0;
};

/// Settle the marks the previous process left in `store` (the file at
/// `state_path`), for the sources and sinks of `config`, at `now` (ms);
/// then clear them and remove the crash note. Call once per process, before
/// the first engine starts. Store errors are logged, never thrown.
Settled settle_previous_run(store::Store& store, const Assembly& assembly,
                            const std::string& state_path, int64_t now);

}  // namespace syndicd::runtime
