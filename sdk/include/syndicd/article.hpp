// SPDX-License-Identifier: Apache-2.0
// Part of the plugin SDK, included by <syndicd/plugin.hpp> (include that):
// the article a source emits and a sink delivers, as a C++ value (Article)
// and as the C view of it that crosses the ABI (ArticleView). Header-only.
#ifndef SYNDICD_ARTICLE_HPP
#define SYNDICD_ARTICLE_HPP

#include <syndicd/abi.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <syndicd/basics.hpp>

namespace syndicd {

struct Image {
  std::string url;
  std::string alt;
  std::string caption;
  bool operator==(const Image&) const = default;
};

/// The fields an article's flags say were guessed, in a fixed order:
/// "published", "body", "lead" (SYNDICD_ARTICLE_DATE_GUESSED, _BODY_GUESSED,
/// _NO_LEAD). The names are those of the preview JSON's "guessed" key.
inline std::vector<std::string_view> guessed_fields(uint32_t flags) {
  std::vector<std::string_view> out;
  if (flags & SYNDICD_ARTICLE_DATE_GUESSED) out.push_back("published");
  if (flags & SYNDICD_ARTICLE_BODY_GUESSED) out.push_back("body");
  if (flags & SYNDICD_ARTICLE_NO_LEAD) out.push_back("lead");
  return out;
}

/// An owning article. Convert with from_c() / ArticleView.
struct Article {
  std::string id;
  std::string url;
  std::string title;
  std::string lead;
  std::string body_html;
  std::string body_text;
  std::string author;
  std::string language;
  std::string source;
  int64_t published = SYNDICD_TIME_NONE;  ///< ms since epoch, UTC
  int64_t updated = SYNDICD_TIME_NONE;
  uint32_t flags = 0;
  std::vector<Image> images;
  std::vector<std::string> videos;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> extra;

  /// The derived field `key` (slug, hashtags, ...), or empty.
  std::string extra_value(std::string_view key) const {
    for (const auto& [k, v] : extra)
      if (k == key) return v;
    return {};
  }

  /// One text field: its name (that of the store's record and of the
  /// preview JSON) and where it lives here and in the C view.
  struct TextField {
    const char* name;
    std::string Article::*member;
    syndicd_str syndicd_article::*c_member;
  };
  /// The text fields in their fixed order, for every conversion to walk:
  /// a field added to the ABI is added here once.
  static constexpr TextField kTextFields[] = {
      {"id", &Article::id, &syndicd_article::id},
      {"url", &Article::url, &syndicd_article::url},
      {"title", &Article::title, &syndicd_article::title},
      {"lead", &Article::lead, &syndicd_article::lead},
      {"body_html", &Article::body_html, &syndicd_article::body_html},
      {"body_text", &Article::body_text, &syndicd_article::body_text},
      {"author", &Article::author, &syndicd_article::author},
      {"language", &Article::language, &syndicd_article::language},
      {"source", &Article::source, &syndicd_article::source},
  };

  static Article from_c(const syndicd_article& a) {
    Article out;
    out.flags = a.flags;
    for (const TextField& f : kTextFields) out.*f.member = copy(a.*f.c_member);
    out.published = a.published;
    out.updated = a.updated;
    for (size_t i = 0; i < a.image_count; ++i)
      out.images.push_back(
          {copy(a.images[i].url), copy(a.images[i].alt), copy(a.images[i].caption)});
    for (size_t i = 0; i < a.video_count; ++i) out.videos.push_back(copy(a.videos[i]));
    for (size_t i = 0; i < a.tag_count; ++i) out.tags.push_back(copy(a.tags[i]));
    for (size_t i = 0; i < a.extra_count; ++i)
      out.extra.emplace_back(copy(a.extra[i].key), copy(a.extra[i].value));
    return out;
  }
};

/// A C view of an Article; valid while both objects live and are unchanged.
class ArticleView {
 public:
  explicit ArticleView(const Article& a) {
    for (const auto& img : a.images)
      images_.push_back({borrow(img.url), borrow(img.alt), borrow(img.caption)});
    for (const auto& v : a.videos) videos_.push_back(borrow(v));
    for (const auto& t : a.tags) tags_.push_back(borrow(t));
    for (const auto& [k, v] : a.extra) extra_.push_back({borrow(k), borrow(v)});
    c_.struct_size = sizeof(syndicd_article);
    c_.flags = a.flags;
    for (const Article::TextField& f : Article::kTextFields) c_.*f.c_member = borrow(a.*f.member);
    c_.published = a.published;
    c_.updated = a.updated;
    c_.images = images_.data();
    c_.image_count = images_.size();
    c_.videos = videos_.data();
    c_.video_count = videos_.size();
    c_.tags = tags_.data();
    c_.tag_count = tags_.size();
    c_.extra = extra_.data();
    c_.extra_count = extra_.size();
  }
  ArticleView(const ArticleView&) = delete;
  ArticleView& operator=(const ArticleView&) = delete;
  const syndicd_article* get() const noexcept { return &c_; }

 private:
  syndicd_article c_{};
  std::vector<syndicd_image> images_;
  std::vector<syndicd_str> videos_;
  std::vector<syndicd_str> tags_;
  std::vector<syndicd_kv> extra_;
};

}  // namespace syndicd

#endif  // SYNDICD_ARTICLE_HPP
