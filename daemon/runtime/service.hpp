// SPDX-License-Identifier: Apache-2.0
// `syndicd run`: the long-running service (DESIGN.md §3, §7).
//
// SIGTERM/SIGINT stop polling, give deliveries in flight until
// daemon.shutdown_timeout, and exit 0 (a second signal exits at once).
// SIGHUP re-reads the configuration: a file that fails `check` is refused
// with the reasons in the log and the running one stays; otherwise only the
// sources, sinks and pipelines whose sections changed restart (their work
// in flight finishes first, up to daemon.shutdown_timeout) and the others
// go on undisturbed (runtime/engine.hpp). A changed sink starts unpaused:
// deliveries held by its pause are tried at once, so a replaced token takes
// effect on `systemctl reload`.
// Under systemd (Type=notify) it sends READY=1, RELOADING=1 with
// MONOTONIC_USEC, STOPPING=1, STATUS= and WATCHDOG=1 at half the
// configured interval; without NOTIFY_SOCKET all of that is silent.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace syndicd::runtime {

struct ServiceOptions {
  std::filesystem::path config;
  std::vector<std::filesystem::path> extra_plugin_path;
  bool verbose = false;
};

/// Runs until stopped; returns the exit code (0, 1 runtime failure, 78 bad config).
int run_service(const ServiceOptions& options);

}  // namespace syndicd::runtime
