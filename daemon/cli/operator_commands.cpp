// SPDX-License-Identifier: Apache-2.0
#include "cli/operator_commands.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/operator_output.hpp"
#include "config/config.hpp"
#include "control/client.hpp"
#include "control/operations.hpp"
#include "control/state_lock.hpp"
#include "plugin_host/instance.hpp"
#include "runtime/assembly.hpp"
#include "store/sqlite_store.hpp"

namespace syndicd::cli {
namespace {

using control::Command;
using control::Request;
using json = nlohmann::ordered_json;

struct Usage {
  std::string message;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<int64_t> ids_of(const std::vector<std::string>& words) {
  std::vector<int64_t> ids;
  for (const auto& w : words) {
    size_t used = 0;
    int64_t id = 0;
    try {
      id = std::stoll(w, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != w.size() || id <= 0) throw Usage{"not a delivery id: \"" + w + "\""};
    ids.push_back(id);
  }
  return ids;
}

// The request the command line asks for.
Request request_of(const std::string& name, const Args& args) {
  Request r;
  const auto& words = args.positionals;
  const std::string verb = words.empty() ? "" : words[0];
  const std::vector<std::string> rest(words.begin() + (words.empty() ? 0 : 1), words.end());
  r.sink = args.get("sink").value_or("");
  if (name == "status") {
    if (!words.empty()) throw Usage{"unexpected argument \"" + words[0] + "\""};
    if (!r.sink.empty()) throw Usage{"--sink goes with deliveries and review"};
    return r;
  }
  if (name == "deliveries") {
    if (verb == "list") {
      r.command = Command::deliveries_list;
      if (auto s = args.get("state")) {
        r.state = store::parse_delivery_state(*s);
        if (!r.state)
          throw Usage{"--state: \"" + *s +
                      "\" is not a delivery state (dead, held, pending, in_flight, done, "
                      "rejected)"};
      }
      if (!rest.empty()) throw Usage{"deliveries list takes no ids"};
    } else if (verb == "retry") {
      r.command = Command::deliveries_retry;
      r.ids = ids_of(rest);
      r.all_dead = args.has("dead");
      if (r.all_dead == !r.ids.empty())
        throw Usage{"deliveries retry: give delivery ids, or --sink S --dead"};
      if (r.all_dead && r.sink.empty()) throw Usage{"deliveries retry --dead needs --sink S"};
    } else if (verb == "drop") {
      r.command = Command::deliveries_drop;
      r.ids = ids_of(rest);
      if (r.ids.empty()) throw Usage{"deliveries drop: give the ids of the deliveries to drop"};
    } else {
      throw Usage{verb.empty()
                      ? "deliveries: say list, retry or drop"
                      : "deliveries: unknown action \"" + verb + "\" (list, retry or drop)"};
    }
    if (verb != "list" && args.has("state")) throw Usage{"--state goes with deliveries list"};
    if (verb != "retry" && args.has("dead")) throw Usage{"--dead goes with deliveries retry"};
    return r;
  }
  // review
  if (args.has("state") || args.has("dead"))
    throw Usage{"--state and --dead go with deliveries, not review"};
  if (verb == "list") {
    r.command = Command::review_list;
    if (!rest.empty()) throw Usage{"review list takes no ids"};
  } else if (verb == "show") {
    r.command = Command::review_show;
    r.ids = ids_of(rest);
    if (r.ids.size() != 1) throw Usage{"review show: give one delivery id"};
  } else if (verb == "approve" || verb == "reject") {
    r.command = verb == "approve" ? Command::review_approve : Command::review_reject;
    r.ids = ids_of(rest);
    if (r.ids.empty()) throw Usage{"review " + verb + ": give the ids of the deliveries"};
  } else {
    throw Usage{verb.empty()
                    ? "review: say list, show, approve or reject"
                    : "review: unknown action \"" + verb + "\" (list, show, approve or reject)"};
  }
  if (verb != "list" && !r.sink.empty()) throw Usage{"--sink goes with review list"};
  return r;
}

// With no daemon running: on the file itself, holding its lock so a
// daemon starting meanwhile waits for us. Nothing when a daemon took the
// lock first (the caller asks it instead).
std::optional<json> on_file(const config::Config& cfg, const std::string& config_file,
                            const Request& r) {
  const std::string& state = cfg.daemon.state;
  std::error_code ec;
  if (!std::filesystem::exists(state, ec))
    return json{{"ok", false},
                {"error", "no state file at " + state +
                              " (has syndicd run with this "
                              "configuration?), and no daemon running"}};
  auto lock = control::StateLock::acquire(state, std::chrono::milliseconds(0));
  if (!lock) return std::nullopt;
  store::SqliteStore store(state);
  control::Context context = control::context_of(cfg, now_ms());
  // `review show` renders the post with the sink's own plugin: load the
  // configuration's plugins and make the sink instances, as `check` does
  // (no loop, no fetches: render() may use neither).
  std::unique_ptr<runtime::Assembly> assembly;
  if (r.command == control::Command::review_show) {
    runtime::Report report;
    assembly = runtime::Assembly::build(config_file, runtime::AssemblyOptions{}, report);
    if (assembly)
      context.render = [&](const store::Delivery& d) -> std::optional<std::string> {
        plugin_host::Instance* sink = assembly->sink(d.sink);
        if (sink == nullptr || !sink->created())
          throw std::runtime_error("sink " + d.sink +
                                   " could not be made here (syndicd check says why)");
        return sink->render(d.article, d.external_id);
      };
  }
  return control::execute(r, store, context);
}

}  // namespace

int run_operator_command(const std::string& name, const std::string& config_file,
                         const Args& args) {
  Request request;
  try {
    request = request_of(name, args);
  } catch (const Usage& u) {
    std::cerr << "syndicd " << name << ": " << u.message << "\n";
    return kUsage;
  }
  auto loaded = config::load_file(config_file);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics)
      if (d.severity == config::Diagnostic::Severity::Error) std::cerr << d.str() << "\n";
    std::cerr << "syndicd " << name << ": " << config_file
              << ": the configuration has errors (see syndicd check)\n";
    return kConfig;
  }
  const config::Config& cfg = *loaded.config;
  std::optional<json> answer;
  try {
    // A daemon starting holds the lock a moment before it listens: ask
    // again for a while, or work on the file if it went away meanwhile.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!answer) {
      if (!control::StateLock::held(cfg.daemon.state)) answer = on_file(cfg, config_file, request);
      if (answer) break;
      try {
        answer = control::send_request(control::client_socket_path(cfg.daemon.state), request);
      } catch (const control::NotListening&) {
        if (std::chrono::steady_clock::now() >= give_up) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "syndicd " << name << ": " << e.what() << "\n";
    return kFailure;
  }
  if (!(*answer)["ok"].is_boolean() || !(*answer)["ok"].get<bool>()) {
    std::cerr << "syndicd " << name << ": "
              << ((*answer)["error"].is_string() ? (*answer)["error"].get<std::string>()
                                                 : "the request failed")
              << "\n";
    return kFailure;
  }
  if (args.has("json"))
    std::cout << answer->dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  else
    print_answer(request.command, *answer, std::cout);
  // Some ids refused: the exit code says so, the output says which and why.
  if (answer->contains("refused") && !(*answer)["refused"].empty()) return kFailure;
  return kOk;
}

}  // namespace syndicd::cli
