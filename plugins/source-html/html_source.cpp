// SPDX-License-Identifier: Apache-2.0
// Source `html`: news sites without a usable feed. A list page gives the
// article links; each article page gives the fields, by selector or by
// automatic extraction (syndicd/html_extract/extract.hpp).
//
// One poll: fetch the list page (conditional), follow `list.next` up to
// `list.pages` pages, collect at most `list.max` links (absolute, tracking
// parameters and fragments stripped, only the list page's host and
// `allow_hosts`, deduplicated before anything is fetched), fetch each article
// page once (the host's fetcher queues them politely), extract on the worker
// pool one page at a time, emit. The poll fails only when the list page
// itself fails; article pages that fail are logged and skipped.
//
// A skipped page must not be hidden by the next poll's 304: the host keeps
// the list page's ETag / Last-Modified after any successful poll, so a poll
// that missed something (an article page that failed or gave no article, a
// later list page that failed) records that in the instance state, and the
// next poll fetches the list page unconditionally and retries the links.
// Articles already stored are deduplicated by the host.
//
// With `page: article` the URL is one article page, read without a list:
// the first thing one tries on a new site (`syndicd preview --article URL`),
// or a page that is updated in place. Its poll fails when the page gives no
// article, so the problem shows instead of an empty success.
//
// `list.max` bounds the links read per poll: the first ones, in list
// order (newest first on news sites). Links beyond it are not followed, by
// this poll or a later one: the plugin cannot tell which links the host has
// stored already, and reading older links on later polls would post old
// news. A site that publishes more than `max` articles between two polls
// needs a larger `max` or a shorter `every`.
#include <syndicd/plugin.hpp>

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "settings.hpp"
#include "syndicd/common/budget.hpp"
#include "syndicd/html_extract/extract.hpp"
#include "syndicd/html_extract/links.hpp"

namespace {

using syndicd::html_source::over_budget;
using syndicd::html_source::read_settings;
using syndicd::html_source::Settings;

// Instance state key: the last poll missed something, so the next one must
// read the list page in full instead of accepting a 304.
constexpr std::string_view kRereadKey = "reread_list";

std::string describe_failure(const syndicd::FetchResponse& r) {
  if (r.error != SYNDICD_FETCH_E_NONE)
    return r.error_message.empty() ? "fetch error " + std::to_string(r.error) : r.error_message;
  return "HTTP " + std::to_string(r.status);
}

// A URL the fetcher refuses will never work; anything else may.
bool refused(const syndicd::FetchResponse& r) {
  return r.error == SYNDICD_FETCH_E_BAD_URL || r.error == SYNDICD_FETCH_E_FORBIDDEN_SCHEME ||
         r.error == SYNDICD_FETCH_E_FORBIDDEN_ADDRESS;
}

// One poll in progress. Shared by every callback it started, so it outlives
// the source object if the host cancels fetches during shutdown.
class Run : public std::enable_shared_from_this<Run> {
 public:
  Run(syndicd::Host host, syndicd::Poll poll, std::shared_ptr<const Settings> settings)
      : host_(host), poll_(poll), s_(std::move(settings)) {}

  void start() {
    // Set by a previous poll that skipped pages: a 304 now would hide them.
    reread_ = host_.state_get(kRereadKey).has_value();
    if (s_->article_page)
      fetch_article_page();
    else
      fetch_list(s_->url, 1);
  }

 private:
  struct Page {
    std::string url;    // canonical: the article's url and id
    std::string final;  // after redirects: the base for relative links
    std::string body;
  };

  void fetch_list(const std::string& url, int page) {
    list_pages_.insert(url);
    syndicd::FetchOptions options;
    // Only the first page is conditional: an unchanged front page means
    // nothing new, but page 2 has to be read whenever page 1 was. Not even
    // the first when the last poll skipped pages it must retry.
    if (page == 1 && !reread_) options.flags = SYNDICD_FETCH_CONDITIONAL;
    if (page == 1 && reread_)
      host_.debug(url + ": reading the list page in full to retry what the last poll missed");
    auto self = shared_from_this();
    host_.fetch(url, options, [self, url, page](const syndicd::FetchResponse& r) {
      self->on_list(r, url, page);
    });
  }

  // `page: article`: the url itself is the one page to extract.
  void fetch_article_page() {
    syndicd::FetchOptions options;
    options.flags = SYNDICD_FETCH_CONDITIONAL;
    auto self = shared_from_this();
    host_.fetch(s_->url, options,
                [self](const syndicd::FetchResponse& r) { self->on_article_page(r); });
  }

