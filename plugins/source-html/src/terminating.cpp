// SPDX-License-Identifier: Apache-2.0
// Where the article ends: a short block that opens what follows an article
// on most sites ("Related articles", "Comments", "Share this", "Tin liên
// quan"), Boilerpipe's and DOM Distiller's terminating blocks. Scoring keeps
// such a tail when it sits in the article's container (a related list of
// teasers with prose in them, a comment thread of long paragraphs); a
// reader view stops at its heading.
#include <utf8proc.h>

#include <string>
#include <string_view>
#include <vector>

#include "body_parts.hpp"

namespace syndicd::html::detail {
namespace {

// The text lower-cased (any script: "ÄHNLICHE", "Похожие"), whitespace
// runs as one space, up to `limit` code points (more means no heading).
std::string folded(std::string_view text, size_t limit) {
  std::string out;
  size_t count = 0;
  bool space = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(text.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return {};
    p += n;
    left -= n;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) {
      space = !out.empty();
      continue;
    }
    if (++count > limit) return {};
    if (space) out += ' ';
    space = false;
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t len = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
  }
  return out;
}

// Openings of what follows an article, lower case. Each must be a whole
// phrase at the start of the block ("Comments (12)", "Related posts:"),
// and the block short: a sentence that starts so is prose.
//
// What follows an end opening is never the article (comments, the
// author's box, the post's tags, links to the previous and next posts):
// the body ends there.
constexpr std::string_view kEnds[] = {
    // English
    "comments", "comment", "leave a comment", "leave a reply", "post a comment", "add a comment",
    "add your comment", "join the conversation", "join the discussion", "have your say",
    "reader comments", "about the author", "previous post", "next post", "previous article",
    "next article", "tags:", "filed under", "all rights reserved",
    // Vietnamese
    "bình luận", "ý kiến bạn đọc", "gửi bình luận", "từ khóa", "từ khoá",
    // German, French, Spanish, Portuguese, Italian
    "kommentare", "kommentar schreiben", "schlagworte", "über den autor", "über die autorin",
    "commentaires", "laisser un commentaire", "à propos de l'auteur", "comentarios",
    "deja un comentario", "sobre el autor", "comentários", "deixe um comentário", "commenti",
    "lascia un commento",
    // Dutch, Polish, Czech, Russian, Chinese, Japanese
    "reacties", "komentarze", "komentáře", "комментарии", "评论", "コメント"};

// A box opening (related links, "read also", a share bar) heads a box of
// links that may sit inside the article as well as after it: the box goes,
// up to where the article's prose resumes, if it does.
constexpr std::string_view kBoxes[] = {
    // English
    "related articles", "related posts", "related stories", "related news", "related content",
    "related reading", "related coverage", "related topics", "related links", "related",
    "share this", "share this article", "share this story", "share this post", "share on",
    "you may also like", "you might also like", "you may be interested in", "recommended for you",
    "recommended stories", "more stories", "more from", "more news", "most popular", "most read",
    "trending now", "further reading", "also read", "read also", "latest news", "latest posts",
    "recent posts", "popular posts", "top stories", "editor's picks", "don't miss",
    "what to read next", "keep reading", "more on this", "around the web", "from the web",
    "sign up for", "subscribe to our newsletter", "advertisement", "sponsored", "sponsored content",
    // Vietnamese
    "bài viết liên quan", "tin liên quan", "tin bài liên quan", "tin cùng chuyên mục", "tin khác",
    "các tin khác", "tin mới", "tin mới nhất", "tin đã đưa", "xem thêm", "đọc thêm", "chia sẻ",
    "tin cùng chủ đề", "bài viết khác", "có thể bạn quan tâm", "tin nổi bật", "đọc nhiều",
    "tin xem nhiều", "quảng cáo",
    // German
    "ähnliche artikel", "ähnliche beiträge", "verwandte artikel", "mehr zum thema",
    "weitere artikel", "weitere beiträge", "das könnte sie auch interessieren", "auch interessant",
    "lesen sie auch", "teilen", "artikel teilen", "weiterführende links", "weiterführende artikel",
    "mehr von", "mehr aus", "schon gelesen", "passend dazu", "passend zum thema",
    "das könnte dich auch interessieren", "weitere nachrichten", "weitere meldungen",
    "weitere themen", "meistgelesen", "meistgelesene artikel", "anzeige", "werbung",
    // French
    "articles similaires", "articles liés", "à lire aussi", "lire aussi", "sur le même sujet",
    "partager", "partager cet article", "à lire également", "les plus lus", "vous aimerez aussi",
    "publicité",
    // Spanish, Portuguese, Italian
    "artículos relacionados", "noticias relacionadas", "te puede interesar", "compartir",
    "lea también", "lee también", "más noticias", "lo más leído", "te recomendamos", "publicidad",
    "artigos relacionados", "notícias relacionadas", "leia também", "veja também", "compartilhe",
    "articoli correlati", "potrebbe interessarti", "condividi",
    // Dutch, Polish, Czech, Russian, Chinese, Japanese
    "gerelateerde artikelen", "lees ook", "podobne artykuły", "czytaj także", "czytaj też",
    "czytaj również", "zobacz także", "zobacz też", "polecamy", "najczęściej czytane", "reklama",
    "související články", "похожие статьи", "читайте также", "поделиться", "相关文章", "相关阅读",
    "相关新闻", "関連記事"};

// Text before an end opening for the rest to be cut: an article's first
// paragraphs.
constexpr size_t kEndMinBefore = 300;
// A block where the article's prose resumes after a box: a paragraph,
// not a teaser's line.
constexpr size_t kProse = 150;
// The longest line read as a box of one line ("Read also: <a>…</a>").
constexpr size_t kLineLength = 200;

bool word_boundary(std::string_view text, size_t at) {
  if (at >= text.size()) return true;
  const unsigned char c = static_cast<unsigned char>(text[at]);
  // After a CJK phrase anything may follow; after a word, not a letter.
  if (at > 0 && static_cast<unsigned char>(text[at - 1]) >= 0xE3) return true;
  return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80);
}

}  // namespace

