#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Read the hostile feed written by the built rss sink with sfeed (Debian
sfeed), a second, unrelated reader: a small C parser that turns RSS and Atom
into one TSV line per item. Both the RSS 2.0 and the Atom file must give the
sanitised titles, links and ids feedparser sees, in the same order, with the
same publication times.

    check_sfeed.py FEEDGEN OUT_DIR
"""
import json
import pathlib
import shutil
import subprocess
import sys


def unescape(field):
    # sfeed(5): "\\", "\t" and "\n" stand for themselves.
    return field.replace("\\t", "\t").replace("\\n", "\n").replace("\\\\", "\\")


def main():
    sfeed = shutil.which("sfeed")
    if sfeed is None:
        sys.exit("no sfeed; install the Debian package sfeed (bash scripts/deps.sh)")
    feedgen, out = sys.argv[1], pathlib.Path(sys.argv[2])
    subprocess.run([feedgen, str(out)], check=True)
    expected = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    problems = []
    times = {}
    for name, id_key in (("feed.xml", "id"), ("feed.atom", "atom_id")):
        tsv = subprocess.run([sfeed], stdin=(out / name).open("rb"), capture_output=True,
                             check=True).stdout.decode("utf-8")
        rows = [line.split("\t") for line in tsv.splitlines()]
        got = [(unescape(r[1]), unescape(r[2]), unescape(r[5])) for r in rows]
        want = [(e["title"], e["link"], e[id_key]) for e in expected["entries"]]
        if got != want:
            problems.append(f"{name}: {got!r}\n  != {want!r}")
        times[name] = [r[0] for r in rows]
        if any(not t for t in times[name]):
            problems.append(f"{name}: an item without a time sfeed understands")
    if times["feed.xml"] != times["feed.atom"]:
        problems.append(f"times differ: {times['feed.xml']} != {times['feed.atom']}")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"sfeed: RSS and Atom, {len(expected['entries'])} items each, as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