  void on_article_page(const syndicd::FetchResponse& r) {
    if (r.not_modified) {
      host_.debug(s_->url + ": article page not modified");
      finish_now();
      return;
    }
    if (!r.ok()) {
      fail(refused(r) ? SYNDICD_ERR_PERMANENT : SYNDICD_ERR_TRANSIENT,
           s_->url + ": article page fetch failed: " + describe_failure(r));
      return;
    }
    links_.push_back(s_->url);
    listing_done_ = true;
    outstanding_ = 1;
    queue_.push_back({s_->url, r.url.empty() ? s_->url : r.url, r.body});
    pump();
  }

  void on_list(const syndicd::FetchResponse& r, const std::string& url, int page) {
    if (page == 1 && r.not_modified) {
      host_.debug(url + ": list page not modified");
      finish_now();
      return;
    }
    if (!r.ok()) {
      const std::string why = url + ": list page fetch failed: " + describe_failure(r);
      if (page == 1) {
        fail(refused(r) ? SYNDICD_ERR_PERMANENT : SYNDICD_ERR_TRANSIENT, why);
        return;
      }
      host_.warning(why + " (following the links found so far)");
      ++missed_list_pages_;
      fetch_articles();
      return;
    }
    const std::string base = r.url.empty() ? url : r.url;
    syndicd::html::ListPage list;
    try {
      syndicd::common::WorkBudget budget(s_->limits);
      const syndicd::common::BudgetScope scope(budget);
      budget.check_size(r.body.size(), "page");
      list =
          syndicd::html::read_list_page(r.body, base, s_->links, s_->next ? &*s_->next : nullptr);
    } catch (const syndicd::common::BudgetExceeded& e) {
      fail(SYNDICD_ERR_PERMANENT, url + ": list page abandoned: " + over_budget(e));
      return;
    } catch (const std::exception& e) {
      fail(SYNDICD_ERR_INTERNAL, url + ": cannot read the list page: " + e.what());
      return;
    }
    if (list.matched == 0) {
      const std::string why =
          "list.links selector \"" + s_->links.text() + "\" matched nothing on " + url;
      if (page == 1) {
        fail(SYNDICD_ERR_PERMANENT, why);
        return;
      }
      host_.warning(why);
    }
    if (page == 1 && base != url) policy_host_extra_ = base;
    for (const auto& link : list.links) {
      if (!allowed(link)) {
        host_.debug("not following " + link + ": not the source's host (see allow_hosts)");
        continue;
      }
      if (!seen_.insert(link).second) continue;
      if (links_.size() >= s_->max) {
        ++over_max_;
        continue;
      }
      links_.push_back(link);
    }
    if (s_->next && page < s_->pages && links_.size() < s_->max && list.next &&
        list_pages_.count(*list.next) == 0 && allowed(*list.next)) {
      fetch_list(*list.next, page + 1);
      return;
    }
    fetch_articles();
  }

  bool allowed(const std::string& link) const {
    if (s_->policy.allows(link)) return true;
    if (policy_host_extra_.empty()) return false;
    syndicd::html::LinkPolicy redirected = s_->policy;
    redirected.list_url = policy_host_extra_;
    return redirected.allows(link);
  }

  void fetch_articles() {
    if (over_max_ > 0)
      host_.debug(std::to_string(over_max_) +
                  " more links beyond list.max=" + std::to_string(s_->max) +
                  " not followed (list.max bounds the links read per poll)");
    listing_done_ = true;
    outstanding_ = links_.size();
    auto self = shared_from_this();
    for (const auto& link : links_)
      host_.fetch(link, {},
                  [self, link](const syndicd::FetchResponse& r) { self->on_article(r, link); });
    maybe_finish();
  }

  void on_article(const syndicd::FetchResponse& r, const std::string& url) {
    if (!r.ok() || r.cancelled()) {
      host_.warning(url + ": article page fetch failed: " + describe_failure(r));
      ++failed_;
      --outstanding_;
      maybe_finish();
      return;
    }
    queue_.push_back({url, r.url.empty() ? url : r.url, r.body});
    pump();
  }

