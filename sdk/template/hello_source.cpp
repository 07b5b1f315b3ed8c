// SPDX-License-Identifier: Apache-2.0
// A minimal syndicd source: every poll emits `count` greeting articles.
// It needs no network, so it is a safe first plugin to load and describe:
//   syndicd plugins --plugin-path build --describe hello
#include <string>
#include <syndicd/options.hpp>
#include <syndicd/plugin.hpp>

namespace {

// The configuration section: one declaration per key binds its name, type,
// default and description to a member of Settings. The host validates the
// operator's YAML against it and applies the defaults; the plugin writes no
// parsing code and can never read a key it did not declare.
struct Settings {
  std::string greeting;
  int64_t count = 0;
};

namespace key = syndicd::key;
constexpr syndicd::Options kOptions{
    key::text("greeting", &Settings::greeting)
        .defaults_to("Xin chào")
        .describe("Title of every article."),
    key::integer("count", &Settings::count)
        .defaults_to("1")
        .range(1, 100)
        .describe("Articles emitted per poll."),
};

class Hello final : public syndicd::Source {
 public:
  // Read the validated configuration; a constructor must not do I/O.
  Hello(syndicd::Host host, const syndicd::Config& config)
      : Source(host), settings_(kOptions.read(config)) {}

  void poll(syndicd::Poll poll) override {
    // Number the polls in the instance's persistent key/value space, so ids
    // stay new across restarts of the daemon.
    const int64_t polls = std::stoll(host().state_get("polls").value_or("0")) + 1;
    host().state_put("polls", std::to_string(polls));
    for (int64_t i = 1; i <= settings_.count; ++i) {
      const std::string n = std::to_string(polls) + "-" + std::to_string(i);
      syndicd::Article a;
      a.id = "hello-" + n;  // stable: the host drops ids it has already seen
      a.url = "https://example.invalid/hello/" + n;
      a.title = settings_.greeting + " " + n;
      a.lead = "An article from the hello template plugin.";
      a.body_text = a.lead;
      a.language = "vi";
      a.published = host().now();
      poll.emit(a);  // the host copies the article before returning
    }
    poll.complete();  // every poll ends with exactly one complete() or fail()
  }

 private:
  Settings settings_;
};

}  // namespace

SYNDICD_SOURCE(Hello, "hello", "1.0.0", "Emits `count` greeting articles per poll; no network.",
               kOptions.fields(), 0)
