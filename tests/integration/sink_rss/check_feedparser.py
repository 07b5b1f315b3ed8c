#!/usr/bin/env python3
"""Parse a feed of hostile articles, written by the built rss sink, with a
real feed reader's parser (Python feedparser, strict mode through expat).

Fails when feedparser flags the document as malformed (bozo) or shows other
titles, ids or links than the sanitised ones the generator expects.

    check_feedparser.py FEEDGEN OUT_DIR
"""
import json
import pathlib
import subprocess
import sys

try:
    import feedparser
except ImportError:
    sys.exit(f"{sys.executable}: no feedparser module; install python3-feedparser "
             "(bash scripts/deps.sh)")


def main():
    feedgen, out = sys.argv[1], pathlib.Path(sys.argv[2])
    subprocess.run([feedgen, str(out)], check=True)
    expected = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    problems = []
    if feed.bozo:
        problems.append(f"bozo: {feed.bozo_exception!r}")
    if feed.version != "rss20":
        problems.append(f"version {feed.version!r}, want 'rss20'")
    if feed.feed.get("title") != expected["title"]:
        problems.append(f"feed title {feed.feed.get('title')!r} != {expected['title']!r}")
    got = [(e.get("title"), e.get("id"), e.get("link")) for e in feed.entries]
    want = [(e["title"], e["id"], e["link"]) for e in expected["entries"]]
    if len(got) != len(want):
        problems.append(f"{len(got)} entries, want {len(want)}")
    for g, w in zip(got, want):
        if g != w:
            problems.append(f"entry {g!r} != {w!r}")
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
    print(f"feedparser {feedparser.__version__}: {len(feed.entries)} entries, not bozo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