Opening opening_of(std::string_view text, bool headline) {
  // A heading of a few words, with a count or a colon after it at most;
  // with `headline`, the phrase, a colon and a headline.
  const std::string f = folded(text, headline ? kLineLength : 40);
  if (f.empty()) return Opening::none;
  auto starts = [&](std::string_view o) {
    if (f.compare(0, o.size(), o) != 0 || !word_boundary(f, o.size())) return false;
    size_t at = o.size();
    if (headline) {
      while (at < f.size() && f[at] == ' ') ++at;
      return at < f.size() && f[at] == ':';
    }
    // What follows the phrase: nothing, punctuation, a count ("(12)"), or
    // a few words ("Comments on this story", "More from Sport").
    size_t words = 0;
    for (size_t i = at; i < f.size(); ++i)
      if (f[i] == ' ' && i + 1 < f.size()) ++words;
    return words <= 3;
  };
  for (std::string_view o : kEnds)
    if (starts(o)) return Opening::end;
  for (std::string_view o : kBoxes)
    if (starts(o)) return Opening::box;
  // A copyright line ("© 2020 Example Inc. All rights reserved."): the
  // page's footer, or a picture's credit; as a box it goes with what
  // follows it up to the next paragraph.
  if (!headline &&
      (f.rfind("\xC2\xA9", 0) == 0 || f.rfind("(c) ", 0) == 0 || f.rfind("copyright ", 0) == 0))
    return Opening::box;
  return Opening::none;
}

std::vector<xmlNode*> terminating_blocks(xmlNode* body) {
  const std::vector<xmlNode*> blocks = leaf_blocks(body);
  std::vector<size_t> text(blocks.size());
  size_t total = 0;
  for (size_t i = 0; i < blocks.size(); ++i) total += text[i] = text_length(clean_text(blocks[i]));
  std::vector<xmlNode*> doomed;
  size_t before = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i] == body) return {};
    Opening kind = Opening::none;
    if (i > 0 && text[i] <= kLineLength) {
      const std::string line = clean_text(blocks[i]);
      if (link_density(blocks[i]) > 0.5) {
        // A link is no heading of what follows ("Comments (3 posted)"
        // under each story of a weekly edition), but "Read also:
        // <a>headline</a>" is a box of one line.
        if (opening_of(line, true) == Opening::box) {
          doomed.push_back(blocks[i]);
          total -= text[i];
          continue;
        }
      } else {
        kind = opening_of(line);
      }
    }
    if (kind == Opening::end && before >= kEndMinBefore && before * 2 >= total) {
      // Only where an article's worth of text comes before it, and more
      // than would be cut: a "Comments" link at the top stays.
      doomed.insert(doomed.end(), blocks.begin() + static_cast<std::ptrdiff_t>(i), blocks.end());
      break;
    }
    if (kind == Opening::box && i > 0) {
      size_t j = i + 1;
      while (j < blocks.size() && !(text[j] >= kProse && link_density(blocks[j]) < 0.2)) ++j;
      for (size_t k = i; k < j; ++k) {
        doomed.push_back(blocks[k]);
        total -= text[k];
      }
      i = j - 1;
      continue;
    }
    before += text[i];
  }
  // A heading's wrapper that holds nothing else goes with it.
  for (xmlNode*& d : doomed)
    for (xmlNode* p = parent_element(d);
         p != nullptr && p != body && first_child_element(p) == d && next_element(d) == nullptr;
         p = parent_element(d))
      d = p;
  return doomed;
}

}  // namespace syndicd::html::detail