  // Extraction runs on the worker pool, one page at a time: the compiled
  // selectors are shared and libxml2's XPath objects are not meant for
  // concurrent evaluation.
  void pump() {
    if (extracting_ || queue_.empty() || finished_) return;
    extracting_ = true;
    auto page = std::make_shared<Page>(std::move(queue_.front()));
    queue_.pop_front();
    auto result = std::make_shared<syndicd::html::Extraction>();
    auto self = shared_from_this();
    host_.run_in_worker(
        [page, result, settings = s_] {
          try {
            // The budget counts this worker thread's CPU from here; the
            // parsers check it at their checkpoints (syndicd/common/budget.hpp).
            syndicd::common::WorkBudget budget(settings->limits);
            const syndicd::common::BudgetScope scope(budget);
            budget.check_size(page->body.size(), "page");
            *result = syndicd::html::extract_article(page->body, page->final, settings->rules);
          } catch (const syndicd::common::BudgetExceeded& e) {
            *result = {};
            result->error = page->url + ": article page abandoned: " + over_budget(e);
          } catch (const std::exception& e) {
            result->error = page->url + ": extraction failed: " + e.what();
          }
        },
        [self, page, result] { self->extracted(*page, *result); });
  }

  void extracted(const Page& page, syndicd::html::Extraction& x) {
    extracting_ = false;
    --outstanding_;
    for (const auto& w : x.warnings) host_.warning(w);
    if (!x.article) {
      last_error_ = x.error.empty() ? page.url + ": no article extracted" : x.error;
      host_.warning(last_error_);
      ++failed_;
    } else {
      syndicd::Article& a = *x.article;
      a.id = page.url;
      a.url = page.url;
      if (a.published == SYNDICD_TIME_NONE) {
        a.published = host_.now();
        a.flags |= SYNDICD_ARTICLE_DATE_GUESSED;
      }
      const syndicd_status st = poll_.emit(a);
      if (st == SYNDICD_OK) {
        ++emitted_;
      } else {
        last_error_ =
            page.url + ": the host refused the article (status " + std::to_string(st) + ")";
        host_.warning(last_error_);
        ++failed_;
      }
    }
    pump();
    maybe_finish();
  }

  void maybe_finish() {
    if (!listing_done_ || outstanding_ != 0 || extracting_ || finished_) return;
    if (s_->article_page && failed_ > 0) {
      // The one page is the whole source: nothing from it is a failure (and
      // a failed poll makes the host forget the page's validators).
      fail(SYNDICD_ERR_PERMANENT, last_error_);
      return;
    }
    if (failed_ > 0)
      host_.warning(std::to_string(failed_) + " of " + std::to_string(links_.size()) +
                    " article pages failed; " + std::to_string(emitted_) +
                    " emitted; the next poll reads the list page again and retries them");
    const bool missed = failed_ > 0 || missed_list_pages_ > 0;
    if (missed && !host_.state_put(kRereadKey, std::to_string(host_.now()))) {
      // Without the mark the next poll could get a 304 and never retry the
      // skipped pages; a failed poll makes the host drop the validators.
      fail(SYNDICD_ERR_TRANSIENT,
           "cannot record in the source's state that skipped pages must be retried");
      return;
    }
    // A failed delete only costs the next poll a full read.
    if (!missed && reread_) host_.state_delete(kRereadKey);
    finish_now();
  }

  void finish_now() {
    if (finished_) return;
    finished_ = true;
    poll_.complete();
  }

  void fail(syndicd_status status, const std::string& why) {
    if (finished_) return;
    finished_ = true;
    host_.warning(why);
    poll_.fail(status, why);
  }

  syndicd::Host host_;
  syndicd::Poll poll_;
  std::shared_ptr<const Settings> s_;
  std::set<std::string> list_pages_;
  std::set<std::string> seen_;
  std::vector<std::string> links_;
  std::string policy_host_extra_;
  size_t over_max_ = 0;
  bool reread_ = false;
  size_t missed_list_pages_ = 0;
  bool listing_done_ = false;
  size_t outstanding_ = 0;
  std::deque<Page> queue_;
  bool extracting_ = false;
  bool finished_ = false;
  size_t emitted_ = 0;
  size_t failed_ = 0;
  std::string last_error_;  ///< of the last article page that gave no article
};

class HtmlSource final : public syndicd::Source {
 public:
  HtmlSource(syndicd::Host host, const syndicd::Config& config)
      : Source(host), settings_(read_settings(config)) {}

  void poll(syndicd::Poll poll) override {
    std::make_shared<Run>(host(), poll, settings_)->start();
  }

 private:
  std::shared_ptr<const Settings> settings_;
};

}  // namespace

SYNDICD_SOURCE(HtmlSource, "html", "0.2.0",
               "Extracts articles from news sites without feeds: a list page gives the links, "
               "each article page the fields (CSS/XPath selectors or automatic extraction).",
               syndicd::html_source::schema(), 0)
