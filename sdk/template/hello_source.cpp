// A minimal syndicd source: every poll emits `count` greeting articles.
// It needs no network, so it is a safe first plugin to load and describe:
//   syndicd plugins --plugin-path build --describe hello
#include <string>
#include <syndicd/plugin.hpp>

namespace {

// The configuration section, declared: the host validates the operator's YAML
// against it and applies the defaults; the plugin writes no parsing code.
constexpr syndicd_field kSchema[] = {
    {.name = "greeting",
     .type = SYNDICD_TYPE_STRING,
     .default_value = "Xin chào",
     .description = "Title of every article."},
    {.name = "count",
     .type = SYNDICD_TYPE_INT,
     .default_value = "1",
     .description = "Articles emitted per poll.",
     .min = 1,
     .max = 100},
    {},  // end of the schema
};

class Hello final : public syndicd::Source {
 public:
  // Read the validated configuration; a constructor must not do I/O.
  Hello(syndicd::Host host, const syndicd::Config& config)
      : Source(host), greeting_(config.string("greeting")), count_(config.integer("count")) {}

  void poll(syndicd::Poll poll) override {
    // Number the polls in the instance's persistent key/value space, so ids
    // stay new across restarts of the daemon.
    const int64_t polls = std::stoll(host().state_get("polls").value_or("0")) + 1;
    host().state_put("polls", std::to_string(polls));
    for (int64_t i = 1; i <= count_; ++i) {
      const std::string n = std::to_string(polls) + "-" + std::to_string(i);
      syndicd::Article a;
      a.id = "hello-" + n;  // stable: the host drops ids it has already seen
      a.url = "https://example.invalid/hello/" + n;
      a.title = greeting_ + " " + n;
      a.lead = "An article from the hello template plugin.";
      a.body_text = a.lead;
      a.language = "vi";
      a.published = host().now();
      poll.emit(a);  // the host copies the article before returning
    }
    poll.complete();  // every poll ends with exactly one complete() or fail()
  }

 private:
  std::string greeting_;
  int64_t count_;
};

}  // namespace

SYNDICD_SOURCE(Hello, "hello", "1.0.0", "Emits `count` greeting articles per poll; no network.",
               kSchema, 0)
