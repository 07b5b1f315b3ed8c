#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Parse a feed of hostile articles, written by the built rss sink as RSS
2.0 and Atom 1.0, with a real feed reader's parser (Python feedparser, strict
mode through expat), and check the JSON Feed 1.1 beside them for the shape
the spec gives it.

Fails when feedparser flags a document as malformed (bozo) or shows other
titles, ids or links than the sanitised ones the generator expects, or when
the JSON Feed lacks what 1.1 requires or says something else.

    check_feedparser.py FEEDGEN OUT_DIR
"""
import datetime
import json
import pathlib
import subprocess
import sys

try:
    import feedparser
except ImportError:
    sys.exit(f"{sys.executable}: no feedparser module; install python3-feedparser "
             "(bash scripts/deps.sh)")


def check_reader_view(feed, version, id_key, expected, problems):
    """What feedparser shows of an RSS or Atom file."""
    if feed.bozo:
        problems.append(f"{version}: bozo: {feed.bozo_exception!r}")
    if feed.version != version:
        problems.append(f"version {feed.version!r}, want {version!r}")
    if feed.feed.get("title") != expected["title"]:
        problems.append(f"{version}: feed title {feed.feed.get('title')!r} != "
                        f"{expected['title']!r}")
    links = {(l.get("rel"), l.get("href")) for l in feed.feed.get("links", [])}
    suffix = ".xml" if version == "rss20" else ".atom"
    for want in [("self", expected["self"] + suffix)] + [("hub", h) for h in expected["hubs"]]:
        if want not in links:
            problems.append(f"{version}: no link {want!r} in {sorted(links)!r}")
    got = [(e.get("title"), e.get("id"), e.get("link")) for e in feed.entries]
    want = [(e["title"], e[id_key], e["link"]) for e in expected["entries"]]
    if len(got) != len(want):
        problems.append(f"{version}: {len(got)} entries, want {len(want)}")
    for g, w in zip(got, want):
        if g != w:
            problems.append(f"{version}: entry {g!r} != {w!r}")


def check_json_feed(doc, expected, problems):
    """JSON Feed 1.1: the required keys, their types, and the same items."""
    def want(what, ok):
        if not ok:
            problems.append(f"json: {what}")
    want("version is 1.1", doc.get("version") == "https://jsonfeed.org/version/1.1")
    want(f"title {doc.get('title')!r}", doc.get("title") == expected["title"])
    want("feed_url", doc.get("feed_url") == expected["self"] + ".json")
    want("description is a string", isinstance(doc.get("description"), str))
    want("hubs", doc.get("hubs") == [{"type": "WebSub", "url": h} for h in expected["hubs"]])
    items = doc.get("items")
    want("items is a list", isinstance(items, list))
    items = items if isinstance(items, list) else []
    want(f"{len(items)} items", len(items) == len(expected["entries"]))
    for item, w in zip(items, expected["entries"]):
        name = item.get("id")
        want(f"{name}: id {name!r} != {w['id']!r}", name == w["id"])
        want(f"{name}: title {item.get('title')!r} != {w['title']!r}",
             item.get("title") == w["title"])
        want(f"{name}: url", item.get("url") == w["link"])
        want(f"{name}: content_html or content_text",
             isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str))
        date = item.get("date_published", "")
        try:
            datetime.datetime.fromisoformat(date)
        except ValueError:
            problems.append(f"json: {name}: date_published {date!r} is not RFC 3339")
        want(f"{name}: authors", item.get("authors") == [{"name": w["author"]}])
        want(f"{name}: tags", item.get("tags") == w["tags"])
        want(f"{name}: image", item.get("image") == w["enclosure"])


def main():
    feedgen, out = sys.argv[1], pathlib.Path(sys.argv[2])
    subprocess.run([feedgen, str(out)], check=True)
    expected = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    problems = []
    atom = feedparser.parse((out / "feed.atom").read_bytes())
    check_reader_view(atom, "atom10", "atom_id", expected, problems)
    for e, w in zip(atom.entries, expected["entries"]):
        if not e.get("content") or not e.content[0].value:
            problems.append(f"atom10: {e.get('id')}: no content")
        if e.get("author") != w["author"]:
            problems.append(f"atom10: {e.get('id')}: author {e.get('author')!r}")
        if [t.term for t in e.get("tags", [])] != w["tags"]:
            problems.append(f"atom10: {e.get('id')}: tags {e.get('tags')!r}")
    check_json_feed(json.loads((out / "feed.json").read_text(encoding="utf-8")), expected,
                    problems)
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    check_reader_view(feed, "rss20", "id", expected, problems)
    for e, w in zip(feed.entries, expected["entries"]):
        name = e.get("id")
        if not e.get("content") or not e.content[0].value:
            problems.append(f"{name}: no content:encoded")
        if not e.get("published_parsed"):
            problems.append(f"{name}: pubDate not understood")
        checks = [
            ("summary", e.get("summary"), w["summary"]),
            ("author", e.get("author"), w["author"]),
            ("tags", [t.term for t in e.get("tags", [])], w["tags"]),
            ("enclosure", [x.get("href") for x in e.get("enclosures", [])], [w["enclosure"]]),
            ("media:content", [m.get("url") for m in e.get("media_content", [])],
             [w["enclosure"]]),
        ]
        for what, got_value, want_value in checks:
            if got_value != want_value:
                problems.append(f"{name}: {what} {got_value!r} != {want_value!r}")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"feedparser {feedparser.__version__}: RSS and Atom, {len(feed.entries)} entries "
          "each, not bozo; JSON Feed 1.1 in shape")
    return 0


if __name__ == "__main__":
    sys.exit(main())
